"""Operator accounts in bulk from the region list: one per desa/kelurahan.

Every desa/kelurahan of a kecamatan (or of the regency) without an active
operator gets one, named by the username rule (`usernames.py`); a second run
finds them all and creates none. The office's own spreadsheet is `imports.py`.

Every account gets a one-time password here; the caller prints the slips.
Hashing a password takes a third of a second, so each account is made in its
own short transaction after its hash is ready, never the whole run in one.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from kis_portal.roles import Role, require_role
from kis_portal.wilayah.models import Desa, Kecamatan

from .models import UserProfile
from .services import (
    MSG_ADMIN_ONLY,
    Issued,
    one_time_password_new,
    password_issue,
    user_create,
)
from .usernames import taken_usernames, username_base, username_unique

logger = logging.getLogger(__name__)


@dataclass
class RegionLine:
    """One kecamatan in the region form: how many desa, how many still lack one."""

    kecamatan: Kecamatan
    desa: int
    with_operator: int

    @property
    def to_create(self) -> int:
        return self.desa - self.with_operator


def _desa_with_active_operator(desa_qs) -> set[int]:
    return set(
        UserProfile.objects.filter(
            desa__in=desa_qs,
            user__is_active=True,
            user__groups__name=Role.OPERATOR_DESA,
        ).values_list("desa_id", flat=True)
    )


def region_overview() -> list[RegionLine]:
    """Per kecamatan: its desa and those that already have an active operator."""
    covered = _desa_with_active_operator(Desa.objects.all())
    per_kecamatan: dict[int, int] = {}
    for desa_id, kecamatan_id in Desa.objects.values_list("pk", "kecamatan_id"):
        if desa_id in covered:
            per_kecamatan[kecamatan_id] = per_kecamatan.get(kecamatan_id, 0) + 1
    return [
        RegionLine(kecamatan=k, desa=k.jumlah, with_operator=per_kecamatan.get(k.pk, 0))
        for k in Kecamatan.objects.annotate(jumlah=Count("desa_set")).order_by("kode")
    ]


@dataclass
class RegionPlan:
    create: list[Desa]  # desa without an active operator
    reissue: list  # operators that never logged in (when asked to)


def region_plan(*, kecamatan: Kecamatan | None, reissue: bool = False) -> RegionPlan:
    scope = Desa.objects.select_related("kecamatan").order_by("kode")
    if kecamatan is not None:
        scope = scope.filter(kecamatan=kecamatan)
    covered = _desa_with_active_operator(scope)
    users = []
    if reissue:
        users = list(
            get_user_model()
            .objects.filter(
                is_active=True,
                last_login__isnull=True,
                groups__name=Role.OPERATOR_DESA,
                profile__desa__in=scope,
            )
            .select_related("profile__desa__kecamatan")
            .order_by("profile__desa__kode", "pk")
        )
    return RegionPlan(
        create=[desa for desa in scope if desa.pk not in covered], reissue=users
    )


def _operator_names(desa: Desa) -> dict:
    return {
        "first_name": "Operator",
        "last_name": str(desa),
        "jabatan": f"Operator {desa}",
    }


def region_accounts_create(
    plan: RegionPlan, *, by, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Issued], int]:
    """Create the planned operators and re-issue the asked passwords.

    Returns the accounts given a password, and how many desa were skipped
    because an operator appeared meanwhile (another admin's run).
    """
    require_role(by, Role.ADMIN, message=MSG_ADMIN_ONLY)
    total = len(plan.create) + len(plan.reissue)
    taken = taken_usernames([username_base(desa=desa) for desa in plan.create])
    issued: list[Issued] = []
    skipped = 0
    for index, desa in enumerate(plan.create, start=1):
        one_time = one_time_password_new()  # the slow part, outside the lock
        with transaction.atomic():
            # One desa at a time: a parallel run waits here, then sees the operator.
            Desa.objects.select_for_update().filter(pk=desa.pk).first()
            if _desa_with_active_operator(Desa.objects.filter(pk=desa.pk)):
                skipped += 1
                continue
            user = user_create(
                username=username_unique(username_base(desa=desa), taken),
                role=Role.OPERATOR_DESA,
                desa=desa,
                one_time=one_time,
                by=by,
                **_operator_names(desa),
            )
        issued.append(
            Issued(
                user=user, password=one_time.password, expires_at=one_time.expires_at
            )
        )
        if progress:
            progress(index, total)
    for index, user in enumerate(plan.reissue, start=len(plan.create) + 1):
        issued.append(password_issue(user=user, by=by, reason="slip diterbitkan ulang"))
        if progress:
            progress(index, total)
    logger.info(
        "user=%s region accounts created=%s reissued=%s skipped=%s",
        by.pk,
        len(issued) - len(plan.reissue),
        len(plan.reissue),
        skipped,
    )
    return issued, skipped
