from .models import OfficeProfile


def get_active_profile() -> OfficeProfile | None:
    """The profile this office runs on, with its requirements; None before load_profile."""
    return (
        OfficeProfile.objects.filter(is_active=True)
        .prefetch_related("requirements")
        .first()
    )
