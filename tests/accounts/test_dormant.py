"""Who is active: the user list's last login and filters, and dormant operators
deactivated by the daily job with a notice to the admin."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kis_portal.accounts.models import UserProfile
from kis_portal.audit.models import AuditEvent
from kis_portal.ops.models import Heartbeat
from kis_portal.ops.periodic import PERIODIC
from kis_portal.roles import Role
from tests.clock import frozen, wita
from tests.factories import PASSWORD, DesaFactory, make_user

pytestmark = pytest.mark.django_db

NOW = wita(2027, 6, 30, 4)  # the timer's hour
User = get_user_model()


def set_times(user, *, joined, last_login=None) -> None:
    User.objects.filter(pk=user.pk).update(date_joined=joined, last_login=last_login)


@pytest.fixture
def people(settings, desa_a, desa_b):
    """Operators and staff, the operators on both sides of 90 days without a login."""
    settings.KIS_AKUN_DIAM_HARI = 90
    long_ago = NOW - datetime.timedelta(days=200)
    desa_c = DesaFactory(nama="Panji", kecamatan=desa_a.kecamatan)
    out = {
        "left": make_user(Role.OPERATOR_DESA, username="op_pergi", desa=desa_a),
        "never": make_user(Role.OPERATOR_DESA, username="op_belum", desa=desa_b),
        "working": make_user(Role.OPERATOR_DESA, username="op_rajin", desa=desa_c),
        "edge": make_user(Role.OPERATOR_DESA, username="op_tepi", desa=desa_c),
        "verif": make_user(Role.VERIFIKATOR, username="verif_cuti"),
    }
    set_times(
        out["left"], joined=long_ago, last_login=NOW - datetime.timedelta(days=91)
    )
    set_times(out["never"], joined=long_ago)
    set_times(
        out["working"], joined=long_ago, last_login=NOW - datetime.timedelta(days=3)
    )
    set_times(
        out["edge"], joined=long_ago, last_login=NOW - datetime.timedelta(days=89)
    )
    set_times(
        out["verif"], joined=long_ago, last_login=NOW - datetime.timedelta(days=120)
    )
    return out


def run_timer() -> str:
    out = io.StringIO()
    with frozen(NOW):
        call_command("run_periodic", "deactivate_dormant", stdout=out)
    return out.getvalue()


def test_dormant_operator_accounts_are_deactivated_by_the_daily_job(people):
    assert "deactivate_dormant" in PERIODIC

    output = run_timer()

    assert "2 akun operator dinonaktifkan (tidak masuk 90 hari" in output
    active = dict(User.objects.values_list("username", "is_active"))
    assert active["op_pergi"] is False and active["op_belum"] is False
    # Within the 90 days, or not an operator: left alone.
    assert active["op_rajin"] and active["op_tepi"] and active["verif_cuti"]
    profile = UserProfile.objects.get(user=people["left"])
    assert profile.deactivation_reason == UserProfile.Deactivation.DORMANT
    assert profile.deactivated_at == NOW
    events = AuditEvent.objects.filter(reason__startswith="dinonaktifkan otomatis")
    assert {e.object_id for e in events} == {
        str(people["left"].pk),
        str(people["never"].pk),
    }
    assert all(e.actor is None for e in events)
    assert Heartbeat.objects.get(name="deactivate_dormant").last_success_at == NOW
    assert not Client().login(username="op_pergi", password=PASSWORD)

    # The next night finds nobody new.
    assert "0 akun operator dinonaktifkan" in run_timer()


def test_the_admin_is_told_and_can_switch_an_account_back_on(people, login, admin_user):
    run_timer()
    with frozen(NOW + datetime.timedelta(hours=5)):
        client = login(admin_user)
        home = client.get("/").content.decode()
        assert "Akun operator dinonaktifkan otomatis" in home
        listed = client.get(
            reverse("accounts:user_list"), {"status": "nonaktif_otomatis"}
        ).content.decode()
        assert "<td>op_pergi</td>" in listed and "<td>op_belum</td>" in listed
        assert "<td>op_rajin</td>" not in listed
        assert "Tidak masuk terlalu lama (otomatis)" in listed

        left = people["left"]
        response = client.post(
            reverse("accounts:user_edit", args=[left.pk]),
            {
                "username": left.username,
                "role": Role.OPERATOR_DESA,
                "desa": left.profile.desa_id,
                "is_active": "on",
            },
        )
        assert response.status_code == 302
    left.refresh_from_db()
    assert left.is_active and left.profile.deactivation_reason == ""
    # Switched back on: the dormant clock restarts, the next night keeps it.
    with frozen(NOW + datetime.timedelta(days=1)):
        call_command("deactivate_dormant", stdout=io.StringIO())
    left.refresh_from_db()
    assert left.is_active


def test_a_fresh_slip_is_not_dormant(people, login, admin_user):
    never = people["never"]
    with frozen(NOW - datetime.timedelta(days=1)):
        login(admin_user).post(reverse("accounts:user_password_reset", args=[never.pk]))
    run_timer()
    never.refresh_from_db()
    assert never.is_active


def test_dry_run_lists_without_changing(people):
    out = io.StringIO()
    with frozen(NOW):
        call_command("deactivate_dormant", "--dry-run", stdout=out)
    assert "2 akun operator tidak masuk 90 hari" in out.getvalue()
    assert "op_belum" in out.getvalue() and "op_pergi" in out.getvalue()
    assert User.objects.filter(is_active=False).count() == 0


def test_the_user_list_shows_last_login_and_filters_who_is_active(
    people, login, admin_user, desa_a
):
    with frozen(NOW):
        client = login(admin_user)

        def names(**query) -> set[str]:
            page = client.get(reverse("accounts:user_list"), query).content.decode()
            return {
                u
                for u in User.objects.values_list("username", flat=True)
                if f"<td>{u}</td>" in page
            }

        page = client.get(reverse("accounts:user_list")).content.decode()
        assert "belum pernah" in page
        assert "tidak aktif: 91 hari tanpa masuk" in page
        assert "tidak aktif: belum pernah masuk (200 hari)" in page
        assert names(status="diam") == {"op_pergi", "op_belum", "verif_cuti"}
        assert names(status="belum_masuk") == {"op_belum"}
        assert names(status="aktif") == {"op_rajin", "op_tepi", "admin_portal"}
        assert names(role=Role.VERIFIKATOR) == {"verif_cuti"}
        assert names(desa=desa_a.pk) == {"op_pergi"}
        assert names(kecamatan=desa_a.kecamatan_id) == {
            "op_pergi",
            "op_rajin",
            "op_tepi",
        }
        assert names(kecamatan=desa_a.kecamatan_id, status="diam") == {"op_pergi"}
        # A value that fits no choice is ignored, not an error.
        assert "op_pergi" in names(status="semua-nya", desa="x")


def test_a_verifier_assigned_to_a_kecamatan_is_listed_under_it(
    login, admin_user, desa_a
):
    verif = make_user(Role.VERIFIKATOR, username="verif_kec")
    verif.profile.kecamatan.set([desa_a.kecamatan])
    page = (
        login(admin_user)
        .get(reverse("accounts:user_list"), {"kecamatan": desa_a.kecamatan_id})
        .content.decode()
    )
    assert "<td>verif_kec</td>" in page
