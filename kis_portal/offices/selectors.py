from .models import OfficeProfile


def get_active_profile() -> OfficeProfile | None:
    """The profile this office runs on; None until `load_profile` has been run."""
    return OfficeProfile.objects.filter(is_active=True).first()
