"""What waits on the home page from the field check and approval stage."""

from django.urls import reverse

from kis_portal.accounts.home import WaitingItem, home_provider
from kis_portal.roles import Role, has_role
from usulan.models import Usulan

from .access import lapangan_usulan_for_user, persetujuan_usulan_for_user


@home_provider
def lapangan_waiting(user) -> list[WaitingItem]:
    if not has_role(user, Role.LAPANGAN):
        return []
    count = (
        lapangan_usulan_for_user(user).filter(status=Usulan.Status.CEK_LAPANGAN).count()
    )
    if not count:
        return []
    return [
        WaitingItem("Cek lapangan menunggu", count, reverse("verifikasi:lapangan_list"))
    ]


@home_provider
def kadis_waiting(user) -> list[WaitingItem]:
    if not has_role(user, Role.KADIS):
        return []
    count = persetujuan_usulan_for_user(user).count()
    if not count:
        return []
    return [
        WaitingItem(
            "Menunggu persetujuan Anda", count, reverse("verifikasi:approval_list")
        )
    ]
