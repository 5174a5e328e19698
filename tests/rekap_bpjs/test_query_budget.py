"""The monthly batch page costs the same number of queries for few or many members."""

import pytest
from django.core.management import call_command

from rekap_bpjs.services import batch_build

from .test_batch import ready_household

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


def test_the_batch_page_costs_the_same_for_3_or_25_households(
    client, login, rekap, operator_a, django_assert_max_num_queries
):
    login(rekap)
    counts = []
    for periode, households in (("2026-10", 3), ("2026-11", 25)):
        for minute in range(households):
            ready_household(operator_a, size=2, minutes=minute)
        batch_build(periode=periode, by=rekap)
        with django_assert_max_num_queries(16) as captured:
            assert client.get(f"/rekap/{periode}/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
