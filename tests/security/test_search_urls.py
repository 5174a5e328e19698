"""Audit finding 5 (issue 21): an NIK or phone number typed in a list's search box
never reaches a URL (hence no access log, pagination link, `next=` or Referer)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from pengaduan.models import BukuTamu
from pengaduan.services import buku_tamu_record
from tests.rekap_bpjs.factories import ready_household
from tests.usulan.factories import make_usulan

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SIXTEEN_DIGITS = re.compile(r"\d{16}")


def hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', html)


LISTS = [
    ("usulan:list", "operator_a"),
    ("verifikasi:queue", "verifikator"),
    ("verifikasi:lapangan_list", "lapangan"),
    ("verifikasi:approval_list", "kadis"),
    ("distribusi:list", "distribusi"),
    ("pengaduan:list", "operator_a"),
]


@pytest.mark.parametrize(("name", "persona"), LISTS, ids=[n for n, _ in LISTS])
def test_a_list_search_by_nik_leaves_no_nik_in_any_url(
    name, persona, request, login, operator_a
):
    usulan = make_usulan(operator_a)
    nik = usulan.anggota_set.first().nik
    client = login(request.getfixturevalue(persona))
    url = reverse(name)

    sent = client.post(url, {"q": nik, "status": "", "page": "3"})

    assert sent.status_code == 302
    assert nik not in sent["Location"]
    assert sent["Location"].startswith(f"{url}?") and "cari=" in sent["Location"]
    page = client.get(sent["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{nik}"' in html  # the box shows what was typed, in the body
    assert not [link for link in hrefs(html) if SIXTEEN_DIGITS.search(link)]


def test_the_search_token_finds_the_same_rows_and_survives_paging(login, operator_a):
    wanted = make_usulan(operator_a)
    other = make_usulan(operator_a)
    client = login(operator_a)

    sent = client.post("/usulan/", {"q": wanted.anggota_set.first().nik})
    html = client.get(sent["Location"]).content.decode()
    again = client.get(sent["Location"] + "&page=1").content.decode()

    for page in (html, again):
        assert wanted.nomor in page and other.nomor not in page


def test_an_old_link_with_the_nik_in_it_is_moved_to_a_token(login, operator_a):
    usulan = make_usulan(operator_a)
    nik = usulan.anggota_set.first().nik

    old = login(operator_a).get(f"/usulan/?q={nik}&status=draft")

    assert old.status_code == 302
    assert nik not in old["Location"] and "status=draft" in old["Location"]


def test_another_sessions_token_finds_nothing(login, client, operator_a):
    usulan = make_usulan(operator_a)
    nik = usulan.anggota_set.first().nik
    token_url = login(operator_a).post("/usulan/", {"q": nik})["Location"]
    client.logout()

    stranger = login(operator_a)  # a fresh session of the same account
    stranger.cookies.clear()
    stranger.force_login(operator_a)
    html = stranger.get(token_url).content.decode()

    assert f'value="{nik}"' not in html


def test_the_batch_search_keeps_the_nik_out_of_the_url(login, rekap, operator_a):
    call_command("load_profile", "sop-pbi", verbosity=0)
    household = ready_household(operator_a, size=1, minutes=1)
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    nik = household.anggota_set.first().nik

    sent = client.post("/rekap/2026-11/", {"q": nik, "diambil": ""})

    assert sent.status_code == 302 and nik not in sent["Location"]
    html = client.get(sent["Location"]).content.decode()
    assert household.nomor in html
    assert not [link for link in hrefs(html) if SIXTEEN_DIGITS.search(link)]


def test_the_card_export_uses_the_search_behind_the_token(login, distribusi):
    client = login(distribusi)
    sent = client.post("/distribusi/", {"q": "I MADE UJI"})
    token = sent["Location"].split("cari=")[1]

    job = client.post(reverse("distribusi:export"), {"cari": token}, follow=True)

    assert job.status_code == 200
    from_job = job.context["job"].params["filters"]
    assert from_job == {"q": "I MADE UJI"}


@pytest.mark.usefixtures("clock_still")  # today's list, one day
def test_the_guest_book_links_a_complaint_by_visit_not_by_phone(login, loket):
    tamu = buku_tamu_record(
        nama="Ni Luh Tamu",
        telepon="081234567891",
        keperluan=BukuTamu.Keperluan.PENGADUAN,
        by=loket,
    )
    client = login(loket)
    html = client.get(reverse("pengaduan:buku_tamu")).content.decode()
    assert "081234567891" not in "".join(hrefs(html))
    link = f"{reverse('pengaduan:create')}?tamu={tamu.pk}"
    assert link in html

    form = client.get(link).content.decode()

    assert 'value="081234567891"' in form and 'value="Ni Luh Tamu"' in form


def test_access_logs_carry_method_and_path_but_no_query_string():
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    site = (ROOT / "deploy" / "nginx" / "kis-portal.conf").read_text()
    nginx = site[site.index("log_format") : site.index(";", site.index("log_format"))]
    log_format = re.search(r"access_log_format = \(\s*'([^']*)'", gunicorn).group(1)
    assert "%(U)s" in log_format
    assert not {"%(r)s", "%(q)s", "%(u)s"} & set(re.findall(r"%\(\w\)s", log_format))
    assert '"$request"' not in nginx and "$request_uri" not in nginx
    assert "$args" not in nginx and "$query_string" not in nginx
