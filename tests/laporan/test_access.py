"""Who may open the dashboard and build reports: staff yes, desa operators and guests no."""

import pytest
from django.urls import reverse

from kis_portal.jobs.models import Job
from kis_portal.roles import STAFF_ROLES
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGES = ["laporan:dasbor", "laporan:unduh"]
ACTIONS = ["laporan:bulanan", "laporan:peserta"]
BODY = {
    "bulanan-bulan_dari": "2026-11",
    "bulanan-bulan_sampai": "2026-11",
    "format": "xlsx",
}


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_every_staff_role_sees_the_dashboard_and_report_page(client, role):
    user = make_user(role, username=f"u-{role}")
    client.force_login(user)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_desa_operator_is_refused_everywhere(login, operator_a):
    client = login(operator_a)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    for name in ACTIONS:
        assert client.post(reverse(name), BODY).status_code == 403, name
    assert not Job.objects.exists()


def test_anonymous_is_sent_to_login(client, db):
    for name in PAGES + ACTIONS:
        response = (
            client.post(reverse(name), BODY)
            if name in ACTIONS
            else client.get(reverse(name))
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not Job.objects.exists()


def test_report_actions_accept_only_post(login, kadis):
    client = login(kadis)
    for name in ACTIONS:
        assert client.get(reverse(name)).status_code == 405


def test_another_user_cannot_download_a_report(login, kadis, rekap, client):
    login(kadis).post(reverse("laporan:bulanan"), BODY)
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    client.force_login(rekap)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
