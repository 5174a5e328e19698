from django.conf import settings
from django.http import HttpRequest

from kis_portal.accounts.navigation import links_for
from kis_portal.offices.selectors import active_profile_for
from kis_portal.roles import Role, primary_role


def portal(request: HttpRequest) -> dict:
    """The office's name and logo, and the navigation of the user's role."""
    # One light query on every page, shared with the view when it needs the profile.
    profile = active_profile_for(request)
    user = getattr(request, "user", None)
    role = primary_role(user) if user is not None else None
    return {
        "office_name": profile.nama_dinas if profile else settings.KIS_OFFICE_NAME,
        "office_government": profile.pemerintah if profile else "",
        "office_logo": settings.KIS_OFFICE_LOGO,
        "nav_items": links_for(user, profile, request.path) if user is not None else [],
        "user_role": role,
        "user_role_label": _role_label(role),
    }


def _role_label(role: str | None) -> str:
    return Role(role).label if role else ""
