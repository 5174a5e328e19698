"""The admin's home-page notice of accounts the daily job deactivated."""

from django.urls import reverse

from kis_portal.roles import Role, has_role

from .home import WaitingItem, home_provider
from .selectors import Activity, auto_deactivated_recently

NOTICE_DAYS = 14


@home_provider
def deactivated_notice(user) -> list[WaitingItem]:
    if not has_role(user, Role.ADMIN):
        return []
    count = auto_deactivated_recently(days=NOTICE_DAYS).count()
    if not count:
        return []
    url = reverse("accounts:user_list") + f"?status={Activity.NONAKTIF_OTOMATIS}"
    return [
        WaitingItem(
            f"Akun operator dinonaktifkan otomatis ({NOTICE_DAYS} hari terakhir): "
            "aktifkan kembali atau ganti operatornya",
            count,
            url,
            urgent=True,
        )
    ]
