"""kadis opens the dashboard, filters it, and downloads the monthly report."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from laporan.forms import default_range, month_start
from usulan.models import Usulan

pytestmark = pytest.mark.browser


def test_kadis_opens_the_dashboard_and_downloads_the_monthly_report(
    demo, sign_in, live_server, tmp_path
):
    page = sign_in("kadis")
    page.goto(f"{live_server.url}/laporan/")
    expect(page.get_by_role("heading", name="Dasbor JKN-KIS")).to_be_visible()
    first, _last = default_range()
    shown = Usulan.objects.filter(
        created_at__gte=timezone.make_aware(
            datetime.datetime.combine(month_start(first), datetime.time.min)
        )
    ).count()
    assert shown > 0
    expect(page.locator("#kpi-usulan")).to_have_text(str(shown))
    # Charts are inline SVG: no image and no script from elsewhere.
    assert page.locator("svg.lap-chart").count() >= 4
    assert page.locator("script[src^='http']").count() == 0
    page.screenshot(path=str(tmp_path / "dasbor.png"), full_page=True)

    page.get_by_text("Saring periode dan wilayah").click()
    month = timezone.localdate().strftime("%Y-%m")
    page.get_by_label("Dari bulan").fill(month)
    page.get_by_label("Sampai bulan").fill(month)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("main p").first).to_contain_text("Seluruh kabupaten")

    page.get_by_role("link", name="Unduh laporan").click()
    expect(page.get_by_role("heading", name="Unduh laporan")).to_be_visible()
    page.get_by_role("button", name="Buat laporan XLSX").click()
    expect(page.locator("#job-status")).to_have_text("Selesai")
    name = f"laporan-bulanan-{month.replace('-', '')}.xlsx"
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Unduh {name}").click()
    assert info.value.suggested_filename == name
    workbook = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert "Per desa" in workbook.sheetnames
    desa_rows = list(workbook["Per desa"].iter_rows(min_row=2, values_only=True))
    assert desa_rows[-1][0] == "JUMLAH"
    assert len(desa_rows) > 1
