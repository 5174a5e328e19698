"""Issue 20, point 15's smaller things, as each person meets them on a 360 x 740 phone."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from kis_portal.jobs.models import Job
from kis_portal.offices.models import OfficeProfile
from rekap_bpjs.services import batch_build
from tests.browser.steps import fill_member, next_periode, phone_size
from usulan.models import Pengajuan, Usulan

pytestmark = pytest.mark.browser


def test_a_new_draft_does_not_join_last_months_pengajuan(demo, sign_in, live_server):
    """A November cover letter must not cover a December household."""
    page = sign_in("desa1")
    phone_size(page)
    desa_id = get_user_model().objects.get(username="desa1").profile.desa_id
    last_month = timezone.now() - datetime.timedelta(days=40)
    Pengajuan.objects.filter(desa_id=desa_id).update(created_at=last_month)
    old = set(Pengajuan.objects.filter(desa_id=desa_id).values_list("pk", flat=True))
    assert Usulan.objects.filter(
        pengajuan__in=old, status=Usulan.Status.DRAFT
    ).exists(), "the demo leaves desa1 a draft in its pengajuan"

    page.goto(f"{live_server.url}/usulan/baru/")
    page.get_by_label("Nomor KK").fill("5108060403199001")
    page.get_by_label("Alamat").fill("BANJAR DINAS KAJA")
    page.locator("[name=rt]").fill("2")
    fill_member(
        page, 0, nik="5108061205809001", nama="I Made Uji", sex="L", shdk="1", kawin="2"
    )
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_text("tersimpan. Lengkapi dokumen lalu ajukan.")).to_be_visible()

    new = Usulan.objects.get(no_kk="5108060403199001")
    assert new.pengajuan_id not in old
    page.locator("dd a[href^='/usulan/pengajuan/']").click()
    expect(page.get_by_text(new.nomor)).to_be_visible()
    expect(page.locator("main table tbody tr")).to_have_count(1)  # only the new one
    assert Pengajuan.objects.get(pk=new.pengajuan_id).keterangan == (
        f"Pengajuan bulan {timezone.localdate():%m/%Y}"
    )


def test_the_job_page_of_an_export_leads_back_to_its_batch(demo, sign_in, live_server):
    rekap = get_user_model().objects.get(username="rekap")
    periode = next_periode()
    batch_build(periode=periode, by=rekap)
    job = Job.objects.create(
        kind="batch_export",
        label="Ekspor rekap BPJS (XLSX dan surat pengantar)",
        params={"periode": periode},
        created_by=rekap,
        status=Job.Status.SUCCEEDED,
    )
    page = sign_in("rekap")
    phone_size(page)
    page.goto(f"{live_server.url}/tugas/{job.pk}/")
    back = page.get_by_role("link", name=f"Kembali ke rekap {periode}")
    expect(back).to_be_in_viewport()
    back.click()
    expect(
        page.get_by_role("heading", name=f"Rekap BPJS {periode}", level=1)
    ).to_be_visible()


def test_every_count_on_the_dashboard_says_people_or_households(
    demo, sign_in, live_server
):
    page = sign_in("kadis")
    phone_size(page)
    page.goto(f"{live_server.url}/laporan/")
    expect(page.get_by_text("Kartu belum sampai ke warga (jiwa)")).to_be_visible()
    headings = page.locator("main h2").all_inner_texts()
    assert len(headings) >= 8
    for text in headings:
        assert any(unit in text for unit in ("KK", "jiwa", "laporan")), text
    for table, unit in (
        ("#tabel-wilayah", "Jumlah KK"),
        ("#tabel-kategori", "Diusulkan (jiwa)"),
        ("#tabel-bulan", "Jiwa"),
    ):
        expect(
            page.locator(table).get_by_role("columnheader", name=unit)
        ).to_have_count(1)


def _menu_links(page) -> list[str]:
    page.get_by_role("button", name="Buka menu").click()
    return page.locator("#nav-main a").all_inner_texts()


def test_the_sk_menu_shows_only_for_an_office_that_issues_sk(
    demo, sign_in, live_server
):
    OfficeProfile.objects.filter(is_active=True).update(sk_penetapan=False)
    page = sign_in("kadis")
    phone_size(page)
    page.goto(f"{live_server.url}/")
    links = [text.strip() for text in _menu_links(page)]
    assert "Persetujuan" in links and "SK penetapan" not in links

    OfficeProfile.objects.filter(is_active=True).update(sk_penetapan=True)
    page.reload()
    assert "SK penetapan" in [text.strip() for text in _menu_links(page)]
