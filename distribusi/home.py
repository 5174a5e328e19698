"""What waits on the home page from card distribution."""

from django.urls import reverse

from kis_portal.accounts.home import WaitingItem, home_provider
from kis_portal.roles import Role, has_role, operator_desa_id

from .access import kartu_for_user
from .models import Kanal, Kartu, SerahTerima
from .selectors import batches_awaiting_cards, overdue_q


@home_provider
def distribusi_waiting(user) -> list[WaitingItem]:
    items: list[WaitingItem] = []
    if operator_desa_id(user) is not None:
        ready = (
            kartu_for_user(user)
            .filter(status=Kartu.Status.DISERAHKAN, serah_terima__kanal=Kanal.DESA)
            .count()
        )
        if ready:
            items.append(
                WaitingItem(
                    "Kartu di desa, belum dikonfirmasi diterima warga",
                    ready,
                    reverse("distribusi:desa"),
                    urgent=True,
                )
            )
        return items
    if not has_role(user, Role.DISTRIBUSI):
        return items
    url = reverse("distribusi:list")
    pending = sum(row["belum"] for row in batches_awaiting_cards())
    if pending:
        items.append(
            WaitingItem(
                "Peserta terdaftar, kartu belum dicatat diterima",
                pending,
                reverse("distribusi:terima"),
            )
        )
    at_office = Kartu.objects.filter(status=Kartu.Status.DITERIMA_DINSOS)
    late = at_office.filter(overdue_q()).count()
    if late:
        items.append(
            WaitingItem(
                "Kartu terlambat diserahkan",
                late,
                f"{url}?terlambat=true",
                urgent=True,
            )
        )
    count = at_office.count()
    if count:
        items.append(
            WaitingItem(
                "Kartu di kantor, siap diserahkan",
                count,
                reverse("distribusi:serah_terima_baru"),
            )
        )
    unsigned = SerahTerima.objects.filter(scan="").count()
    if unsigned:
        items.append(
            WaitingItem(
                "Tanda terima belum diunggah bertanda tangan",
                unsigned,
                f"{reverse('distribusi:serah_terima_list')}?ditandatangani=tidak",
            )
        )
    return items
