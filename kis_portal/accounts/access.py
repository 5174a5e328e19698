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
