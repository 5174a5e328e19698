"""Office profiles: each office's documents, quota and layouts are data, not code."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from kis_portal.offices.choices import Kategori, Kondisi, Level
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile
from kis_portal.offices.services import profile_load, read_profile_file
from tests.clock import frozen, wita
from usulan.document_rules import applies

pytestmark = pytest.mark.django_db


def requirement(profile, kode):
    return profile.requirements.get(kode=kode)


@pytest.mark.parametrize("name", ["buleleng", "makassar", "lombok-timur", "sop-pbi"])
def test_each_shipped_profile_loads_with_both_layouts(name, capsys):
    call_command("load_profile", name)
    profile = OfficeProfile.objects.get(slug=name)
    assert profile.is_active
    assert profile.requirements.exists()
    assert profile.columns.filter(layout="MIG34").count() == 34
    assert profile.columns.filter(layout="MIG37").count() == 37
    nik = profile.columns.get(layout="MIG34", field="nik")
    assert nik.format == "text"
    assert f"Profil {name} dimuat" in capsys.readouterr().out


def test_buleleng_always_asks_for_a_stamped_sktm_and_diagnosis_for_chronic_illness():
    call_command("load_profile", "buleleng")
    profile = get_active_profile()
    sktm = requirement(profile, "sktm")
    assert (sktm.level, sktm.kondisi, sktm.bermeterai) == (
        Level.KELUARGA,
        Kondisi.ALWAYS,
        True,
    )
    assert requirement(profile, "riwayat-sakit").kondisi == Kondisi.CHRONIC
    assert requirement(profile, "surat-pengantar").level == Level.PENGAJUAN
    assert profile.monthly_quota is None


def test_makassar_asks_for_sktm_only_outside_dtks_and_receipt_only_for_mandiri_transfer():
    call_command("load_profile", "makassar")
    profile = get_active_profile()
    assert requirement(profile, "sktm").kondisi == Kondisi.NOT_DTKS
    receipt = requirement(profile, "bukti-iuran")
    assert (receipt.berlaku_untuk, receipt.kondisi) == (
        "MIG37",
        Kondisi.TRANSFER_MANDIRI,
    )
    assert profile.wajib_no_hp and profile.wajib_faskes
    mig34_keluarga = [
        r.kode
        for r in profile.requirements.all()
        if applies(r, jenis="MIG34", level="keluarga")
    ]
    assert mig34_keluarga == ["kk", "sktm"]


def test_sop_pbi_has_quota_500_cutoff_20_and_priority_a_to_e():
    call_command("load_profile", "sop-pbi")
    profile = get_active_profile()
    assert (profile.monthly_quota, profile.cutoff_day) == (500, 20)
    assert profile.priority_order[:4] == ["tambahan", "hamil", "kronis", "disabilitas"]
    assert profile.priority_order[-1] == "miskin"
    assert requirement(profile, "ket-hamil").kondisi == Kondisi.PREGNANT


def test_lombok_timur_needs_musdes_minutes_and_issues_an_sk():
    call_command("load_profile", "lombok-timur")
    profile = get_active_profile()
    assert requirement(profile, "berita-acara-musdes").level == Level.PENGAJUAN
    assert profile.sk_penetapan is True


def test_reloading_a_profile_replaces_rather_than_duplicates():
    call_command("load_profile", "buleleng")
    call_command("load_profile", "buleleng")
    profile = OfficeProfile.objects.get(slug="buleleng")
    assert OfficeProfile.objects.count() == 1
    assert profile.requirements.count() == 6  # five of the procedure, the faskes letter
    assert profile.columns.count() == 71


def test_loading_another_profile_switches_the_active_one():
    call_command("load_profile", "buleleng")
    call_command("load_profile", "makassar")
    assert get_active_profile().slug == "makassar"
    assert OfficeProfile.objects.filter(is_active=True).count() == 1


def test_no_activate_keeps_the_current_profile():
    call_command("load_profile", "buleleng")
    call_command("load_profile", "makassar", "--no-activate")
    assert get_active_profile().slug == "buleleng"


def test_unknown_profile_is_refused():
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("load_profile", "jakarta")


def test_a_broken_profile_loads_nothing():
    data = read_profile_file("buleleng")
    data["requirements"].append({"kode": "x", "nama": "X", "level": "rt"})
    with pytest.raises(ValidationError):
        profile_load(data=data)
    assert not OfficeProfile.objects.exists()


def test_priority_order_must_name_every_category_once():
    data = read_profile_file("buleleng")
    data["priority_order"] = ["hamil", "hamil"]
    with pytest.raises(ValidationError, match="tepat satu kali"):
        profile_load(data=data)
    assert sorted(read_profile_file("buleleng")["priority_order"]) == sorted(
        Kategori.values
    )


def test_the_database_allows_one_active_profile_only():
    call_command("load_profile", "buleleng")
    call_command("load_profile", "makassar", "--no-activate")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeProfile.objects.filter(slug="makassar").update(is_active=True)


def admin_form_data(page) -> dict:
    """What the admin's change form posts back unchanged, inlines included."""
    form = page.context["adminform"].form
    data = {
        k: json.dumps(v) if isinstance(v, dict | list) else v
        for k, v in form.initial.items()
        if v is not None
    }
    for inline in page.context["inline_admin_formsets"]:
        fs = inline.formset
        data.update(
            {
                f"{fs.prefix}-TOTAL_FORMS": str(fs.total_form_count()),
                f"{fs.prefix}-INITIAL_FORMS": str(fs.initial_form_count()),
            }
        )
        for index, sub in enumerate(fs.forms):
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if value is None:
                    continue
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, bool):
                    if not value:
                        continue
                    value = "on"
                data[f"{fs.prefix}-{index}-{name}"] = value
    return data


@pytest.fixture
def office_hours():
    """The admin logs in, then saves: a session ends at local midnight, so under a
    moved process clock (CI's cut-off day, 23:59 WITA) the save could land on the
    login page. These tests keep the clock at 10:00 WITA."""
    with frozen(wita(2026, 11, 25, 10)):
        yield


def test_admin_edits_the_quota_in_the_browser(login, admin_user, office_hours):
    call_command("load_profile", "sop-pbi")
    profile = get_active_profile()
    client = login(admin_user)
    page = client.get(f"/admin/offices/officeprofile/{profile.pk}/change/")
    assert page.status_code == 200
    data = admin_form_data(page)
    data["monthly_quota"] = 650
    data["is_active"] = "on"
    # BPJS's branch writes its own headers in the result file.
    data["header_sinonim_hasil"] = json.dumps({"nik": ["NOMOR PENDUDUK"]})
    response = client.post(f"/admin/offices/officeprofile/{profile.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.monthly_quota == 650
    assert profile.header_sinonim_hasil == {"nik": ["NOMOR PENDUDUK"]}


def test_admin_edits_signatories_and_export_settings_and_is_warned_of_blanks(
    login, admin_user, office_hours
):
    call_command("load_profile", "buleleng", verbosity=0)
    profile = get_active_profile()
    client = login(admin_user)
    url = f"/admin/offices/officeprofile/{profile.pk}/change/"
    page = client.get(url)
    warnings = [str(m) for m in page.context["messages"]]
    assert any("Nama Kepala Dinas kosong" in w for w in warnings)
    data = admin_form_data(page)
    data.update(
        {
            "kepala_nama": "Dra. NI KADEK CONTOH",
            "kepala_nip": "196805121990032004",
            "kepala_pangkat": "Pembina Utama Muda (IV/c)",
            "kode_wilayah": "bagian",
            "kolom_internal": "on",
            "nilai_tetap": json.dumps(
                {"jenis_peserta": "21", "kelas_rawat": "3", "kewarganegaraan": "WNI"}
            ),
            "penandatangan-TOTAL_FORMS": "1",
            "penandatangan-0-dokumen": "surat_pengantar",
            "penandatangan-0-nama": "I KETUT CONTOH, S.Sos.",
            "penandatangan-0-nip": "197501012000031001",
            "penandatangan-0-pangkat": "Penata Tk. I (III/d)",
            "penandatangan-0-jabatan": "Kepala Bidang Perlindungan dan Jaminan Sosial",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.kepala_nama == "Dra. NI KADEK CONTOH"
    assert profile.kode_wilayah == "bagian" and profile.kolom_internal
    assert profile.nilai_tetap["jenis_peserta"] == "21"
    (signer,) = profile.penandatangan.all()
    assert signer.jabatan.startswith("Kepala Bidang")
    warnings = [str(m) for m in client.get(url).context["messages"]]
    assert not any("Kepala Dinas kosong" in w for w in warnings)


def test_a_code_map_must_give_every_code_and_constants_every_field():
    call_command("load_profile", "sop-pbi", verbosity=0)
    profile = get_active_profile()
    profile.peta_kode = {**profile.peta_kode, "pisat": {"1": "1", "2": "2"}}
    with pytest.raises(ValidationError, match="pisat"):
        profile.full_clean()
    profile.refresh_from_db()
    profile.nilai_tetap = {"jenis_peserta": "22"}
    with pytest.raises(ValidationError, match="kelas_rawat"):
        profile.full_clean()
    profile.refresh_from_db()
    profile.nomor_surat_pola = "{tahun}/{__class__}"
    with pytest.raises(ValidationError, match="urut"):
        profile.full_clean()


def test_the_decree_takes_one_to_ten_dicta():
    call_command("load_profile", "lombok-timur", verbosity=0)
    profile = get_active_profile()
    profile.sk_diktum = "\n".join(f"Diktum {n}." for n in range(11))
    with pytest.raises(ValidationError, match="diktum"):
        profile.full_clean()
    profile.sk_diktum = " \n"
    with pytest.raises(ValidationError, match="diktum"):
        profile.full_clean()
