"""Complaints past their category's target are highlighted and counted."""

import datetime

import pytest
from django.urls import reverse

from kis_portal.accounts.home import waiting_items
from pengaduan.models import Pengaduan
from pengaduan.selectors import overdue_q
from pengaduan.services import pengaduan_change_status
from tests.clock import frozen, wita

from .factories import backdate, complaint

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("clock_still")  # 7 days old stays 7
def test_open_complaint_past_target_is_highlighted(operator_a, loket, login):
    late = backdate(complaint(operator_a, kategori="terlambat"), days=8)
    on_time = backdate(complaint(operator_a, kategori="terlambat"), days=7)
    done = backdate(complaint(operator_a, kategori="terlambat"), days=30)
    pengaduan_change_status(
        pengaduan_id=done.pk, to="selesai", alasan="Beres.", by=loket
    )
    assert late.terlambat
    assert not on_time.terlambat
    done.refresh_from_db()
    assert not done.terlambat

    client = login(loket)
    page = client.get(reverse("pengaduan:list")).content.decode()
    assert page.count('class="table-danger"') == 1
    assert "Melewati target: 1" in page
    filtered = client.get(reverse("pengaduan:list"), {"terlambat": "true"})
    assert list(filtered.context["page_obj"].object_list) == [late]
    detail = client.get(late.get_absolute_url()).content.decode()
    assert "melewati target selesai" in detail
    assert (
        "melewati target selesai"
        not in client.get(on_time.get_absolute_url()).content.decode()
    )


def test_target_depends_on_category(operator_a, settings):
    settings.KIS_PENGADUAN_TARGET_HARI = {"belum_dicetak": 30, "terlambat": 2}
    slow = backdate(complaint(operator_a, kategori="belum_dicetak"), days=5)
    fast = backdate(complaint(operator_a, kategori="terlambat"), days=5)
    assert not slow.terlambat
    assert fast.terlambat


def test_home_page_warns_handlers_of_late_complaints(operator_a, loket, login):
    backdate(complaint(operator_a), days=20)
    complaint(operator_a)
    items = {item.label: item for item in waiting_items(loket)}
    assert items["Pengaduan melewati target"].count == 1
    assert items["Pengaduan melewati target"].urgent
    assert items["Pengaduan baru, belum ditangani"].count == 2
    page = login(loket).get(reverse("home")).content.decode()
    assert "Pengaduan melewati target" in page


def test_home_page_of_the_desa_counts_its_open_complaints(operator_a, operator_b):
    complaint(operator_a)
    complaint(operator_b)
    complaint(operator_b)
    items = {item.label: item.count for item in waiting_items(operator_a)}
    assert items["Pengaduan desa yang belum selesai"] == 1


def test_status_counts_on_the_list(operator_a, loket, login):
    complaint(operator_a)
    second = complaint(operator_a)
    pengaduan_change_status(
        pengaduan_id=second.pk, to=Pengaduan.Status.MENUNGGU_DINKES, by=loket
    )
    counts = login(loket).get(reverse("pengaduan:list")).context["counts"]
    assert counts["baru"] == 1
    assert counts["menunggu_dinkes"] == 1
    assert counts["terbuka"] == 2


def test_overdue_turns_at_midnight_wita_while_utc_is_still_the_day_before(operator_a):
    """At 00:30 WITA on 1 March (28 Feb in UTC), a target of 28 Feb is past."""
    with frozen(wita(2027, 2, 20)):
        due_yesterday = complaint(operator_a)
        due_today = complaint(operator_a)
    Pengaduan.objects.filter(pk=due_yesterday.pk).update(
        tenggat=datetime.date(2027, 2, 28)
    )
    Pengaduan.objects.filter(pk=due_today.pk).update(tenggat=datetime.date(2027, 3, 1))
    with frozen(wita(2027, 3, 1, 0, 30)):
        assert list(Pengaduan.objects.filter(overdue_q())) == [due_yesterday]
        due_yesterday.refresh_from_db()
        due_today.refresh_from_db()
        assert due_yesterday.terlambat and not due_today.terlambat
