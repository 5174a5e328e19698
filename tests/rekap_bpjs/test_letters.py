"""The letters that leave the office: signed by whoever signs them, numbered,
paged, and never with the signature alone on the last page."""

import pytest
from django.core.management import call_command
from django.db import transaction

from kis_portal.offices.models import NomorSurat, Penandatangan
from kis_portal.offices.selectors import get_active_profile
from rekap_bpjs import exports
from rekap_bpjs.exports import BatchCounts, DesaCount, cover_letter_pdf
from rekap_bpjs.models import Batch
from rekap_bpjs.payment import recommendation_pdf
from rekap_bpjs.services import batch_build, batch_lock
from tests.clock import frozen, wita
from tests.pdf_pages import assert_paged, assert_signature_with_rows, pages
from tests.rekap_bpjs.factories import ready_household

pytestmark = pytest.mark.django_db

KEPALA = "Drs. I GEDE CONTOH, M.Si."
KEPALA_NIP = "196805121990031004"
DELEGATE = "NI KADEK WAKIL, S.Sos."
DELEGATE_JABATAN = "Kepala Bidang Perlindungan dan Jaminan Sosial"
CLERK = "PETUGAS REKAP UJI"


@pytest.fixture
def clerk(rekap):
    rekap.first_name = CLERK
    rekap.save(update_fields=["first_name"])
    return rekap


def with_head(slug: str):
    call_command("load_profile", slug, verbosity=0)
    profile = get_active_profile()
    profile.kepala_nama, profile.kepala_nip = KEPALA, KEPALA_NIP
    profile.kepala_pangkat = "Pembina Utama Muda (IV/c)"
    profile.save()
    return profile


def delegate(profile, dokumen: str) -> None:
    Penandatangan.objects.create(
        profile=profile,
        dokumen=dokumen,
        nama=DELEGATE,
        nip="197501012000032001",
        pangkat="Penata Tk. I (III/d)",
        jabatan=DELEGATE_JABATAN,
    )


def lock(periode: str, by) -> Batch:
    batch_build(periode=periode, by=by)
    return batch_lock(periode=periode, by=by)


def test_cover_letter_numbers_come_from_a_gap_free_series(operator_a, clerk):
    with_head("buleleng")
    ready_household(operator_a, minutes=1)
    with frozen(wita(2026, 11, 21)):
        # A lock rolled back gives its number back.
        with pytest.raises(RuntimeError), transaction.atomic():
            lock("2026-11", clerk)
            raise RuntimeError
        first = lock("2026-11", clerk)
    ready_household(operator_a, minutes=2)
    with frozen(wita(2026, 12, 21)):
        second = lock("2026-12", clerk)
    assert (first.nomor_surat, second.nomor_surat) == (
        "001/REKAP-BPJS/2026",
        "002/REKAP-BPJS/2026",
    )
    # Printing again keeps the number; nothing else was drawn from the series.
    profile = get_active_profile()
    for _ in range(2):
        texts = pages(cover_letter_pdf(second, profile))
        assert_paged(texts, nomor="002/REKAP-BPJS/2026")
    assert NomorSurat.objects.get(tahun=2026).terakhir == 2


def test_cover_letter_is_signed_a_n_the_head_by_the_delegate(operator_a, clerk):
    profile = with_head("buleleng")
    delegate(profile, "surat_pengantar")
    ready_household(operator_a)
    text = " ".join(pages(cover_letter_pdf(lock("2026-11", clerk), profile)))
    assert "a.n. Kepala Dinas Sosial Kabupaten Buleleng," in text
    assert f"{DELEGATE_JABATAN}," in text and DELEGATE in text
    assert "NIP. 197501012000032001" in text and "Penata Tk. I (III/d)" in text
    assert CLERK not in text


def test_without_a_head_of_office_the_letter_has_a_blank_line_not_the_clerk(
    operator_a, clerk
):
    call_command("load_profile", "sop-pbi", verbosity=0)
    ready_household(operator_a)
    text = " ".join(
        pages(cover_letter_pdf(lock("2026-11", clerk), get_active_profile()))
    )
    assert CLERK not in text and "a.n." not in text
    assert "(..............................................)" in text
    assert "NIP. .............................." in text


def test_a_long_cover_letter_keeps_its_signature_with_the_last_rows(
    operator_a, clerk, monkeypatch
):
    profile = with_head("buleleng")
    ready_household(operator_a)
    batch = lock("2026-11", clerk)
    # Lists of 20 to 40 desa: one of them ends where the signature would
    # otherwise start a page of its own.
    for size in range(20, 41, 2):
        desa = [
            DesaCount(
                kode=f"51.08.01.{2000 + n}",
                nama=f"Desa {n:02d}",
                kecamatan="Gerokgak",
                per_kategori={"Miskin": 3},
            )
            for n in range(1, size + 1)
        ]
        counts = BatchCounts(
            kategori=["Miskin"],
            per_kategori={"Miskin": 3 * size},
            per_layout={"MIG34": 3 * size},
            desa=desa,
        )
        monkeypatch.setattr(
            exports, "batch_counts", lambda *a, counts=counts, **k: counts
        )
        texts = pages(cover_letter_pdf(batch, profile))
        assert_paged(texts, nomor=batch.nomor_surat)
        assert_signature_with_rows(texts, signer=KEPALA, row="Gerokgak")


def test_payment_recommendation_is_signed_by_the_head_never_the_clerk(clerk):
    call_command("load_profile", "sop-pbi", verbosity=0)
    text = " ".join(pages(recommendation_pdf("2026-11")))
    assert CLERK not in text
    assert "Kepala Dinas Sosial" in text
    assert "(..............................................)" in text

    profile = with_head("sop-pbi")
    text = " ".join(pages(recommendation_pdf("2026-11")))
    assert KEPALA in text and f"NIP. {KEPALA_NIP}" in text and CLERK not in text

    delegate(profile, "rekomendasi")
    texts = pages(recommendation_pdf("2026-11"))
    assert_paged(texts)
    text = " ".join(texts)
    assert "a.n. Kepala" in text and DELEGATE in text and KEPALA not in text
