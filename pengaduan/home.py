"""What waits on the home page from complaints."""

from django.urls import reverse

from kis_portal.accounts.home import WaitingItem, home_provider
from kis_portal.roles import operator_desa_id

from .access import is_handler, pengaduan_for_user
from .models import Pengaduan
from .selectors import open_q, overdue_q


@home_provider
def pengaduan_waiting(user) -> list[WaitingItem]:
    items: list[WaitingItem] = []
    url = reverse("pengaduan:list")
    if operator_desa_id(user) is not None:
        terbuka = pengaduan_for_user(user).filter(open_q()).count()
        if terbuka:
            items.append(
                WaitingItem(
                    "Pengaduan desa yang belum selesai",
                    terbuka,
                    f"{url}?status=terbuka",
                )
            )
        return items
    if not is_handler(user):
        return items
    scope = pengaduan_for_user(user)
    baru = scope.filter(status=Pengaduan.Status.BARU).count()
    if baru:
        items.append(
            WaitingItem("Pengaduan baru, belum ditangani", baru, f"{url}?status=baru")
        )
    terlambat = scope.filter(overdue_q()).count()
    if terlambat:
        items.append(
            WaitingItem(
                "Pengaduan melewati target",
                terlambat,
                f"{url}?terlambat=true",
                urgent=True,
            )
        )
    mine = scope.filter(open_q(), petugas=user).count()
    if mine:
        items.append(
            WaitingItem(
                "Pengaduan yang ditugaskan ke Anda",
                mine,
                f"{url}?saya=true&status=terbuka",
            )
        )
    return items
