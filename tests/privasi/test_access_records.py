"""Who saw, exported or printed whose data: one access record per request, and the
admin's page to search them."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dtks.models import DtksPeriode, DtksRecord
from kis_portal.audit.models import AksesData
from kis_portal.audit.services import record_access
from kis_portal.jobs.models import Job
from kis_portal.jobs.services import job_start
from pengaduan.models import Pengaduan
from tests.clock import frozen
from tests.pengaduan.factories import complaint
from tests.usulan.factories import make_usulan

pytestmark = pytest.mark.django_db


def new_records(before: int) -> list[AksesData]:
    return list(AksesData.objects.order_by("pk")[before:])


def test_record_access_writes_who_when_whose_what_and_why(verifikator):
    record = record_access(
        by=verifikator,
        tindakan=AksesData.Tindakan.LIHAT,
        halaman="Detail usulan",
        subjek_tipe="usulan",
        ids=[7, 7, 8],
        niks=["5108061234560001", ""],
    )
    record.refresh_from_db()
    assert record.actor == verifikator and record.peran == "verifikator"
    assert record.created_at is not None
    assert record.id_list == ["7", "8"] and record.nik_list == ["5108061234560001"]
    assert record.jumlah == 2 and record.tujuan == "verifikasi"


def test_access_records_are_append_only_in_python(verifikator):
    record = record_access(by=verifikator, tindakan="lihat", halaman="x")
    record.tujuan = "lain"
    with pytest.raises(ValueError, match="tidak boleh diubah"):
        record.save()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_update_and_delete_of_access_records(verifikator):
    record = record_access(by=verifikator, tindakan="lihat", halaman="x")
    for sql in (
        "UPDATE audit_aksesdata SET tujuan = 'x' WHERE id = %s",
        "DELETE FROM audit_aksesdata WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [record.pk])
    assert AksesData.objects.get(pk=record.pk).tujuan == "verifikasi"


def test_list_and_detail_each_write_one_record_with_the_people_shown(login, operator_a):
    usulan = make_usulan(operator_a)
    other = make_usulan(operator_a)
    niks = set(usulan.anggota_set.values_list("nik", flat=True))
    client = login(operator_a)
    before = AksesData.objects.count()
    client.get("/usulan/")
    client.get(usulan.get_absolute_url())
    listed, seen = new_records(before)
    assert (listed.tindakan, listed.subjek_tipe) == ("daftar", "usulan")
    assert set(listed.id_list) == {str(usulan.pk), str(other.pk)}
    assert (seen.tindakan, seen.id_list) == ("lihat", [str(usulan.pk)])
    assert set(seen.nik_list) == niks
    assert seen.actor == operator_a and seen.tujuan == "pendataan usulan desa"


def test_an_outsider_refused_leaves_no_access_record(login, operator_a, operator_b):
    usulan = make_usulan(operator_a)
    before = AksesData.objects.count()
    assert login(operator_b).get(usulan.get_absolute_url()).status_code == 404
    assert AksesData.objects.count() == before


def test_a_dtks_search_records_the_nik_looked_up_found_or_not(login, verifikator):
    periode = DtksPeriode.objects.create(kode="2026-Q3")
    found = DtksRecord.objects.create(
        periode=periode, nik="5108042303800001", nama="I WAYAN UJI"
    )
    client = login(verifikator)
    client.post("/dtks/cari/", {"nik": found.nik})
    client.post("/dtks/cari/", {"nik": "5108042303800002"})
    hit, miss = AksesData.objects.filter(tindakan="cari").order_by("pk")
    assert (hit.nik_list, hit.id_list, hit.keterangan) == (
        [found.nik],
        [str(found.pk)],
        "ditemukan",
    )
    assert (miss.nik_list, miss.id_list) == (["5108042303800002"], [])


def test_a_complaint_page_records_the_member_it_is_about(login, operator_a, loket):
    usulan = make_usulan(operator_a)
    nik = usulan.anggota_set.first().nik
    pengaduan = complaint(operator_a, nomor_usulan=usulan.nomor, nik_anggota=nik)
    login(loket).get(pengaduan.get_absolute_url())
    record = AksesData.objects.get(actor=loket, subjek_tipe="pengaduan")
    assert record.nik_list == [nik] and record.id_list == [str(pengaduan.pk)]
    assert record.tujuan == "penanganan pengaduan"
    assert Pengaduan.objects.count() == 1


def test_downloading_an_export_records_it(login, rekap, operator_a):
    make_usulan(operator_a)
    job = job_start(kind="audit_export", by=rekap)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    response = login(rekap).get(f"/tugas/{job.pk}/unduh/")
    assert b"".join(response.streaming_content).startswith(b"PK")  # an XLSX
    record = AksesData.objects.get(actor=rekap)
    assert (record.tindakan, record.subjek_tipe, record.id_list) == (
        "ekspor",
        "tugas",
        [str(job.pk)],
    )
    assert record.keterangan == job.result_name


# --- The admin's page ----------------------------------------------------------------


@pytest.fixture
def records(verifikator, kadis):
    nik = "5108061234560001"
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    with frozen(ten_days_ago):
        first = record_access(
            by=verifikator, tindakan="lihat", halaman="Detail usulan", niks=[nik]
        )
    second = record_access(by=kadis, tindakan="daftar", halaman="Daftar usulan")
    third = record_access(by=kadis, tindakan="cetak", halaman="SK", niks=[nik])
    return nik, first, second, third


def shown(response) -> list[int]:
    return [r.pk for r in response.context["page_obj"].object_list]


def test_admin_filters_access_records_by_user_nik_dates_and_action(
    login, admin_user, records
):
    nik, first, second, third = records
    client = login(admin_user)
    assert shown(client.get("/audit/akses/")) == [third.pk, second.pk, first.pk]

    def filtered(**data) -> list[int]:
        response = client.post("/audit/akses/", data)
        assert response.status_code == 302 and response.url == "/audit/akses/"
        return shown(client.get(response.url))

    assert filtered(pengguna="kadis") == [third.pk, second.pk]
    assert filtered(nik=nik) == [third.pk, first.pk]
    assert filtered(nik="5108 0612 3456 0001", tindakan="cetak") == [third.pk]
    today = timezone.localdate(second.created_at)  # the fixture's day, not the clock's
    assert filtered(dari=today.isoformat()) == [third.pk, second.pk]
    old = (today - datetime.timedelta(days=10)).isoformat()
    assert filtered(dari=old, sampai=old) == [first.pk]
    page = client.post("/audit/akses/", {"reset": "1"})
    assert shown(client.get(page.url)) == [third.pk, second.pk, first.pk]


def test_a_bad_filter_is_explained_and_nothing_is_hidden(login, admin_user, records):
    response = login(admin_user).post("/audit/akses/", {"nik": "123"})
    assert response.status_code == 400
    assert "NIK harus 16 angka." in response.content.decode()
    assert len(shown(response)) == 3


def test_the_access_list_pages_by_fifty(login, admin_user, verifikator):
    AksesData.objects.bulk_create(
        AksesData(actor=verifikator, tindakan="lihat", halaman=f"h{i}", tujuan="t")
        for i in range(51)
    )
    client = login(admin_user)
    assert len(shown(client.get("/audit/akses/"))) == 50
    assert len(shown(client.get("/audit/akses/?page=2"))) == 1


@pytest.mark.parametrize("persona", ["kadis", "verifikator", "operator_a"])
def test_only_the_admin_sees_access_records(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get("/audit/akses/").status_code == 403
