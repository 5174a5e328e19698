"""Who goes into a month's batch: the pure decision behind `services.batch_build`.

No database. The candidates are the members `selectors.members_ready` returns, as
objects with `pk`, `usulan_id` (the household), `prioritas_jalur` (the lane's
rank: urgent first), `prioritas` (the kategori's place in the office profile's
priority order) and `siap_sejak` (the aware moment the member became ready).

The rules:
- A household's place is that of its best-placed member: lane, then kategori,
  then the moment ready, then pk.
- Households stay whole. One with a member ready at or after the end of the
  cut-off day (midnight after it, in the office's zone, WITA) waits for next month.
- One that does not fit the quota's remaining places waits; smaller ones behind
  it may fill them. No quota (None): everyone ready before the cut-off is taken.
- Members a staff member already added or removed (`skip`) are left to them; they
  still count for their household's place.
- Within a household members go in pk order; `urutan` numbers every member
  chosen or waiting, from 1, in that order.
"""

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

REASON_QUOTA = (
    "Kuota penuh: keluarga ini ({n} orang) tidak muat, dibawa ke bulan berikutnya"
)
REASON_AFTER_CUTOFF = (
    "Siap setelah tanggal batas {tanggal}: masuk rekap bulan berikutnya"
)


@dataclass(frozen=True)
class Household:
    """One household's outcome: its members in pk order with their `urutan`."""

    usulan_id: int
    prioritas: int  # the kategori rank of its best-placed member
    members: tuple[Any, ...]
    urutan: tuple[int, ...]
    taken: bool
    reason: str  # "" when taken


def cutoff_moment(date: datetime.date) -> datetime.datetime:
    """The end of the cut-off day in the office's time zone."""
    end = datetime.datetime.combine(
        date + datetime.timedelta(days=1), datetime.time.min
    )
    return timezone.make_aware(end)


def _place(member: Any) -> tuple:
    return (member.prioritas_jalur, member.prioritas, member.siap_sejak, member.pk)


def choose(
    candidates: Iterable[Any],
    *,
    kuota: int | None,
    tanggal_batas: datetime.date,
    used: int = 0,
    skip: Collection[int] = (),
) -> list[Household]:
    """The households in batch order, each taken or waiting with its reason.

    `used`: places already taken by staff additions. A household whose members
    are all in `skip` is left out.
    """
    cutoff = cutoff_moment(tanggal_batas)
    by_household: dict[int, list[Any]] = {}
    for member in candidates:
        by_household.setdefault(member.usulan_id, []).append(member)
    ordered = sorted(by_household.items(), key=lambda item: min(map(_place, item[1])))

    out: list[Household] = []
    position = 0
    for usulan_id, members in ordered:
        auto = sorted((m for m in members if m.pk not in skip), key=lambda m: m.pk)
        if not auto:
            continue
        if any(m.siap_sejak >= cutoff for m in auto):
            taken = False
            reason = REASON_AFTER_CUTOFF.format(
                tanggal=tanggal_batas.strftime("%d-%m-%Y")
            )
        elif kuota is None or used + len(auto) <= kuota:
            taken, reason = True, ""
            used += len(auto)
        else:
            taken, reason = False, REASON_QUOTA.format(n=len(auto))
        out.append(
            Household(
                usulan_id=usulan_id,
                prioritas=min(map(_place, members))[1],
                members=tuple(auto),
                urutan=tuple(range(position + 1, position + len(auto) + 1)),
                taken=taken,
                reason=reason,
            )
        )
        position += len(auto)
    return out
