"""Steps a person takes in the browser, shared by the journeys."""

import datetime
import io

from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect


def next_periode() -> str:
    # The month after this one: every demo household ready now is before its cut-off.
    first = timezone.localdate().replace(day=1) + datetime.timedelta(days=32)
    return first.strftime("%Y-%m")


def fill_member(
    page, index: int, *, nik: str, nama: str, sex: str, shdk: str, kawin: str
):
    prefix = f"anggota_set-{index}-"
    page.locator(f"[name='{prefix}nik']").fill(nik)
    page.locator(f"[name='{prefix}nik']").dispatch_event("change")
    page.locator(f"[name='{prefix}nama']").fill(nama)
    page.locator(f"[name='{prefix}tempat_lahir']").fill("SINGARAJA")
    page.locator(f"[name='{prefix}shdk']").select_option(shdk)
    page.locator(f"[name='{prefix}status_kawin']").select_option(kawin)
    page.locator(f"[name='{prefix}kategori']").select_option("miskin")
    page.locator(f"[name='{prefix}kode_faskes']").fill("09020107")
    # The script filled birth date and sex from the NIK.
    expect(page.locator(f"[name='{prefix}jenis_kelamin']")).to_have_value(sex)


def tick_all(page, *, except_stamp: str = "") -> None:
    boxes = page.locator(
        "input[type=checkbox][name^='ada-'], input[type=checkbox][name^='valid-']"
    )
    # .all() does not wait: the checklist must have loaded before its boxes are read.
    expect(boxes.first).to_be_visible()
    for box in boxes.all():
        box.check()
    for box in page.locator("input[type=checkbox][name^='meterai-']").all():
        if box.get_attribute("name") != f"meterai-{except_stamp}":
            box.check()


def phone_size(page) -> None:
    """The phone the issue was tried on: 360 x 740 CSS pixels."""
    page.set_viewport_size({"width": 360, "height": 740})


def bpjs_result(path, batch) -> None:
    """BPJS enrols everyone in the batch: its result file written to `path`."""
    wb = Workbook()
    ws = wb.active
    ws.append(["UMPAN BALIK BPJS KESEHATAN"])
    ws.append(["NIK", "NO KARTU", "STATUS", "KETERANGAN", "TMT"])
    for item in batch.items.filter(diambil=True):
        ws.append([item.nik, f"0005{item.nik[-9:]}", "BERHASIL", "", "01-01-2027"])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
