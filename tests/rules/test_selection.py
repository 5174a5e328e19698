"""The batch's selection (rekap_bpjs/selection.py), at its edges.

A place given in the wrong order sends a family a month early and keeps another
one, urgent or poorer, out for a month; a household split or a member counted
after the cut-off gives BPJS a family it cannot enrol whole. Each table pins one
rule: quota, cut-off moment (end of the cut-off day in WITA), priority order
(lane, kategori, ready moment, pk), households kept whole, urutan.

Members are plain objects with what `members_ready` gives: `prioritas_jalur`
(0 darurat, 1 reaktivasi, 2 biasa) and `prioritas` (the kategori's place in the
office profile's priority order).
"""

import datetime
from types import SimpleNamespace

import pytest

from rekap_bpjs import selection
from rekap_bpjs.selection import REASON_AFTER_CUTOFF, REASON_QUOTA, choose
from tests.clock import WITA, wita

UTC = datetime.UTC
BATAS = datetime.date(2026, 3, 20)  # the cut-off day: ready before 21-03 00:00 WITA
EARLY = wita(2026, 3, 1)
LATE = REASON_AFTER_CUTOFF.format(tanggal="20-03-2026")
DARURAT, REAKTIVASI, BIASA = 0, 1, 2


def m(pk, hh, *, lane=BIASA, kat=0, ready=EARLY):
    return SimpleNamespace(
        pk=pk, usulan_id=hh, prioritas_jalur=lane, prioritas=kat, siap_sejak=ready
    )


def households(sizes, first_pk=1):
    """Households 1, 2, ... of the given sizes, ready in that order."""
    members, pk = [], first_pk
    for hh, size in enumerate(sizes, start=1):
        for _ in range(size):
            members.append(m(pk, hh, ready=EARLY + datetime.timedelta(hours=hh)))
            pk += 1
    return members


def outcome(result):
    return [(h.usulan_id, h.taken, h.reason) for h in result]


def test_the_reasons_as_the_operator_reads_them():
    assert REASON_QUOTA.format(n=3) == (
        "Kuota penuh: keluarga ini (3 orang) tidak muat, dibawa ke bulan berikutnya"
    )
    assert LATE == (
        "Siap setelah tanggal batas 20-03-2026: masuk rekap bulan berikutnya"
    )


def Q(n):
    return REASON_QUOTA.format(n=n)


@pytest.mark.parametrize(
    ("kuota", "used", "sizes", "expected"),
    [
        # the quota exactly filled: every household taken
        (5, 0, [2, 3], [(1, True, ""), (2, True, "")]),
        # one over: the last household (3) waits whole, not split
        (4, 0, [2, 3], [(1, True, ""), (2, False, Q(3))]),
        # a household that does not fit waits; a smaller one after it fills in
        (5, 0, [3, 3, 2], [(1, True, ""), (2, False, Q(3)), (3, True, "")]),
        # places counted across households: 3 + 3 fill 6, the 1 after waits
        (6, 0, [3, 3, 1], [(1, True, ""), (2, True, ""), (3, False, Q(1))]),
        # staff additions already hold places
        (5, 3, [2, 1], [(1, True, ""), (2, False, Q(1))]),
        (5, 5, [1], [(1, False, Q(1))]),
        (5, 4, [1], [(1, True, "")]),
        # a quota of 0 takes nobody
        (0, 0, [1], [(1, False, Q(1))]),
        # no quota (None): everyone ready before the cut-off
        (None, 0, [50, 60], [(1, True, ""), (2, True, "")]),
        (None, 10, [1], [(1, True, "")]),
    ],
)
def test_quota(kuota, used, sizes, expected):
    result = choose(households(sizes), kuota=kuota, tanggal_batas=BATAS, used=used)
    assert outcome(result) == expected


def test_used_defaults_to_no_place_taken():
    result = choose(households([2, 1]), kuota=2, tanggal_batas=BATAS)
    assert outcome(result) == [(1, True, ""), (2, False, Q(1))]


@pytest.mark.parametrize(
    ("ready", "taken"),
    [
        # the last microsecond of the cut-off day in WITA: in this month
        (datetime.datetime(2026, 3, 20, 23, 59, 59, 999999, tzinfo=WITA), True),
        # midnight after the cut-off day, WITA: next month
        (datetime.datetime(2026, 3, 21, 0, 0, tzinfo=WITA), False),
        # the same two moments in UTC (WITA is UTC+8)
        (datetime.datetime(2026, 3, 20, 15, 59, 59, 999999, tzinfo=UTC), True),
        (datetime.datetime(2026, 3, 20, 16, 0, tzinfo=UTC), False),
        # still the 20th in UTC but already the 21st in WITA: next month
        (datetime.datetime(2026, 3, 20, 23, 0, tzinfo=UTC), False),
        # the cut-off day's morning
        (wita(2026, 3, 20, 0, 0), True),
    ],
)
def test_cut_off_moment(ready, taken):
    result = choose([m(1, 1, ready=ready)], kuota=None, tanggal_batas=BATAS)
    assert outcome(result) == [(1, taken, "" if taken else LATE)]


def test_cut_off_moment_is_midnight_after_the_day_in_wita():
    moment = selection.cutoff_moment(BATAS)
    assert moment == datetime.datetime(2026, 3, 21, tzinfo=WITA)
    assert moment == datetime.datetime(2026, 3, 20, 16, tzinfo=UTC)


def test_one_late_member_keeps_the_household_waiting_and_its_places_free():
    late = wita(2026, 3, 21, 8, 0)
    members = [
        m(1, 1, ready=EARLY),
        m(2, 1, ready=late),  # one member ready after the cut-off
        m(3, 2, ready=wita(2026, 3, 2)),
        m(4, 2, ready=wita(2026, 3, 2)),
    ]
    result = choose(members, kuota=2, tanggal_batas=BATAS)
    # the late household waits whole, with the cut-off reason, using no place
    assert outcome(result) == [(1, False, LATE), (2, True, "")]
    assert [p.pk for p in result[0].members] == [1, 2]


def test_the_cut_off_reason_comes_before_the_quota_one():
    members = [m(1, 1, ready=wita(2026, 3, 21)), m(2, 1), m(3, 1)]
    result = choose(members, kuota=1, tanggal_batas=BATAS)
    assert outcome(result) == [(1, False, LATE)]


def order(members):
    return [h.usulan_id for h in choose(members, kuota=None, tanggal_batas=BATAS)]


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        # lane before kategori: a darurat patient of the last kategori comes first
        ([m(1, 1, lane=BIASA, kat=0), m(2, 2, lane=DARURAT, kat=7)], [2, 1]),
        ([m(1, 1, lane=BIASA, kat=0), m(2, 2, lane=REAKTIVASI, kat=7)], [2, 1]),
        ([m(1, 1, lane=REAKTIVASI), m(2, 2, lane=DARURAT)], [2, 1]),
        # lane before the ready moment
        ([m(1, 1, lane=BIASA), m(2, 2, lane=DARURAT, ready=wita(2026, 3, 9))], [2, 1]),
        # kategori order from the profile (its place in priority_order), same lane
        ([m(1, 1, kat=2), m(2, 2, kat=1), m(3, 3, kat=0)], [3, 2, 1]),
        # kategori before the ready moment
        ([m(1, 1, kat=1), m(2, 2, kat=0, ready=wita(2026, 3, 9))], [2, 1]),
        # same lane and kategori: who became ready first
        ([m(1, 1, ready=wita(2026, 3, 2)), m(2, 2, ready=wita(2026, 3, 1))], [2, 1]),
        # ... to the microsecond
        (
            [
                m(1, 1, ready=EARLY + datetime.timedelta(microseconds=1)),
                m(2, 2, ready=EARLY),
            ],
            [2, 1],
        ),
        # ready at the same moment: the lower pk first, whatever the household id
        ([m(5, 1), m(4, 2)], [2, 1]),
        ([m(4, 1), m(5, 2)], [1, 2]),
        # the order the candidates arrive in does not matter
        ([m(3, 3, kat=0), m(1, 1, kat=2), m(2, 2, kat=1)], [3, 2, 1]),
    ],
)
def test_priority_order(members, expected):
    assert order(members) == expected


def test_a_household_takes_the_place_of_its_best_placed_member():
    members = [
        m(1, 1, lane=BIASA, kat=0, ready=wita(2026, 3, 1)),
        m(2, 2, lane=BIASA, kat=0, ready=wita(2026, 3, 2)),
        # household 3's second member is darurat: the whole household goes first
        m(3, 3, lane=BIASA, kat=5, ready=wita(2026, 3, 9)),
        m(9, 3, lane=DARURAT, kat=3, ready=wita(2026, 3, 9)),
    ]
    result = choose(members, kuota=None, tanggal_batas=BATAS)
    assert [h.usulan_id for h in result] == [3, 1, 2]
    # the household's prioritas is its best-placed member's kategori rank
    assert [h.prioritas for h in result] == [3, 0, 0]


def test_prioritas_follows_the_best_placed_member_not_the_lowest_kategori():
    members = [
        m(1, 1, lane=REAKTIVASI, kat=4, ready=wita(2026, 3, 5)),
        m(2, 1, lane=BIASA, kat=0, ready=wita(2026, 3, 1)),
        m(3, 2, lane=BIASA, kat=2, ready=wita(2026, 3, 1)),
        m(4, 2, lane=BIASA, kat=1, ready=wita(2026, 3, 8)),
    ]
    result = choose(members, kuota=None, tanggal_batas=BATAS)
    assert [(h.usulan_id, h.prioritas) for h in result] == [(1, 4), (2, 1)]


def test_members_of_a_household_in_pk_order_and_urutan_numbered_from_one():
    members = [
        m(7, 1, ready=wita(2026, 3, 1)),
        m(3, 1, ready=wita(2026, 3, 4)),
        m(5, 1, ready=wita(2026, 3, 2)),
        m(2, 2, ready=wita(2026, 3, 3)),
        m(9, 3, ready=wita(2026, 3, 21)),  # waiting (late): numbered all the same
        m(8, 3, ready=wita(2026, 3, 5)),
    ]
    result = choose(members, kuota=None, tanggal_batas=BATAS)
    assert [([p.pk for p in h.members], list(h.urutan)) for h in result] == [
        ([3, 5, 7], [1, 2, 3]),
        ([2], [4]),
        ([8, 9], [5, 6]),
    ]
    assert outcome(result)[2] == (3, False, LATE)


def test_members_staff_already_placed_are_left_to_them():
    members = [
        m(1, 1, lane=DARURAT),  # added or removed by staff
        m(2, 1),
        m(3, 2, ready=wita(2026, 3, 2)),
        m(4, 3, lane=DARURAT),  # the whole household placed by staff
        m(5, 4, ready=wita(2026, 3, 3)),
        m(6, 4, ready=wita(2026, 3, 3)),
    ]
    result = choose(members, kuota=3, used=1, tanggal_batas=BATAS, skip={1, 4})
    # household 1 keeps its darurat member's place; household 3 is left out
    assert [([p.pk for p in h.members], list(h.urutan)) for h in result] == [
        ([2], [1]),
        ([3], [2]),
        ([5, 6], [3, 4]),
    ]
    # the skipped members neither take nor count places: 1 used + 1 + 1 = 3
    assert outcome(result) == [(1, True, ""), (2, True, ""), (4, False, Q(2))]
    assert result[0].prioritas == 0


def test_a_late_staff_placed_member_does_not_hold_the_household_back():
    members = [m(1, 1, ready=wita(2026, 3, 25)), m(2, 1)]
    result = choose(members, kuota=None, tanggal_batas=BATAS, skip={1})
    assert outcome(result) == [(1, True, "")]


def test_no_candidates_no_households():
    assert choose([], kuota=5, tanggal_batas=BATAS) == []
