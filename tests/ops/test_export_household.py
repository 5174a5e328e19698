"""Recovering one household: export it with what hangs off it, load it back."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.usulan.factories import make_usulan
from usulan.models import Anggota, Dokumen, Usulan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def office_profile(db):
    """Documents are asked for by the active office profile."""
    call_command("load_profile", "buleleng", verbosity=0)


def test_a_deleted_household_comes_back_with_its_members_and_documents(
    operator_a, tmp_path, settings
):
    usulan = make_usulan(operator_a, upload=True)
    other = make_usulan(operator_a)
    output = tmp_path / "keluarga.json"
    out = io.StringIO()

    call_command(
        "export_objects",
        "usulan.Usulan",
        f"no_kk={usulan.no_kk}",
        "-o",
        str(output),
        stdout=out,
    )

    rows = json.loads(output.read_text())
    models = {row["model"] for row in rows}
    assert {"usulan.usulan", "usulan.anggota", "usulan.dokumen"} <= models
    assert {row["pk"] for row in rows if row["model"] == "usulan.usulan"} == {usulan.pk}
    assert rows[0]["model"] == "usulan.usulan"  # parents first, for loaddata
    assert oct(output.stat().st_mode & 0o777) == "0o600"  # personal data
    files = (tmp_path / "keluarga.json.berkas").read_text().split()
    documents = list(Dokumen.objects.filter(usulan=usulan).exclude(file=""))
    assert documents and sorted(files) == sorted(d.file.name for d in documents)
    assert "usulan.Anggota: 2" in out.getvalue()
    members = list(Anggota.objects.filter(usulan=usulan).values_list("nik", flat=True))
    assert not any(nik in out.getvalue() for nik in members)  # counts only

    pk = usulan.pk
    Usulan.objects.filter(pk=pk).delete()
    assert not Anggota.objects.filter(nik__in=members).exists()
    call_command("loaddata", str(output), stdout=io.StringIO())

    back = Usulan.objects.get(pk=pk)
    assert back.no_kk == usulan.no_kk
    assert sorted(back.anggota_set.values_list("nik", flat=True)) == sorted(members)
    assert Dokumen.objects.filter(usulan=back).count() == len(documents)
    assert Usulan.objects.filter(pk=other.pk).exists()


def test_nothing_matching_is_an_error(tmp_path, db):
    with pytest.raises(CommandError, match="tidak ada baris"):
        call_command(
            "export_objects", "usulan.Usulan", "no_kk=0", "-o", str(tmp_path / "x")
        )
    with pytest.raises(CommandError, match="field=nilai"):
        call_command(
            "export_objects", "usulan.Usulan", "no_kk", "-o", str(tmp_path / "x")
        )
