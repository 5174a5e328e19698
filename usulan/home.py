"""What waits on the home page, from the usulan stage."""

from django.urls import reverse

from kis_portal.accounts.home import (
    SummaryItem,
    WaitingItem,
    home_provider,
    summary_provider,
)
from kis_portal.roles import Role, faskes_kode, has_role, operator_desa_id

from .access import darurat_for_user, usulan_for_user
from .darurat import urgent_waiting
from .models import Usulan
from .selectors import status_counts


@home_provider
def usulan_waiting(user) -> list[WaitingItem]:
    url = reverse("usulan:list")
    items: list[WaitingItem] = []
    if operator_desa_id(user) is not None:
        counts = status_counts(usulan_for_user(user))
        if counts[Usulan.Status.DIKEMBALIKAN]:
            items.append(
                WaitingItem(
                    "Usulan dikembalikan, perlu diperbaiki",
                    counts[Usulan.Status.DIKEMBALIKAN],
                    f"{url}?status=dikembalikan",
                    urgent=True,
                )
            )
        if counts[Usulan.Status.GAGAL_BPJS]:
            items.append(
                WaitingItem(
                    "Gagal di BPJS, perlu diperbaiki",
                    counts[Usulan.Status.GAGAL_BPJS],
                    f"{url}?status=gagal_bpjs",
                    urgent=True,
                )
            )
        if counts[Usulan.Status.DRAFT]:
            items.append(
                WaitingItem(
                    "Draf belum diajukan",
                    counts[Usulan.Status.DRAFT],
                    f"{url}?status=draft",
                )
            )
    elif faskes_kode(user) is not None:
        cases = darurat_for_user(user)
        open_cases = cases.exclude(
            status__in=(Usulan.Status.TERDAFTAR, Usulan.Status.DITOLAK)
        ).count()
        if open_cases:
            items.append(
                WaitingItem(
                    "Pasien darurat masih diproses",
                    open_cases,
                    reverse("usulan:darurat_list"),
                )
            )
    elif has_role(user, Role.VERIFIKATOR):
        if urgent := urgent_waiting(usulan_for_user(user)):
            late = sum(1 for row in urgent if row.lewat_target)
            label = "Pasien darurat dari faskes menunggu keputusan"
            if late:
                label += f" ({late} lewat target {urgent[0].target_jam} jam)"
            items.append(
                WaitingItem(
                    label, len(urgent), reverse("verifikasi:queue"), urgent=True
                )
            )
        waiting = usulan_for_user(user).filter(status=Usulan.Status.DIAJUKAN).count()
        if waiting:
            items.append(
                WaitingItem(
                    "Usulan menunggu verifikasi", waiting, reverse("verifikasi:queue")
                )
            )
    elif has_role(user, Role.REKAP):
        ready = usulan_for_user(user).filter(status=Usulan.Status.SIAP).count()
        if ready:
            items.append(
                WaitingItem(
                    "Usulan siap diusulkan ke BPJS (rekap bulan ini)",
                    ready,
                    f"{url}?status=siap",
                )
            )
    elif has_role(user, Role.LOKET):
        drafts = (
            usulan_for_user(user)
            .filter(sumber=Usulan.Sumber.LOKET, status=Usulan.Status.DRAFT)
            .count()
        )
        if drafts:
            items.append(
                WaitingItem(
                    "Registrasi loket belum lengkap", drafts, f"{url}?status=draft"
                )
            )
    return items


@summary_provider
def usulan_summary(user) -> list[SummaryItem]:
    """Counts by status for the desa operator's home page."""
    if operator_desa_id(user) is None:
        return []
    url = reverse("usulan:list")
    counts = status_counts(usulan_for_user(user))
    return [
        SummaryItem(label, counts[value], f"{url}?status={value}")
        for value, label in Usulan.Status.choices
    ]
