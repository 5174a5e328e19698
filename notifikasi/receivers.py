"""Turns the portal's status changes into messages (connected in apps.ready)."""

from django.dispatch import receiver

from distribusi.models import Kartu
from kis_portal.workflow import status_changed, statuses_changed
from rekap_bpjs.signals import nonaktif_found
from usulan.models import Usulan

from . import services, texts


@receiver(status_changed, dispatch_uid="notifikasi.status_changed")
def on_status_changed(sender, instance, from_status, to_status, reason="", **kwargs):
    if sender is Usulan:
        jenis = texts.USULAN_JENIS.get(to_status)
        if jenis:
            services.usulan_notify(instance, jenis=jenis, reason=reason or "")
        elif (
            to_status == Usulan.Status.DIAJUKAN
            and from_status == Usulan.Status.DRAFT
            and instance.jalur == Usulan.Jalur.DARURAT
        ):
            services.darurat_notify_desa(instance)
    elif sender is Kartu and to_status == Kartu.Status.DISERAHKAN:
        services.kartu_notify(instance)


@receiver(statuses_changed, dispatch_uid="notifikasi.statuses_changed")
def on_statuses_changed(
    sender, instances, to_status, reason="", reasons=None, **kwargs
):
    """The same messages for a bulk move, in a constant number of queries."""
    if sender is Usulan:
        jenis = texts.USULAN_JENIS.get(to_status)
        if jenis:
            # A BPJS result file gives a reason per household.
            services.usulan_notify_bulk(
                instances, jenis=jenis, reason=reason or "", reasons=reasons
            )
    elif sender is Kartu and to_status == Kartu.Status.DISERAHKAN:
        services.kartu_notify_bulk(instances)


@receiver(nonaktif_found, dispatch_uid="notifikasi.nonaktif_found")
def on_nonaktif_found(sender, instances, **kwargs):
    """BPJS deactivated participants: each desa's inbox, each family's phone."""
    services.nonaktif_notify(instances)
