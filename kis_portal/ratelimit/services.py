"""The one rate limiter: attempts counted in the database, per scope and key.

Each caller names a `Limit` (scope, how many, over which window). An attempt is
written first and counted after, so a burst from several processes cannot slip
through between a count and a write; on PostgreSQL attempts on the same key also
wait for each other, so a burst passes exactly `maks`, never fewer.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Percobaan

# Rows older than this are never counted by any limit and are deleted on the way.
KEEP = datetime.timedelta(days=2)


@dataclass(frozen=True)
class Limit:
    scope: str
    maks: int
    jendela: datetime.timedelta

    def __post_init__(self) -> None:
        if self.jendela > KEEP:
            raise ValueError(f"a window longer than {KEEP} would be swept away")


@dataclass(frozen=True)
class Distinct:
    allowed: bool
    new: set[str]  # the items first counted by this call


def _sweep() -> None:
    Percobaan.objects.filter(created_at__lt=timezone.now() - KEEP).delete()


def _hash(scope: str, value: str) -> str:
    return salted_hmac(
        "kis_portal.ratelimit", f"{scope}:{value}", algorithm="sha256"
    ).hexdigest()


def _one_at_a_time(hashes: Iterable[str]) -> None:
    """Hold these keys until the transaction ends: an attempt on a key waits for the
    one before it to be counted (PostgreSQL; SQLite lets one writer in at a time)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for hashed in sorted(set(hashes)):  # one order: no two callers deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(hashed[:15], 16)])


def _window(limit: Limit, key: str):
    since = timezone.now() - limit.jendela
    return Percobaan.objects.filter(
        scope=limit.scope, kunci=_hash(limit.scope, key), created_at__gte=since
    )


def attempt(limit: Limit, key: str) -> bool:
    """Count one attempt by `key`; False once the window holds more than `maks`."""
    _sweep()
    hashed = _hash(limit.scope, key)
    with transaction.atomic():
        _one_at_a_time([hashed])
        Percobaan.objects.create(scope=limit.scope, kunci=hashed)
        return _window(limit, key).count() <= limit.maks


def failures_allowed(limit: Limit, key: str) -> bool:
    """Whether `key` may try again: fewer than `maks` failures in the window.

    For limits that count failures only (`failure`), so that what succeeds never
    uses up anyone's allowance.
    """
    return _window(limit, key).count() < limit.maks


def failure(limit: Limit, key: str) -> None:
    """Count one failed attempt by `key`."""
    _sweep()
    Percobaan.objects.create(scope=limit.scope, kunci=_hash(limit.scope, key))


def attempt_many(limit: Limit, keys: Iterable[str]) -> bool:
    """One attempt counted against each key at once; False if any is past its limit."""
    _sweep()
    hashes = {key: _hash(limit.scope, key) for key in dict.fromkeys(keys)}
    with transaction.atomic():
        _one_at_a_time(hashes.values())
        Percobaan.objects.bulk_create(
            [Percobaan(scope=limit.scope, kunci=h) for h in hashes.values()]
        )
        counts = dict(
            Percobaan.objects.filter(
                scope=limit.scope,
                kunci__in=hashes.values(),
                created_at__gte=timezone.now() - limit.jendela,
            )
            .values("kunci")
            .annotate(n=Count("pk"))
            .values_list("kunci", "n")
        )
    return all(counts.get(h, 0) <= limit.maks for h in hashes.values())


def attempt_distinct(limit: Limit, key: str, items: Iterable[str]) -> Distinct:
    """Count the distinct `items` `key` asked about in the window (asking twice about
    the same one counts once); `allowed` is False once they are more than `maks`."""
    _sweep()
    seen = set(_window(limit, key).values_list("item", flat=True))
    hashed = {_hash(limit.scope, item): item for item in items}
    new = {h: item for h, item in hashed.items() if h not in seen}
    Percobaan.objects.bulk_create(
        [
            Percobaan(scope=limit.scope, kunci=_hash(limit.scope, key), item=h)
            for h in sorted(new)
        ]
    )
    return Distinct(allowed=within_distinct(limit, key), new=set(new.values()))


def within_distinct(limit: Limit, key: str) -> bool:
    """Whether `key` is still within its limit of distinct items (nothing written)."""
    distinct = _window(limit, key).values("item").distinct().count()
    return distinct <= limit.maks


def reset(limit: Limit, key: str) -> int:
    """Forget `key`'s attempts (an admin's unlock); the number of rows removed."""
    deleted, _ = Percobaan.objects.filter(
        scope=limit.scope, kunci=_hash(limit.scope, key)
    ).delete()
    return deleted
