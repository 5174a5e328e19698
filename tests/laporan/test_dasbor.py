"""The dashboard's figures equal counts computed here, in plain Python, from the rows."""

import datetime
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from distribusi.models import Kartu
from kis_portal.audit.models import AuditEvent
from laporan.forms import default_range
from laporan.selectors import Lingkup, dashboard, stage_times
from pengaduan.models import Pengaduan
from rekap_bpjs.models import Batch
from tests.clock import WITA
from usulan.models import Anggota, Usulan

pytestmark = pytest.mark.django_db

SEP_NOV = Lingkup(start=datetime.date(2026, 9, 1), end=datetime.date(2026, 12, 1))
SEP_NOV_QUERY = {"bulan_dari": "2026-09", "bulan_sampai": "2026-11"}


def in_period(moment: datetime.datetime, lingkup: Lingkup) -> bool:
    day = moment.astimezone(WITA).date()
    return lingkup.start <= day < lingkup.end


def usulan_expected(lingkup: Lingkup, desa=None) -> list[Usulan]:
    return [
        u
        for u in Usulan.objects.select_related("desa")
        if in_period(u.created_at, lingkup) and (desa is None or u.desa_id == desa.pk)
    ]


def verification_rounds(lingkup: Lingkup, status: str) -> list[tuple]:
    """(start, end or None) of each stage round, paired in Python from the history."""
    ct = ContentType.objects.get_for_model(Usulan)
    events = sorted(
        AuditEvent.objects.filter(action="status", content_type=ct),
        key=lambda e: (e.created_at, e.pk),
    )
    rounds = []
    for start in events:
        if start.to_status != status or not in_period(start.created_at, lingkup):
            continue
        end = next(
            (
                e
                for e in events
                if e.object_id == start.object_id
                and e.from_status == status
                and e.created_at >= start.created_at
            ),
            None,
        )
        rounds.append((start.created_at, end.created_at if end else None))
    return rounds


def test_status_month_area_and_category_counts_match_the_rows(pipeline):
    data = dashboard(SEP_NOV)
    expected = usulan_expected(SEP_NOV)
    by_status = Counter(u.status for u in expected)
    assert {row["status"]: row["jumlah"] for row in data["status"]} == {
        value: by_status.get(value, 0) for value in Usulan.Status.values
    }
    # The pipeline: 4 enrolled/failed households, 2 ready, 1 waiting, 1 draft, 1 no.
    assert sum(by_status.values()) == 9
    assert by_status[Usulan.Status.TERDAFTAR] == 3

    submitted = [u for u in expected if u.status != Usulan.Status.DRAFT]
    months = Counter(
        timezone.localtime(u.created_at).date().replace(day=1) for u in submitted
    )
    members = Counter()
    for u in submitted:
        members[timezone.localtime(u.created_at).date().replace(day=1)] += (
            u.anggota_set.count()
        )
    assert [(row["bulan"], row["kk"], row["jiwa"]) for row in data["bulan"]] == [
        (month, months.get(month, 0), members.get(month, 0))
        for month in SEP_NOV.months()
    ]

    per_kecamatan = Counter(u.desa.kecamatan.nama for u in submitted)
    assert data["wilayah"]["per"] == "kecamatan"
    assert {row["nama"]: row["jumlah"] for row in data["wilayah"]["rows"]} == dict(
        per_kecamatan
    )
    enrolled = Counter(
        u.desa.kecamatan.nama for u in submitted if u.status == Usulan.Status.TERDAFTAR
    )
    stage_index = data["wilayah"]["tahap"].index("Terdaftar")
    assert {
        row["nama"]: row["tahap"][stage_index] for row in data["wilayah"]["rows"]
    } == {name: enrolled.get(name, 0) for name in per_kecamatan}

    people = [a for u in submitted for a in u.anggota_set.all()]
    kategori = Counter(a.kategori for a in people)
    terdaftar = Counter(a.kategori for a in people if a.status_bpjs == "terdaftar")
    assert {
        row["kategori"]: (row["jiwa"], row["terdaftar"]) for row in data["kategori"]
    } == {
        value: (kategori.get(value, 0), terdaftar.get(value, 0))
        for value, _label in Anggota._meta.get_field("kategori").choices
    }


def test_area_filter_narrows_every_area_figure(pipeline, desa_a):
    lingkup = Lingkup(start=SEP_NOV.start, end=SEP_NOV.end, desa=desa_a)
    data = dashboard(lingkup)
    expected = usulan_expected(SEP_NOV, desa=desa_a)
    assert sum(row["jumlah"] for row in data["status"]) == len(expected)
    assert data["wilayah"]["per"] == "desa"
    assert [(row["nama"], row["jumlah"]) for row in data["wilayah"]["rows"]] == [
        (desa_a.nama, len([u for u in expected if u.status != "draft"]))
    ]
    cards = Counter(k.status for k in Kartu.objects.filter(desa=desa_a))
    assert data["kartu"]["dinsos"] == cards.get("dinsos", 0)
    assert data["kartu"]["diserahkan"] == cards.get("diserahkan", 0) == 3
    assert data["kartu"]["belum_dicetak"] == 0  # desa A's cards are all recorded
    assert data["pengaduan"]["masuk"] == Pengaduan.objects.filter(desa=desa_a).count()

    # A kecamatan: its desa, one row each.
    kecamatan = Lingkup(
        start=SEP_NOV.start, end=SEP_NOV.end, kecamatan=desa_a.kecamatan
    )
    rows = dashboard(kecamatan)["wilayah"]["rows"]
    assert [(r["kecamatan"], r["nama"]) for r in rows] == [
        (desa_a.kecamatan.nama, desa_a.nama)
    ]


def test_a_narrower_period_counts_only_its_usulan(pipeline):
    october = Lingkup(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 11, 1))
    data = dashboard(october)
    expected = Counter(u.status for u in usulan_expected(october))
    assert expected == {"siap": 1, "ditolak": 1}
    assert {r["status"]: r["jumlah"] for r in data["status"] if r["jumlah"]} == dict(
        expected
    )
    assert data["kuota"] == []  # batch 2026-11 is outside October
    assert data["pengaduan"]["masuk"] == 0  # the complaints came in November


def test_stage_times_equal_the_history_paired_in_python(pipeline):
    now = timezone.now()
    for stage in stage_times(SEP_NOV):
        tahap = stage["tahap"]
        rounds = verification_rounds(SEP_NOV, tahap.masuk)
        done = [end - start for start, end in rounds if end is not None]
        target = datetime.timedelta(days=tahap.target_max)
        assert stage["mulai"] == len(rounds)
        assert stage["selesai"] == len(done)
        assert stage["lewat"] == len([d for d in done if d > target])
        assert stage["berjalan"] == len([r for r in rounds if r[1] is None])
        assert stage["berjalan_lewat"] == len(
            [r for r in rounds if r[1] is None and r[0] < now - target]
        )
        assert sum(row["jumlah"] for row in stage["rows"]) == len(done)
        if done:
            average = sum(done, datetime.timedelta()) / len(done)
            assert stage["rata_hari"] == round(average.total_seconds() / 86400, 1)
            assert stage["maks_hari"] == round(max(done).total_seconds() / 86400, 1)
    verification, bpjs = stage_times(SEP_NOV)
    # Submitted 1 Sep decided 26 Sep (25 days: late), 5->8 Oct, 1->2 Oct; one waiting.
    assert (verification["mulai"], verification["selesai"]) == (4, 3)
    assert (verification["lewat"], verification["berjalan_lewat"]) == (1, 1)
    assert [row["jumlah"] for row in verification["rows"]] == [1, 1, 0, 0, 1]
    assert verification["maks_hari"] == 25.0
    # Four households sent in batch 2026-11 and answered at once.
    assert (bpjs["mulai"], bpjs["selesai"], bpjs["lewat"]) == (4, 4, 0)


def test_quota_cards_and_complaints(pipeline):
    data = dashboard(SEP_NOV)
    batch = Batch.objects.get(periode="2026-11")
    items = list(batch.items.all())
    [row] = data["kuota"]
    taken = len([i for i in items if i.diambil])
    assert (row["periode"], row["kuota"], row["diambil"]) == ("2026-11", 500, taken)
    assert row["sisa"] == 500 - taken == 491
    assert row["terdaftar"] == len([i for i in items if i.hasil == "terdaftar"]) == 7
    assert row["gagal"] == len([i for i in items if i.hasil == "gagal"]) == 2

    cards = Counter(k.status for k in Kartu.objects.all())
    without_card = [
        a
        for a in Anggota.objects.filter(status_bpjs="terdaftar")
        if not Kartu.objects.filter(anggota=a).exists()
    ]
    assert data["kartu"] == {
        "dinsos": cards["dinsos"],
        "diserahkan": cards["diserahkan"],
        "belum_dicetak": len(without_card),
        "total": cards["dinsos"] + cards["diserahkan"] + len(without_card),
    }
    assert (cards["warga"], len(without_card)) == (2, 1)

    complaints = list(Pengaduan.objects.all())
    assert data["pengaduan"]["masuk"] == len(complaints) == 3
    assert data["pengaduan"]["selesai"] == len(
        [p for p in complaints if p.status == "selesai"]
    )


def test_the_page_shows_the_figures_within_a_query_budget(
    pipeline, login, kadis, django_assert_max_num_queries
):
    client = login(kadis)
    # 22: the DTSEN table adds the rule table and one grouped match; the open
    # deactivation tasks per desa one grouped count.
    with django_assert_max_num_queries(22):
        response = client.get(reverse("laporan:dasbor"), SEP_NOV_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    expected = usulan_expected(SEP_NOV)
    assert f'id="kpi-usulan">{len(expected)}<' in html
    assert 'id="kpi-terdaftar">3<' in html
    assert "<svg" in html and '<script src="http' not in html
    assert "September 2026 s.d. November 2026" in html


def test_the_page_defaults_to_the_last_twelve_months_and_reports_bad_filters(
    login, kadis
):
    client = login(kadis)
    response = client.get(reverse("laporan:dasbor"))
    assert response.status_code == 200
    first, last = default_range()
    assert response.context["lingkup"].start.strftime("%Y-%m") == first
    assert response.context["lingkup"].last_day.strftime("%Y-%m") == last
    response = client.get(
        reverse("laporan:dasbor"), {"bulan_dari": "2026-11", "bulan_sampai": "2026-01"}
    )
    assert response.status_code == 200
    assert "Bulan awal tidak boleh sesudah bulan akhir." in response.content.decode()
    assert response.context["lingkup"].start.strftime("%Y-%m") == first
