"""What waits on the home page from the rekap stage: deactivated participants."""

from django.urls import reverse

from kis_portal.accounts.home import WaitingItem, home_provider
from kis_portal.roles import Role, has_role, operator_desa_id

from .access import nonaktif_for_user
from .models import Nonaktif


@home_provider
def nonaktif_waiting(user) -> list[WaitingItem]:
    """The desa's open tasks (urgent: each has a reactivation deadline); the
    rekap staff see how many wait across the regency."""
    if operator_desa_id(user) is None and not has_role(user, Role.REKAP):
        return []
    count = nonaktif_for_user(user).filter(status=Nonaktif.Status.TERBUKA).count()
    if not count:
        return []
    return [
        WaitingItem(
            "Peserta dinonaktifkan BPJS, perlu ditindaklanjuti",
            count,
            reverse("rekap_bpjs:nonaktif_list"),
            urgent=operator_desa_id(user) is not None,
        )
    ]
