"""In Chromium, the strict Content Security Policy breaks nothing on the pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from distribusi.models import Kartu
from kis_portal.jobs.models import Job
from tests.browser import conftest as browser_fixtures
from usulan.models import Usulan

pytestmark = pytest.mark.browser

# The demo data and the form login of the browser tests.
demo = browser_fixtures.demo
sign_in = browser_fixtures.sign_in


@pytest.fixture
def csp_errors(page):
    """Console errors Chromium logs for Content Security Policy violations."""
    errors: list[str] = []

    def collect(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", collect)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    return errors


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("load")
    return response


def test_pages_load_without_csp_violations(
    demo, sign_in, live_server, page, csp_errors
):
    base = live_server.url
    for path in ["/accounts/login/", "/cek-status/", "/lapor/"]:
        visit(page, base + path)

    sign_in("desa1")
    draft = Usulan.objects.filter(status="draft", desa__nama="Kalibukbuk").first()
    for path in [
        "/",
        "/usulan/",
        "/usulan/baru/",
        draft.get_absolute_url(),
        "/distribusi/desa/",
    ]:
        visit(page, base + path)

    sign_in("verifikator")
    waiting = Usulan.objects.filter(status="diajukan").first()
    for path in ["/", "/verifikasi/", f"/verifikasi/{waiting.pk}/", "/laporan/"]:
        visit(page, base + path)
    expect(page.locator("svg.lap-chart").first).to_be_visible()

    sign_in("distribusi")
    kartu = Kartu.objects.first()
    for path in [
        "/distribusi/",
        "/distribusi/terima/",
        f"/distribusi/kartu/{kartu.pk}/",
    ]:
        visit(page, base + path)

    sign_in("admin")
    for path in ["/pengguna/", "/admin/", "/admin/auth/user/"]:
        visit(page, base + path)

    assert csp_errors == []

    # The collector does see a violation: an inline handler is refused.
    with page.expect_console_message(
        lambda message: "Content Security Policy" in message.text
    ):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', "
            '\'<img src="/static/img/logo.svg" onload="window.x = 1">\')'
        )
    assert csp_errors and "inline event handler" in csp_errors[0]


def test_print_confirm_and_progress_work_from_portal_js(
    demo,
    sign_in,
    live_server,
    page,
    csp_errors,
):
    page = sign_in("desa1")
    draft = Usulan.objects.filter(status="draft", desa__nama="Kalibukbuk").first()
    page.goto(live_server.url + draft.get_absolute_url())

    # Printing: replace window.print to see the click reach it.
    page.evaluate(
        "() => { window.printed = 0; window.print = () => { window.printed += 1; }; }"
    )
    page.get_by_role("button", name="Cetak").click()
    assert page.evaluate("window.printed") == 1

    # Deleting a draft asks first; "cancel" keeps it.
    questions = []
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Hapus draf").click()
    page.wait_for_load_state()
    assert questions == ["Hapus draf ini? Tindakan ini tidak dapat dibatalkan."]
    assert Usulan.objects.filter(pk=draft.pk).exists()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Hapus draf").click()
    page.wait_for_url(re.compile(r".*/usulan/(\?.*)?$"))
    assert not Usulan.objects.filter(pk=draft.pk).exists()

    # A job's progress bar gets its width from data-progress.
    job = Job.objects.create(
        kind="audit_export",
        label="Uji kemajuan",
        created_by=get_user_model().objects.get(username="desa1"),
        status=Job.Status.RUNNING,
        progress_done=2,
        progress_total=5,
    )
    page.goto(f"{live_server.url}/tugas/{job.pk}/")
    bar = page.locator(".progress-bar")
    expect(bar).to_have_text("40%")
    assert page.evaluate("document.querySelector('.progress-bar').style.width") == "40%"
    assert csp_errors == []
