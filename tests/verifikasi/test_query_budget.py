"""The verifier's queue and the head's approval list: constant queries for any size."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from dtks.models import DtksPeriode, DtksRecord
from tests.usulan.factories import make_usulan
from usulan.models import Usulan
from verifikasi.models import CekLapangan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def buleleng(db):
    call_command("load_profile", "buleleng", verbosity=0)


def queued(operator, n: int, *, status=Usulan.Status.DIAJUKAN) -> list[Usulan]:
    made = [make_usulan(operator) for _ in range(n)]
    Usulan.objects.filter(pk__in=[u.pk for u in made]).update(
        status=status, submitted_at=timezone.now()
    )
    return made


def counted(client, url: str, budget: int, assert_max) -> tuple[int, str]:
    with assert_max(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


# The queue page: 8 queries, and one for the urgent patients above it (issue 22).
QUEUE_QUERIES = 9


def test_the_queue_costs_9_queries_on_any_page_page_size_or_filter(
    client, login, operator_a, verifikator, django_assert_max_num_queries
):
    login(verifikator)
    first = queued(operator_a, 2)
    periode = DtksPeriode.objects.create(kode="2026-Q3")
    for m in first[0].anggota_set.all():
        DtksRecord.objects.create(periode=periode, nik=m.nik, nama=m.nama)
    small, _ = counted(
        client, "/verifikasi/", QUEUE_QUERIES, django_assert_max_num_queries
    )

    queued(operator_a, 28)
    desa = operator_a.profile.desa
    counts = {}
    for url in [
        "/verifikasi/",
        "/verifikasi/?page=3&per=10",
        "/verifikasi/?per=50",
        f"/verifikasi/?desa={desa.pk}&dtks=tidak",
    ]:
        counts[url], page = counted(
            client, url, QUEUE_QUERIES, django_assert_max_num_queries
        )
    assert set(counts.values()) == {small}, counts

    # In DTKS or not is still told per row; the filter keeps only the non-DTKS.
    _, page = counted(
        client, "/verifikasi/?per=50", QUEUE_QUERIES, django_assert_max_num_queries
    )
    assert page.count("ada non-DTKS") == 29 and first[0].nomor in page
    _, outside = counted(
        client,
        "/verifikasi/?dtks=tidak&per=50",
        QUEUE_QUERIES,
        django_assert_max_num_queries,
    )
    assert first[0].nomor not in outside and first[1].nomor in outside


def test_the_approval_list_costs_the_same_for_2_or_12_waiting(
    client, login, operator_a, kadis, lapangan, django_assert_max_num_queries
):
    login(kadis)

    def waiting(n):
        for usulan in queued(operator_a, n, status=Usulan.Status.MENUNGGU_ACC):
            CekLapangan.objects.create(
                usulan=usulan,
                petugas=lapangan,
                tanggal_kunjungan=timezone.localdate(),
                temuan="Rumah bambu.",
                rekomendasi="layak",
            )

    waiting(2)
    small, _ = counted(
        client, "/verifikasi/persetujuan/", 14, django_assert_max_num_queries
    )
    waiting(10)
    big, page = counted(
        client, "/verifikasi/persetujuan/", 14, django_assert_max_num_queries
    )
    assert small == big and page.count("Layak dibantu") >= 12
