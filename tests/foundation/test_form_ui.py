"""A list's filter fields, written in Python, show what crispy's templates show."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html

from kis_portal.templatetags.form_ui import quick_field
from kis_portal.widgets import LongSelect
from kis_portal.wilayah.models import Kecamatan
from tests.factories import KecamatanFactory

DESA = [("", "Semua desa")] + [(pk, f"Desa <{pk}> & Co") for pk in range(1, 40)]


class Saringan(forms.Form):
    q = forms.CharField(
        label="Cari nama",
        required=False,
        widget=forms.TextInput({"autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Semua"), ("draft", "Draf")]
    )
    desa = forms.ChoiceField(
        label="Desa", required=False, choices=DESA, widget=LongSelect
    )
    dari = forms.DateField(
        label="Dibuat dari", required=False, widget=forms.DateInput({"type": "date"})
    )
    umur = forms.IntegerField(
        label="Menunggu (hari)",
        required=False,
        min_value=0,
        help_text="Paling sedikit.",
    )
    nomor = forms.CharField(label="Nomor", max_length=10)
    setuju = forms.BooleanField(label="Setuju", required=False)


def rendered(data, name: str, render) -> object:
    form = Saringan(data)
    if data is not None:
        form.is_valid()
    return parse_html(str(render(form[name])))


CASES = [
    None,
    {"q": "Ni <Luh>", "status": "draft", "desa": "7", "dari": "2024-02-01"},
    {"status": "zz", "desa": "999", "dari": "2024-13-01", "umur": "-3", "nomor": ""},
]


@pytest.mark.parametrize("data", CASES, ids=["empty", "chosen", "errors"])
@pytest.mark.parametrize("name", list(Saringan.base_fields))
def test_a_filter_field_reads_the_same_as_crispy_writes_it(data, name):
    assert rendered(data, name, quick_field) == rendered(data, name, as_crispy_field)


def test_a_chosen_desa_is_selected_and_names_are_escaped():
    form = Saringan({"desa": "7"})
    form.is_valid()
    html = str(quick_field(form["desa"]))
    assert '<option value="7" selected>Desa &lt;7&gt; &amp; Co</option>' in html
    assert html.count(" selected") == 1


@pytest.mark.django_db
def test_a_model_choice_field_reads_its_choices_with_one_query(
    django_assert_num_queries,
):
    chosen = KecamatanFactory()
    KecamatanFactory.create_batch(3)

    class Wilayah(forms.Form):
        kecamatan = forms.ModelChoiceField(
            label="Kecamatan", required=False, queryset=Kecamatan.objects.all()
        )

    form = Wilayah({"kecamatan": str(chosen.pk)})
    form.is_valid()
    with django_assert_num_queries(1):
        html = str(quick_field(form["kecamatan"]))
    assert html.count("<option") == 5
    assert f'<option value="{chosen.pk}" selected>' in html
