"""Every background job reaches a view through these: a user sees only their own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Job


def jobs_for_user(user) -> QuerySet[Job]:
    """A user sees the jobs they started, and nobody else's."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(created_by=user)


def get_job_for_user(user, pk: int) -> Job:
    return get_object_or_404(jobs_for_user(user), pk=pk)
