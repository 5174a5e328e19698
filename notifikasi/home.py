"""Unread messages wait on the desa operator's home page."""

from django.urls import reverse

from kis_portal.accounts.home import WaitingItem, home_provider
from kis_portal.roles import operator_desa_id

from .selectors import unread_count


@home_provider
def notifikasi_waiting(user) -> list[WaitingItem]:
    if operator_desa_id(user) is None:
        return []
    count = unread_count(user)
    if not count:
        return []
    return [
        WaitingItem(
            "Pesan belum dibaca", count, f"{reverse('notifikasi:inbox')}?belum=1"
        )
    ]
