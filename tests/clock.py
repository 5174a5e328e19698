"""The one way a test fixes the date: time-machine, at a moment given in the office's zone.

A test that needs "today" either computes from `timezone.localdate()` or freezes the
clock here; none relies on the day it happens to run. `frozen` stops the clock (Python's
`time`, `datetime` and so Django's `timezone.now()`, in every thread of the process);
PostgreSQL's own `now()` is not moved, which is why the code never uses it.
"""

import contextlib
import datetime
import zoneinfo
from collections.abc import Iterator

import time_machine

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def wita(
    year: int, month: int, day: int, hour: int = 9, minute: int = 0
) -> datetime.datetime:
    """An aware moment on the office's wall clock (WITA, UTC+8)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WITA)


@contextlib.contextmanager
def frozen(moment: datetime.datetime) -> Iterator[None]:
    """Stop the clock at `moment` for the block (nested blocks stack)."""
    if moment.tzinfo is None:
        raise ValueError("give an aware moment, e.g. wita(2026, 11, 25)")
    with time_machine.travel(moment, tick=False):
        yield
