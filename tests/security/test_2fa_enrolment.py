"""Audit finding 3 (issue 21): an enrolment secret belongs to one attempt.

Whoever saw the QR code once (with the password, on a shared PC or over a shoulder)
must not hold the secret the real user confirms later, nor the one after a reset.
"""

from base64 import b32decode, b32encode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.clock import frozen, wita
from tests.security.test_login_2fa import (
    ENROL,
    VERIFY,
    password_step,
    verified_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor(settings):
    settings.KIS_2FA = True
    return settings


def shown_secret(client) -> str:
    html = client.get(ENROL).content.decode()
    return html.split('id="kunci-rahasia">')[1].split("<")[0].replace(" ", "")


def code_for(secret: str) -> str:
    """What an authenticator app holding this secret shows now."""
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def test_each_session_gets_its_own_secret_and_only_its_own_confirms(
    two_factor, verifikator
):
    onlooker = Client()
    password_step(onlooker, verifikator)
    seen = shown_secret(onlooker)

    user = Client()
    password_step(user, verifikator)
    own = shown_secret(user)
    assert own != seen
    # The page reloaded in the same session keeps its secret (the app may hold it).
    assert shown_secret(user) == own

    assert user.post(ENROL, {"code": code_for(own)}).status_code == 302
    device = TOTPDevice.objects.get(user=verifikator)
    assert device.confirmed
    assert b32encode(device.bin_key).decode().rstrip("=") == own

    # The onlooker, with the password and the secret once seen, stops at the code.
    assert onlooker.post(ENROL, {"code": code_for(seen)})["Location"] == VERIFY
    assert onlooker.get("/").url.startswith(VERIFY)
    later = Client()
    password_step(later, verifikator)
    assert later.get("/").url.startswith(VERIFY)
    refused = later.post(VERIFY, {"code": code_for(seen)})
    assert refused.status_code == 200
    assert later.get("/").url.startswith(VERIFY)


def test_an_unfinished_enrolment_expires(two_factor, kadis):
    client = Client()
    with frozen(wita(2026, 11, 25, 9, 0)):
        password_step(client, kadis)
        first = shown_secret(client)
    with frozen(wita(2026, 11, 25, 9, 16)):
        late = client.post(ENROL, {"code": code_for(first)})
        assert "Waktu pendaftaran (15 menit) habis" in late.content.decode()
        assert not TOTPDevice.objects.filter(user=kadis, confirmed=True).exists()
        fresh = shown_secret(client)
        assert fresh != first
        assert TOTPDevice.objects.filter(user=kadis).count() == 1
        assert client.post(ENROL, {"code": code_for(fresh)}).status_code == 302
    assert TOTPDevice.objects.get(user=kadis).confirmed


def test_after_an_admin_reset_the_user_enrols_with_a_new_secret(
    two_factor, admin_user, rekap
):
    first = Client()
    password_step(first, rekap)
    old = shown_secret(first)
    assert first.post(ENROL, {"code": code_for(old)}).status_code == 302

    admin = verified_client(admin_user)
    admin.post(reverse("accounts:user_reset_2fa", args=[rekap.pk]))

    again = Client()
    password_step(again, rekap)
    new = shown_secret(again)
    assert new != old
    # The old secret opens nothing: it cannot confirm the new enrolment.
    assert again.post(ENROL, {"code": code_for(old)}).status_code == 200
    assert not TOTPDevice.objects.filter(user=rekap, confirmed=True).exists()


def test_enrolment_page_says_how_long_the_code_lasts(two_factor, verifikator):
    client = Client()
    password_step(client, verifikator)
    html = client.get(ENROL).content.decode()
    assert "berlaku 15 menit" in html


def test_a_secret_from_an_abandoned_attempt_cannot_be_confirmed(two_factor, kadis):
    onlooker = Client()
    password_step(onlooker, kadis)
    seen = shown_secret(onlooker)
    user = Client()
    password_step(user, kadis)
    shown_secret(user)  # the user's attempt replaces the one the onlooker saw

    stale = onlooker.post(ENROL, {"code": code_for(seen)})

    assert stale.status_code == 200
    assert "kode QR sudah diganti" in stale.content.decode()
    assert not TOTPDevice.objects.filter(user=kadis, confirmed=True).exists()
