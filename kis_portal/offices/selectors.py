from .models import OfficeProfile


def active_profile_for(request) -> OfficeProfile | None:
    """The active profile without its requirements, read once per request.

    The page header (context processor) and a list view's settings share it.
    """
    if not hasattr(request, "_kis_office_profile"):
        request._kis_office_profile = OfficeProfile.objects.filter(
            is_active=True
        ).first()
    return request._kis_office_profile


def get_active_profile() -> OfficeProfile | None:
    """The profile this office runs on, with its requirements; None before load_profile."""
    return (
        OfficeProfile.objects.filter(is_active=True)
        .prefetch_related("requirements")
        .first()
    )
