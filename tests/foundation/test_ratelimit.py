"""The one rate limiter: counted in the database, per scope and key, nothing personal kept."""

import datetime

import pytest

from kis_portal.ratelimit.models import Percobaan
from kis_portal.ratelimit.services import (
    Limit,
    attempt,
    attempt_distinct,
    attempt_many,
    reset,
    within_distinct,
)
from tests.clock import frozen, wita

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
NIK = "5108061205800001"


def test_attempts_within_the_limit_pass_and_the_next_is_refused():
    limit = Limit("uji", maks=3, jendela=HOUR)
    with frozen(wita(2026, 11, 2, 9)):
        assert [attempt(limit, "10.0.0.1") for _ in range(4)] == [True] * 3 + [False]
        assert attempt(limit, "10.0.0.2")  # another key has its own count
    with frozen(wita(2026, 11, 2, 10, 1)):
        assert attempt(limit, "10.0.0.1")  # the window has passed


def test_one_attempt_against_several_keys_is_refused_when_any_is_spent():
    limit = Limit("uji", maks=1, jendela=HOUR)
    assert attempt_many(limit, ["ip:1", "nomor:A"])
    assert not attempt_many(limit, ["ip:2", "nomor:A"])
    assert attempt_many(limit, ["ip:2", "nomor:B"]) is False  # ip:2 was counted above


def test_distinct_items_count_once_each_and_are_stored_hashed():
    limit = Limit("nik", maks=2, jendela=HOUR)
    first = attempt_distinct(limit, "user:7", [NIK, NIK])
    assert first.allowed and first.new == {NIK}
    again = attempt_distinct(limit, "user:7", [NIK])
    assert again.allowed and again.new == set()
    assert attempt_distinct(limit, "user:7", ["5108061205800002"]).allowed
    assert not attempt_distinct(limit, "user:7", ["5108061205800003"]).allowed
    assert not within_distinct(limit, "user:7")
    assert within_distinct(limit, "user:8")
    stored = list(Percobaan.objects.values_list("kunci", "item"))
    assert all(NIK not in kunci + item for kunci, item in stored)
    assert reset(limit, "user:7") == 3
    assert within_distinct(limit, "user:7")


def test_old_rows_are_swept_and_a_window_longer_than_kept_is_refused():
    limit = Limit("uji", maks=5, jendela=HOUR)
    with frozen(wita(2026, 11, 1, 9)):
        attempt(limit, "a")
    with frozen(wita(2026, 11, 4, 9)):
        attempt(limit, "b")
        assert Percobaan.objects.count() == 1
    with pytest.raises(ValueError, match="swept away"):
        Limit("uji", maks=1, jendela=datetime.timedelta(days=3))
