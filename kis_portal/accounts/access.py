"""Every user account reaches a view through these: the admin manages accounts."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kis_portal.roles import Role, has_role


def users_for_user(user) -> QuerySet:
    """The accounts `user` may see and manage: every one for the admin, else none."""
    if not has_role(user, Role.ADMIN):
        return get_user_model().objects.none()
    return get_user_model().objects.all()


def get_user_for_user(user, pk: int):
    return get_object_or_404(users_for_user(user), pk=pk)


def users_of_slip_job(user, job) -> QuerySet:
    """The accounts a slip job made, as far as `user` may see them."""
    return (
        users_for_user(user)
        .filter(pk__in=(job.params or {}).get("akun", []))
        .select_related("profile__desa__kecamatan")
        .order_by("profile__desa__kode", "username")
    )
