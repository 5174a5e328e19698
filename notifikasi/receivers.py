"""Turns the portal's status changes into messages (connected in apps.ready)."""

from django.dispatch import receiver

from distribusi.models import Kartu
from kis_portal.workflow import status_changed, statuses_changed
from usulan.models import Usulan

from . import services, texts


@receiver(status_changed, dispatch_uid="notifikasi.status_changed")
def on_status_changed(sender, instance, from_status, to_status, reason="", **kwargs):
    if sender is Usulan:
        jenis = texts.USULAN_JENIS.get(to_status)
        if jenis:
            services.notify_usulan(instance, jenis=jenis, reason=reason or "")
    elif sender is Kartu and to_status == Kartu.Status.DISERAHKAN:
        services.notify_kartu(instance)


@receiver(statuses_changed, dispatch_uid="notifikasi.statuses_changed")
def on_statuses_changed(
    sender, instances, to_status, reason="", reasons=None, **kwargs
):
    """The same messages for a bulk move, in a constant number of queries."""
    if sender is Usulan:
        jenis = texts.USULAN_JENIS.get(to_status)
        if jenis:
            if reasons:  # a BPJS result file: a reason per household
                services.notify_usulan_many(instances, jenis=jenis, reasons=reasons)
            else:
                services.notify_usulan_bulk(instances, jenis=jenis, reason=reason or "")
    elif sender is Kartu and to_status == Kartu.Status.DISERAHKAN:
        services.notify_kartu_bulk(instances)
