"""A queue longer than the count's cap: paged from either end, same queries."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kis_portal import pagination
from tests.usulan.factories import make_usulan, member
from usulan.models import Usulan

# The page's rows query: the rows of the page's keys (kis_portal.pagination).
ROWS_QUERY = '"usulan_usulan"."id" IN (SELECT'

pytestmark = pytest.mark.django_db

QUEUE_QUERIES = 9  # as tests/verifikasi/test_query_budget.py


@pytest.fixture(autouse=True)
def buleleng(db):
    call_command("load_profile", "buleleng", verbosity=0)


@pytest.fixture
def queue_of_25(operator_a) -> list[str]:
    """25 usulan submitted a minute apart, in queue order (oldest first)."""
    start = timezone.now() - datetime.timedelta(days=1)
    made = [make_usulan(operator_a) for _ in range(25)]
    for i, usulan in enumerate(made):
        Usulan.objects.filter(pk=usulan.pk).update(
            status=Usulan.Status.DIAJUKAN,
            submitted_at=start + datetime.timedelta(minutes=i),
        )
    return [u.nomor for u in made]


def rows(html: str) -> list[str]:
    return re.findall(r'<a href="/usulan/\d+/">(U[0-9A-Z-]+)</a>', html)


def page(client, url: str, assert_max) -> str:
    with assert_max(QUEUE_QUERIES) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured) == QUEUE_QUERIES
    return response.content.decode()


def test_a_queue_past_the_cap_says_more_than_and_pages_from_either_end(
    client,
    login,
    verifikator,
    queue_of_25,
    monkeypatch,
    django_assert_max_num_queries,
):
    monkeypatch.setattr(pagination, "COUNT_CAP", 20)
    login(verifikator)

    first = page(client, "/verifikasi/?per=10", django_assert_max_num_queries)
    assert rows(first) == queue_of_25[:10]
    assert "lebih dari 20 data" in first and "25 data" not in first
    assert "Halaman 1" in first and "page=2" in first
    assert 'page=-1">Akhir &raquo;</a>' in first

    # "Akhir": the 10 most recently submitted, still oldest first on the page.
    last = page(client, "/verifikasi/?per=10&page=-1", django_assert_max_num_queries)
    assert rows(last) == queue_of_25[-10:]
    assert "Halaman terakhir" in last and "lebih dari 20 data" in last
    assert 'page=-2">Sebelumnya</a>' in last and 'page=1">&laquo; Awal</a>' in last
    assert "Berikutnya" not in last

    before_last = page(
        client, "/verifikasi/?per=10&page=-2", django_assert_max_num_queries
    )
    assert rows(before_last) == queue_of_25[-20:-10]
    assert "Halaman ke-2 dari akhir" in before_last
    assert 'page=-1">Berikutnya</a>' in before_last

    # Further from either end than the cap reaches: counted exactly, numbered.
    third = page(client, "/verifikasi/?per=10&page=3", django_assert_max_num_queries)
    assert rows(third) == queue_of_25[20:]
    assert "3 / 3" in third and "25 data" in third


def test_the_last_page_is_read_from_the_end_of_the_queue(
    client, login, verifikator, queue_of_25
):
    """No OFFSET past the rows before it: the queue read backwards, then put back."""
    login(verifikator)
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/verifikasi/?per=10&page=3").content.decode()
    assert rows(html) == queue_of_25[20:] and "3 / 3" in html
    page_query = next(q["sql"] for q in captured if ROWS_QUERY in q["sql"])
    assert '"submitted_at" DESC' in page_query and "OFFSET 20" not in page_query


def test_a_cap_smaller_than_a_page_counts_exactly(
    client, login, verifikator, queue_of_25, monkeypatch
):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    login(verifikator)
    html = client.get("/verifikasi/?per=10&page=2").content.decode()
    assert rows(html) == queue_of_25[10:20]
    assert "2 / 3" in html and "25 data" in html and "lebih dari" not in html


def test_each_queued_row_shows_its_member_count(client, login, verifikator, operator_a):
    desa = operator_a.profile.desa
    three = make_usulan(
        operator_a,
        members=[member(desa), member(desa, sex="P"), member(desa, shdk="4")],
    )
    one = make_usulan(operator_a, members=[member(desa)])
    Usulan.objects.filter(pk__in=[three.pk, one.pk]).update(
        status=Usulan.Status.DIAJUKAN, submitted_at=timezone.now()
    )
    login(verifikator)

    html = client.get("/verifikasi/").content.decode()

    counts = dict(
        re.findall(
            r">(U[0-9A-Z-]+)</a>.*?<td class=\"text-end\">(\d+)</td>", html, re.S
        )
    )
    assert counts == {three.nomor: "3", one.nomor: "1"}
