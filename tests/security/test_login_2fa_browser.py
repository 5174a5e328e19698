"""In Chromium: a verifier enrols an authenticator app, then logs in with a code."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kis_portal.roles import Role
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def current_code(device, steps_ahead=0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def test_verifier_enrols_then_needs_the_code_at_the_next_login(
    transactional_db, settings, live_server, page
):
    settings.KIS_2FA = True
    user = make_user(Role.VERIFIKATOR, username="verif2fa")
    violations = []
    page.on(
        "console",
        lambda m: (
            violations.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )

    def password_step():
        page.goto(f"{live_server.url}/accounts/login/?next=/usulan/")
        page.get_by_label("Nama pengguna").fill(user.username)
        page.get_by_label("Sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()

    password_step()
    expect(
        page.get_by_role("heading", name="Aktifkan verifikasi dua langkah")
    ).to_be_visible()
    expect(page.locator("svg.qr-otp")).to_be_visible()
    box = page.locator("svg.qr-otp").bounding_box()
    assert box["width"] > 150 and box["height"] > 150
    # Other pages wait until the code is given.
    page.goto(f"{live_server.url}/verifikasi/")
    expect(page).to_have_url(
        f"{live_server.url}/accounts/2fa/daftar/?next=%2Fverifikasi%2F"
    )

    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Kode dari aplikasi autentikator").fill(current_code(device))
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_text("Verifikasi dua langkah aktif.")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/verifikasi/")

    page.get_by_role("button", name="Keluar").click()
    password_step()
    expect(page.get_by_role("heading", name="Verifikasi dua langkah")).to_be_visible()
    page.get_by_label("Kode dari aplikasi autentikator").fill(
        current_code(device, steps_ahead=1)
    )
    page.get_by_role("button", name="Verifikasi").click()
    expect(page).to_have_url(f"{live_server.url}/usulan/")
    assert violations == []
