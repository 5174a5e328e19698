"""The usulan list's pages: every row once, in order, however far from page 1."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.usulan.factories import make_usulan, member
from usulan.models import Anggota, Usulan

# The page's rows query: the rows of the page's keys (kis_portal.pagination).
ROWS_QUERY = '"usulan_usulan"."id" IN (SELECT'

pytestmark = pytest.mark.django_db


def rows(html: str) -> list[str]:
    return re.findall(r'<a href="/usulan/\d+/">(U[0-9A-Z-]+)</a>', html)


def test_pages_past_the_middle_hold_the_oldest_rows_newest_first(
    client, login, operator_a, django_assert_max_num_queries
):
    made = [make_usulan(operator_a) for _ in range(33)]
    start = timezone.now() - datetime.timedelta(days=2)
    for i, usulan in enumerate(made):
        Usulan.objects.filter(pk=usulan.pk).update(
            created_at=start + datetime.timedelta(minutes=i)
        )
    newest_first = [u.nomor for u in reversed(made)]
    login(operator_a)

    pages, sql = {}, {}
    for number in (1, 2, 3, 4):
        with django_assert_max_num_queries(8) as captured:
            html = client.get(f"/usulan/?per=10&page={number}").content.decode()
        assert f"{number} / 4" in html and "33 data" in html
        pages[number] = rows(html)
        sql[number] = next(q["sql"] for q in captured if ROWS_QUERY in q["sql"])
    assert [len(p) for p in pages.values()] == [10, 10, 10, 3]
    assert sum(pages.values(), []) == newest_first
    # Pages 3 and 4 come from the oldest end (ascending), with a small OFFSET.
    assert '"created_at" ASC' not in sql[2] and "OFFSET 10" in sql[2]
    assert '"created_at" ASC' in sql[4] and "OFFSET" not in sql[4]
    assert '"created_at" ASC' in sql[3] and "OFFSET 3" in sql[3]

    # The last page counted from the end is the same page, numbered.
    last = client.get("/usulan/?per=10&page=-1").content.decode()
    assert rows(last) == newest_first[30:] and "4 / 4" in last
    assert "Akhir" not in last and 'page=3">Sebelumnya</a>' in last


def row_of(html: str, nomor: str) -> str:
    return re.search(rf"<tr>\s*<td[^>]*><a [^>]*>{nomor}</a>.*?</tr>", html, re.S)[0]


def test_each_row_shows_its_head_of_family_and_its_member_count(
    client, login, operator_a
):
    desa = operator_a.profile.desa
    family = make_usulan(
        operator_a,
        members=[
            # The wife typed first: the row still names the head of the family.
            member(desa, sex="P", nama="NI LUH SARI"),
            member(desa, nama="I KETUT KEPALA"),
            member(desa, nama="PUTU ANAK", shdk="4", birth=datetime.date(2012, 1, 2)),
        ],
    )
    emptied = make_usulan(operator_a, members=[member(desa, nama="I WAYAN PERGI")])
    Anggota.objects.filter(usulan=emptied).delete()
    login(operator_a)

    html = client.get("/usulan/").content.decode()

    row = row_of(html, family.nomor)
    assert '<td data-label="Kepala keluarga" class="fw-semibold">I KETUT KEPALA<' in row
    assert '<td data-label="Anggota" class="text-end">3</td>' in row
    row = row_of(html, emptied.nomor)
    assert '<td data-label="Kepala keluarga" class="fw-semibold">-</td>' in row
    assert '<td data-label="Anggota" class="text-end">0</td>' in row
