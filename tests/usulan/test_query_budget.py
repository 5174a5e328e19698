"""The usulan list and detail cost the same number of queries for few or many rows."""

import datetime

import pytest
from django.utils import timezone

from tests.usulan.factories import make_usulan, member
from usulan.models import Usulan

pytestmark = pytest.mark.django_db


def counted(client, url: str, budget: int, assert_max) -> tuple[int, str]:
    with assert_max(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def add_usulan(operator, n: int) -> list[Usulan]:
    made = [make_usulan(operator) for _ in range(n)]
    # Some submitted, so the rows differ as a real list's do.
    Usulan.objects.filter(pk__in=[u.pk for u in made[::2]]).update(
        status=Usulan.Status.DIAJUKAN, submitted_at=timezone.now()
    )
    return made


def test_the_operators_list_costs_8_queries_on_any_page_and_page_size(
    client, login, operator_a, django_assert_max_num_queries
):
    login(operator_a)
    add_usulan(operator_a, 2)
    small, _ = counted(client, "/usulan/", 8, django_assert_max_num_queries)

    made = add_usulan(operator_a, 28)
    counts = {}
    for url in [
        "/usulan/",
        "/usulan/?page=3&per=10",
        "/usulan/?per=10",
        "/usulan/?per=50",
    ]:
        counts[url], page = counted(client, url, 8, django_assert_max_num_queries)
    assert set(counts.values()) == {small}, counts

    # The page size is honoured, and the last page holds the oldest rows.
    _, ten = counted(client, "/usulan/?per=10", 8, django_assert_max_num_queries)
    assert ten.count('href="/usulan/') - ten.count('href="/usulan/baru') >= 10
    _, last = counted(
        client, "/usulan/?per=10&page=3", 8, django_assert_max_num_queries
    )
    oldest = Usulan.objects.order_by("created_at", "pk").first()
    newest = made[-1]
    assert oldest.nomor in last and newest.nomor not in last
    assert "3 / 3" in last and "<strong>10</strong>" in last


def test_an_unknown_page_size_falls_back_to_25(client, login, operator_a):
    login(operator_a)
    add_usulan(operator_a, 30)
    page = client.get("/usulan/?per=1000").content.decode()
    assert "1 / 2" in page and "<strong>25</strong>" in page


def test_the_staff_list_with_its_region_filter_costs_the_same_for_few_or_many(
    client, login, operator_a, operator_b, verifikator, django_assert_max_num_queries
):
    login(verifikator)
    add_usulan(operator_a, 2)
    desa_a, desa_b = operator_a.profile.desa, operator_b.profile.desa
    small, _ = counted(
        client, f"/usulan/?desa={desa_a.pk}", 10, django_assert_max_num_queries
    )
    add_usulan(operator_b, 20)
    big, page = counted(
        client, f"/usulan/?desa={desa_b.pk}", 10, django_assert_max_num_queries
    )
    assert small == big
    assert f'<option value="{desa_b.pk}" selected>' in page
    # Unfiltered, the count is the sum of the status counts: one query less.
    whole, _ = counted(client, "/usulan/", 10, django_assert_max_num_queries)
    assert whole == big - 1


def test_the_detail_page_costs_the_same_for_one_or_five_members(
    client, login, operator_a, django_assert_max_num_queries
):
    desa = operator_a.profile.desa
    login(operator_a)
    one = make_usulan(operator_a, members=[member(desa)])
    five = make_usulan(
        operator_a,
        members=[
            member(desa, birth=datetime.date(1970 + i, 2, 1 + i)) for i in range(5)
        ],
    )
    few, _ = counted(client, one.get_absolute_url(), 20, django_assert_max_num_queries)
    many, _ = counted(
        client, five.get_absolute_url(), 20, django_assert_max_num_queries
    )
    assert few == many
