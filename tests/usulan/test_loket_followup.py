"""A walk-in citizen returns with the missing paper: the counter ticks it and submits."""

import uuid

from django.core.management import call_command

from usulan.models import Usulan
from usulan.services import loket_register

from .factories import household, member


def test_counter_ticks_a_late_document_then_submits(login, loket, desa_a, operator_a):
    call_command("load_profile", "sop-pbi", verbosity=0)
    usulan = loket_register(
        household=household(desa_a),
        members=[member(desa_a)],
        berkas=["kk"],
        desa=desa_a,
        by=loket,
        client_token=uuid.uuid4(),
    )
    client = login(loket)
    page = client.get(usulan.get_absolute_url()).content.decode()
    assert "Berkas kertas yang diterima di loket" in page
    response = client.post(
        f"/usulan/{usulan.pk}/berkas-loket/", {"berkas": ["kk", "ktp", "sktm", "palsu"]}
    )
    assert response.status_code == 302
    usulan.refresh_from_db()
    assert usulan.berkas_diterima == ["kk", "ktp", "sktm"]
    client.post(f"/usulan/{usulan.pk}/ajukan/")
    usulan.refresh_from_db()
    assert usulan.status == Usulan.Status.DIAJUKAN
    # Locked now: the checklist can no longer change.
    assert (
        client.post(f"/usulan/{usulan.pk}/berkas-loket/", {"berkas": []}).status_code
        == 403
    )
    assert (
        login(operator_a).post(f"/usulan/{usulan.pk}/berkas-loket/").status_code == 403
    )
