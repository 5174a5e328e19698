"""The data-subject page: everything held about one person, as a page and a PDF, and
the correction of their data with old and new values in the audit trail."""

import datetime
import hashlib
import io
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from demo.usulan_demo import demo_pdf
from distribusi.services import kartu_receive_batch
from dtks.models import DtksPeriode, DtksRecord
from dtks.services import siksng_catat
from kis_portal.audit.models import AksesData, AuditEvent
from kis_portal.audit.services import record_access
from kis_portal.roles import Role
from kis_portal.uploads import CheckedFile
from rekap_bpjs.results import result_apply
from rekap_bpjs.services import batch_build, batch_lock
from tests.distribusi.factories import enrolled_batch, noka_for
from tests.factories import make_user
from tests.pengaduan.factories import complaint
from tests.rekap_bpjs.factories import ready_household
from tests.usulan.factories import make_usulan, member, new_kk, new_nik
from usulan.darurat import darurat_submit
from usulan.models import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Anggota
from usulan.services import usulan_return, usulan_save, usulan_submit

pytestmark = pytest.mark.django_db

SECRET = "Peserta meninggal dunia"


@pytest.fixture
def person(rekap, distribusi, operator_a, kadis) -> Anggota:
    """An enrolled member with a card, a DTKS record, a complaint and a viewer."""
    call_command("load_profile", "sop-pbi", verbosity=0)
    batch = enrolled_batch(rekap, [(operator_a, 2)])
    kartu_receive_batch(
        periode=batch.periode, tanggal=timezone.localdate(), by=distribusi
    )
    anggota = Anggota.objects.filter(usulan__desa=operator_a.profile.desa).first()
    periode = DtksPeriode.objects.create(kode="2026-Q3")
    DtksRecord.objects.create(
        periode=periode, nik=anggota.nik, nama=anggota.nama, desil=2
    )
    complaint(operator_a, nomor_usulan=anggota.usulan.nomor, nik_anggota=anggota.nik)
    record_access(
        by=kadis,
        tindakan="lihat",
        halaman="Detail usulan",
        subjek_tipe="usulan",
        ids=[anggota.usulan_id],
    )
    return anggota


def events_of(anggota: Anggota):
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Anggota),
        object_id=str(anggota.pk),
    )


def look_up(client, nik: str):
    response = client.post("/audit/subjek/", {"nik": nik})
    # The NIK is posted and kept in the session, never put in a URL.
    assert response.status_code == 302 and response.url == "/audit/subjek/"
    return client.get(response.url)


def test_admin_sees_everything_held_about_the_person(login, admin_user, person):
    other = person.usulan.anggota_set.exclude(pk=person.pk).get()
    page = look_up(login(admin_user), person.nik)
    html = page.content.decode()
    assert person.nik in html and person.usulan.no_kk in html
    assert person.usulan.nomor in html
    assert "Tidak terdaftar." not in html  # the DTKS record
    assert noka_for(person) in html  # the card
    assert "Pengaduan (1)" in html
    assert "kadis (kepala_dinas)" in html  # who looked at the household
    assert other.nik not in html  # a relative's data is theirs, not the subject's
    record = AksesData.objects.filter(actor=admin_user).latest("pk")
    assert (record.tindakan, record.tujuan) == ("lihat", "permintaan subjek data")
    assert record.nik_list == [person.nik]


def test_an_unknown_nik_says_so(login, admin_user):
    html = look_up(login(admin_user), "5108061234560001").content.decode()
    assert "Tidak ada data usulan maupun DTKS dengan NIK ini." in html


def test_the_pdf_holds_the_persons_data_and_is_recorded(login, admin_user, person):
    client = login(admin_user)
    look_up(client, person.nik)
    response = client.get("/audit/subjek/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert person.nik in text and person.nama in text and noka_for(person) in text
    record = AksesData.objects.filter(actor=admin_user).latest("pk")
    assert (record.tindakan, record.nik_list) == ("cetak", [person.nik])


def test_the_pdf_needs_a_person_chosen_first(login, admin_user):
    assert login(admin_user).get("/audit/subjek/pdf/").status_code == 404


def _koreksi(anggota: Anggota, **changes) -> dict:
    data = {
        "nama": anggota.nama,
        "tempat_lahir": anggota.tempat_lahir,
        "tanggal_lahir": anggota.tanggal_lahir.isoformat(),
        "telepon": anggota.telepon,
        "alamat": anggota.usulan.alamat,
        "rt": anggota.usulan.rt,
        "rw": anggota.usulan.rw,
        "alasan": "Permintaan warga dengan KTP-el, 23-11-2026",
        **changes,
    }
    return {f"a{anggota.pk}-{key}": value for key, value in data.items()}


def test_admin_corrects_the_persons_data_and_the_audit_keeps_old_and_new(
    login, admin_user, person
):
    old_name, old_address = person.nama, person.usulan.alamat
    client = login(admin_user)
    look_up(client, person.nik)
    response = client.post(
        f"/audit/subjek/koreksi/{person.pk}/",
        _koreksi(person, nama="I MADE BENAR", alamat="JALAN BARU 1", telepon=""),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.nama == "I MADE BENAR" and person.usulan.alamat == "JALAN BARU 1"
    event = events_of(person).latest("pk")
    assert event.actor == admin_user and "KTP-el" in event.reason
    assert event.data["koreksi"] == {
        "anggota.nama": {"lama": old_name, "baru": "I MADE BENAR"},
        "keluarga.alamat": {"lama": old_address, "baru": "JALAN BARU 1"},
    }
    html = client.get("/audit/subjek/").content.decode()
    assert "I MADE BENAR" in html and "Data dikoreksi: 2 isian." in html


def test_a_birth_date_that_contradicts_the_nik_is_refused(login, admin_user, person):
    client = login(admin_user)
    look_up(client, person.nik)
    wrong = person.tanggal_lahir + datetime.timedelta(days=3)
    response = client.post(
        f"/audit/subjek/koreksi/{person.pk}/",
        _koreksi(person, tanggal_lahir=wrong.isoformat()),
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.tanggal_lahir != wrong
    assert not events_of(person).filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_correction_needs_a_reason(login, admin_user, person):
    client = login(admin_user)
    look_up(client, person.nik)
    response = client.post(
        f"/audit/subjek/koreksi/{person.pk}/", _koreksi(person, nama="X", alasan="")
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.nama != "X"


def test_only_the_person_being_looked_at_can_be_corrected(login, admin_user, person):
    other = person.usulan.anggota_set.exclude(pk=person.pk).get()
    client = login(admin_user)
    look_up(client, person.nik)
    response = client.post(
        f"/audit/subjek/koreksi/{other.pk}/", _koreksi(other, nama="X")
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.nama != "X"


def test_correction_is_post_only(login, admin_user, person):
    client = login(admin_user)
    look_up(client, person.nik)
    assert client.get(f"/audit/subjek/koreksi/{person.pk}/").status_code == 405


@pytest.mark.parametrize("persona", ["kadis", "verifikator", "loket", "operator_a"])
def test_only_the_admin_opens_the_data_subject_page(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get("/audit/subjek/").status_code == 403
    assert client.post("/audit/subjek/", {"nik": "5108061234560001"}).status_code == 403
    assert client.get("/audit/subjek/pdf/").status_code == 403


def test_the_pdf_shows_no_other_members_failure_reason(
    login, admin_user, rekap, operator_a
):
    """Two namesakes in one household: BPJS refuses one; the other's data-subject
    PDF shows the household failed but not why the other member was refused."""
    call_command("load_profile", "sop-pbi", verbosity=0)
    ready_household(operator_a, size=2)
    batch_build(periode="2026-11", by=rekap)
    batch = batch_lock(periode="2026-11", by=rekap)
    enrolled, refused = [
        item.anggota for item in batch.items.filter(diambil=True).order_by("pk")
    ]
    assert enrolled.nama == refused.nama  # names cannot tell them apart
    lines = [
        "NIK;NO KARTU;STATUS;KETERANGAN;TMT",
        f"'{enrolled.nik};'{noka_for(enrolled)};BERHASIL;;01-12-2026",
        f"'{refused.nik};;GAGAL;{SECRET};",
    ]
    result_apply(
        periode="2026-11",
        content="\n".join(lines).encode(),
        filename="hasil.csv",
        by=rekap,
    )
    client = login(admin_user)

    look_up(client, enrolled.nik)
    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(client.get("/audit/subjek/pdf/").content)).pages
    )
    flat = " ".join(text.split())
    assert SECRET not in flat
    assert "Gagal di BPJS" in flat

    look_up(client, refused.nik)  # the person refused sees their own reason
    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(client.get("/audit/subjek/pdf/").content)).pages
    )
    assert SECRET in " ".join(text.split())


def test_the_persons_siks_ng_record_is_listed(login, admin_user, person):
    siksng_catat(
        nik=person.nik,
        tanggal_usul=datetime.date(2026, 10, 20),
        hasil="ditolak",
        catatan="Tidak lolos",
        by=admin_user,
    )
    html = look_up(login(admin_user), person.nik).content.decode()
    assert "Diusulkan lewat SIKS-NG (PBI-JK APBN)" in html
    assert "20-10-2026" in html and "Ditolak SIKS-NG" in html


def test_an_urgent_patients_reason_for_admission_is_part_of_their_data(
    login, admin_user, desa_a
):
    """What a faskes wrote about the patient (health data) is shown to the person."""
    call_command("load_profile", "buleleng", verbosity=0)
    faskes = make_user(Role.FASKES, kode_faskes="0902R001", nama_faskes="RSUD UJI")
    birth = datetime.date(1970, 1, 5)
    nik = new_nik(desa_a, birth=birth)
    content = demo_pdf("surat")
    darurat_submit(
        data={
            "nik": nik,
            "no_kk": new_kk(desa_a),
            "nama": "I WAYAN PASIEN",
            "tempat_lahir": "SINGARAJA",
            "tanggal_lahir": birth,
            "shdk": "1",
            "status_kawin": "2",
            "desa": desa_a,
            "alamat": "BANJAR DINAS KAJA",
            "rt": "001",
            "alasan": "Gagal ginjal, cuci darah darurat",
        },
        surat=CheckedFile(
            content=content,
            content_type="application/pdf",
            original_name="surat.pdf",
            sha256=hashlib.sha256(content).hexdigest(),
        ),
        by=faskes,
        client_token=uuid.uuid4(),
    )
    html = look_up(login(admin_user), nik).content.decode()
    assert "Pasien darurat dari faskes (1)" in html
    assert "Gagal ginjal, cuci darah darurat" in html and "RSUD UJI" in html


def test_a_member_removed_after_a_return_is_still_found_in_the_copy_kept_then(
    login, admin_user, operator_a, verifikator
):
    """The snapshot kept at a return holds a member the desa removed afterwards:
    the person's request shows it, their part and their household's only."""
    call_command("load_profile", "buleleng", verbosity=0)
    desa = operator_a.profile.desa
    usulan = make_usulan(
        operator_a,
        members=[
            member(desa, nama="I MADE KEPALA"),
            member(
                desa,
                sex="P",
                birth=datetime.date(1985, 3, 7),
                nama="NI LUH SALAH KETIK",
                telepon="081299887766",
            ),
        ],
        upload=True,
    )
    usulan_submit(usulan_id=usulan.pk, by=operator_a)
    usulan_return(
        usulan_id=usulan.pk,
        by=verifikator,
        notes=[{"item": "data", "item_label": "Isian", "pesan": "Bukan anggota KK"}],
    )
    head, removed = usulan.anggota_set.order_by("pk")
    usulan_save(
        usulan=usulan,
        household={f: getattr(usulan, f) for f in HOUSEHOLD_FIELDS},
        members=[
            {f: getattr(head, f) for f in MEMBER_FIELDS} | {"id": head.pk},
            {"id": removed.pk, "DELETE": True},
        ],
        by=operator_a,
    )
    assert not Anggota.objects.filter(nik=removed.nik).exists()

    client = login(admin_user)
    html = look_up(client, removed.nik).content.decode()
    assert "Tidak ada data usulan maupun DTKS" not in html  # held, so found
    assert "Salinan saat usulan dikembalikan ke desa (1)" in html
    assert usulan.nomor in html and "(putaran 1)" in html
    assert "NI LUH SALAH KETIK" in html and "081299887766" in html
    assert usulan.no_kk in html  # the household's part as it was then
    assert "sesudahnya diubah atau dihapus dari usulan" in html
    assert "I MADE KEPALA" not in html and head.nik not in html  # not theirs
    text = "".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(client.get("/audit/subjek/pdf/").content)
        ).pages
    )
    assert "NI LUH SALAH KETIK" in " ".join(text.split())

    # The member who stayed: the copy and the member record, both shown.
    html = look_up(client, head.nik).content.decode()
    assert "Salinan saat usulan dikembalikan ke desa (1)" in html
    assert "orang ini masih tercatat di usulan" in html
    assert "NI LUH SALAH KETIK" not in html
