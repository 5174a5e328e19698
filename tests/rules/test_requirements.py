"""Which documents an usulan needs (usulan/document_rules.py), at their edges.

A requirement that holds where it should not sends an operator hunting for a
letter nobody issues; one that does not hold where it should lets a file reach
BPJS without the paper the office asks for. No database: requirements, profiles,
usulan, members and uploaded files are unsaved objects; the shipped profiles'
requirements come straight from their JSON files."""

import json

import pytest

from kis_portal.offices.choices import Kondisi, Level
from kis_portal.offices.models import DocumentRequirement, OfficeProfile
from kis_portal.offices.services import PROFILES_DIR
from usulan.document_rules import (
    RequiredDoc,
    applies,
    documents_needed,
    holds,
)
from usulan.models import Anggota, Dokumen, Usulan

IN_DTKS = "5108060000000001"
NOT_IN_DTKS = "5108060000000002"


def req(kode, level=Level.KELUARGA, kondisi=Kondisi.ALWAYS, berlaku="all"):
    return DocumentRequirement(
        kode=kode,
        nama=f"Nama {kode}",
        level=level,
        kondisi=kondisi,
        berlaku_untuk=berlaku,
    )


def anggota(pk, kategori="miskin", nik=IN_DTKS, nama=None):
    return Anggota(pk=pk, nik=nik, nama=nama or f"ANGGOTA {pk}", kategori=kategori)


def usulan(**fields):
    values = {"jenis": "MIG34", "pengajuan_id": 1, "berkas_diterima": []}
    return Usulan(**{**values, **fields})


def dokumen(kode, level=Level.KELUARGA, anggota_id=None, name=None):
    return Dokumen(
        requirement_kode=kode,
        level=level,
        anggota_id=anggota_id,
        original_name=name or f"{kode}-{anggota_id}.pdf",
    )


def profile(reasons=None):
    office = OfficeProfile(slug="uji")
    if reasons is not None:
        office.reaktivasi_alasan_surat_faskes = reasons
    return office


def needed(u, requirements, members=(), not_in_dtks=(), documents=(), office=None):
    docs = documents_needed(
        u,
        profile=office or profile(),
        requirements=iter(requirements),  # read more than once: any iterable will do
        members=list(members),
        not_in_dtks=set(not_in_dtks),
        documents=iter(documents),
    )
    return [
        (d.key, d.dokumen.original_name if d.dokumen else None, d.received_on_paper)
        for d in docs
    ]


# --- RequiredDoc ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("has_file", "on_paper", "missing"),
    [
        (False, False, True),  # neither uploaded nor received: missing
        (True, False, False),  # uploaded
        (False, True, False),  # received on paper at the counter
        (True, True, False),
    ],
)
def test_a_document_is_missing_until_uploaded_or_received_on_paper(
    has_file, on_paper, missing
):
    doc = RequiredDoc(
        req("kk"),
        dokumen=dokumen("kk") if has_file else None,
        received_on_paper=on_paper,
    )
    assert doc.missing is missing


def test_a_document_defaults_to_no_member_no_file_and_not_on_paper():
    doc = RequiredDoc(req("kk"))
    assert (doc.anggota, doc.dokumen, doc.received_on_paper) == (None, None, False)
    assert doc.missing is True


def test_a_household_document_is_labelled_and_keyed_by_its_requirement():
    doc = RequiredDoc(req("kk", level=Level.KELUARGA))
    assert doc.level == "keluarga"
    assert doc.label == "Nama kk"
    assert doc.key == "kk"


def test_a_members_document_names_the_member_and_keys_by_its_pk():
    doc = RequiredDoc(
        req("ktp", level=Level.ANGGOTA), anggota=anggota(7, nama="NI LUH")
    )
    assert doc.level == "anggota"
    assert doc.label == "Nama ktp (NI LUH)"
    assert doc.key == "ktp-7"


# --- applies: level and kind of usulan ----------------------------------------


@pytest.mark.parametrize(
    ("level", "berlaku", "jenis", "applies_"),
    [
        ("keluarga", "all", "MIG34", True),  # for every kind
        ("keluarga", "all", "MIG37", True),
        ("keluarga", "MIG37", "MIG37", True),  # for its own kind
        ("keluarga", "MIG37", "MIG34", False),  # not for the other
        ("keluarga", "MIG34", "MIG37", False),
        ("anggota", "all", "MIG34", False),  # another level
        ("pengajuan", "all", "MIG34", False),
    ],
)
def test_a_requirement_applies_to_its_level_and_kind(level, berlaku, jenis, applies_):
    requirement = req("x", level=level, berlaku=berlaku)
    assert applies(requirement, jenis=jenis, level="keluarga") is applies_


# --- holds: each condition ----------------------------------------------------


def check(kondisi, u=None, members=(), not_in_dtks=(), office=None):
    return holds(
        kondisi,
        usulan=u or usulan(),
        members=list(members),
        not_in_dtks=set(not_in_dtks),
        profile=office or profile(),
    )


def test_always_holds_even_with_no_member():
    assert check(Kondisi.ALWAYS) is True


REAKTIVASI = {"jenis": "MIG37", "reaktivasi_alasan": "kronis"}


@pytest.mark.parametrize(
    ("fields", "reasons", "expected"),
    [
        (REAKTIVASI, None, True),  # a medical reason of the default list
        ({**REAKTIVASI, "reaktivasi_alasan": "katastropik"}, None, True),
        ({**REAKTIVASI, "reaktivasi_alasan": "darurat"}, None, True),
        ({**REAKTIVASI, "reaktivasi_alasan": "bayi"}, None, False),  # not medical
        ({**REAKTIVASI, "reaktivasi_alasan": "lainnya"}, None, False),
        ({**REAKTIVASI, "reaktivasi_alasan": "bayi"}, ["bayi"], True),  # office's list
        (REAKTIVASI, ["bayi"], False),  # kronis left off the office's list
        (REAKTIVASI, [], False),
        ({"jenis": "MIG37", "reaktivasi_alasan": ""}, None, False),  # no reactivation
        # a MIG34 is never a reactivation, whatever reason it carries
        ({"jenis": "MIG34", "reaktivasi_alasan": "kronis"}, None, False),
    ],
)
def test_the_faskes_letter_holds_for_a_reactivation_for_a_listed_reason(
    fields, reasons, expected
):
    assert (
        check(Kondisi.REAKTIVASI_FASKES, usulan(**fields), office=profile(reasons))
        is expected
    )


@pytest.mark.parametrize(
    ("jenis", "segmen", "expected"),
    [
        ("MIG37", "mandiri", True),  # a move from BPJS Mandiri
        ("MIG37", "ppu", False),
        ("MIG37", "", False),
        ("MIG34", "mandiri", False),  # only a MIG37 moves
    ],
)
def test_the_mandiri_receipt_holds_for_a_move_from_mandiri(jenis, segmen, expected):
    u = usulan(jenis=jenis, segmen_asal=segmen)
    assert check(Kondisi.TRANSFER_MANDIRI, u, members=[anggota(1)]) is expected


@pytest.mark.parametrize(
    ("niks", "expected"),
    [
        ([IN_DTKS], False),
        ([NOT_IN_DTKS], True),
        ([IN_DTKS, NOT_IN_DTKS], True),  # one member outside DTKS is enough
        ([NOT_IN_DTKS, IN_DTKS], True),
        ([], False),
    ],
)
def test_the_not_dtks_letter_holds_when_a_member_is_outside_dtks(niks, expected):
    members = [anggota(i, nik=nik) for i, nik in enumerate(niks, start=1)]
    assert (
        check(Kondisi.NOT_DTKS, members=members, not_in_dtks={NOT_IN_DTKS}) is expected
    )


@pytest.mark.parametrize(
    ("kondisi", "kategoris", "expected"),
    [
        (Kondisi.PREGNANT, ["hamil"], True),
        (Kondisi.PREGNANT, ["miskin", "hamil"], True),  # one member is enough
        (Kondisi.PREGNANT, ["kronis", "disabilitas"], False),
        (Kondisi.CHRONIC, ["kronis"], True),
        (Kondisi.CHRONIC, ["hamil", "odgj"], False),
        (Kondisi.DISABILITY, ["disabilitas"], True),
        (Kondisi.DISABILITY, ["kronis", "miskin"], False),
        (Kondisi.CHRONIC, [], False),
    ],
)
def test_a_kategori_condition_holds_when_a_member_has_that_kategori(
    kondisi, kategoris, expected
):
    members = [anggota(i, kategori=k) for i, k in enumerate(kategoris, start=1)]
    # a reactivation for a medical reason and a move from Mandiri change nothing here
    u = usulan(jenis="MIG37", reaktivasi_alasan="kronis", segmen_asal="mandiri")
    assert check(kondisi, u, members=members, not_in_dtks={IN_DTKS}) is expected


# --- documents_needed: levels, files and paper ------------------------------

COVER = req("surat-desa", level=Level.PENGAJUAN)
KK = req("kk", level=Level.KELUARGA)
KTP = req("ktp", level=Level.ANGGOTA)
HAMIL = req("ket-hamil", level=Level.ANGGOTA, kondisi=Kondisi.PREGNANT)
SKTM = req("sktm", level=Level.KELUARGA, kondisi=Kondisi.NOT_DTKS)
MIG37_ONLY = req("bukti", level=Level.KELUARGA, berlaku="MIG37")


def test_levels_come_in_order_pengajuan_keluarga_anggota_each_in_the_profiles_order():
    members = [anggota(1), anggota(2)]
    rows = needed(usulan(), [KTP, KK, COVER, SKTM, MIG37_ONLY], members)
    assert rows == [
        ("surat-desa", None, False),
        ("kk", None, False),
        ("ktp-1", None, False),
        ("ktp-2", None, False),
    ]


def test_a_counter_registration_without_a_pengajuan_skips_the_pengajuan_level():
    rows = needed(usulan(pengajuan_id=None), [COVER, KK, KTP], [anggota(1)])
    assert rows == [("kk", None, False), ("ktp-1", None, False)]


def test_a_household_level_condition_looks_at_every_member():
    members = [anggota(1, nik=IN_DTKS), anggota(2, nik=NOT_IN_DTKS)]
    rows = needed(usulan(), [SKTM], members, not_in_dtks={NOT_IN_DTKS})
    assert rows == [("sktm", None, False)]
    assert needed(usulan(), [SKTM], members[:1], not_in_dtks={NOT_IN_DTKS}) == []


def test_a_member_level_condition_is_asked_of_each_member_alone():
    members = [anggota(1), anggota(2, kategori="hamil"), anggota(3)]
    rows = needed(usulan(), [HAMIL], members)
    assert rows == [("ket-hamil-2", None, False)]


@pytest.mark.parametrize(
    ("kondisi", "fields", "keys"),
    [
        # a member outside DTKS brings his own letter
        (Kondisi.NOT_DTKS, {}, ["x-2"]),
        # the usulan's own conditions, asked per member, hold for each of them
        (
            Kondisi.TRANSFER_MANDIRI,
            {"jenis": "MIG37", "segmen_asal": "mandiri"},
            ["x-1", "x-2"],
        ),
        (Kondisi.TRANSFER_MANDIRI, {"jenis": "MIG37", "segmen_asal": "ppu"}, []),
        # "bayi" needs the letter only because this office lists it
        (
            Kondisi.REAKTIVASI_FASKES,
            {"jenis": "MIG37", "reaktivasi_alasan": "bayi"},
            ["x-1", "x-2"],
        ),
        (
            Kondisi.REAKTIVASI_FASKES,
            {"jenis": "MIG37", "reaktivasi_alasan": "kronis"},
            [],
        ),
    ],
)
def test_every_condition_may_be_asked_per_member(kondisi, fields, keys):
    members = [anggota(1, nik=IN_DTKS), anggota(2, nik=NOT_IN_DTKS)]
    requirement = req("x", level=Level.ANGGOTA, kondisi=kondisi)
    rows = needed(
        usulan(**fields),
        [requirement],
        members,
        not_in_dtks={NOT_IN_DTKS},
        office=profile(["bayi"]),
    )
    assert [key for key, _, _ in rows] == keys


def test_a_member_level_requirement_with_no_member_asks_nothing():
    assert needed(usulan(), [KTP]) == []


def test_an_uploaded_file_is_matched_by_level_member_and_requirement():
    members = [anggota(1), anggota(2)]
    files = [
        dokumen("surat-desa", level=Level.PENGAJUAN, name="desa.pdf"),
        dokumen("kk", level=Level.KELUARGA, name="kk.pdf"),
        dokumen("ktp", level=Level.ANGGOTA, anggota_id=2, name="ktp2.pdf"),
        # none of these is the member 1's KTP or the household's SKTM
        dokumen("ktp", level=Level.KELUARGA, name="ktp-as-household.pdf"),
        dokumen("ktp", level=Level.ANGGOTA, anggota_id=3, name="ktp3.pdf"),
        dokumen("sktm", level=Level.ANGGOTA, anggota_id=1, name="sktm1.pdf"),
        dokumen("kk", level=Level.ANGGOTA, anggota_id=1, name="kk1.pdf"),
    ]
    sktm_always = req("sktm", level=Level.KELUARGA)
    rows = needed(usulan(), [COVER, KK, sktm_always, KTP], members, documents=files)
    assert rows == [
        ("surat-desa", "desa.pdf", False),
        ("kk", "kk.pdf", False),
        ("sktm", None, False),
        ("ktp-1", None, False),
        ("ktp-2", "ktp2.pdf", False),
    ]


def test_paper_received_at_the_counter_counts_for_every_level():
    members = [anggota(1), anggota(2)]
    u = usulan(berkas_diterima=["surat-desa", "ktp"])
    rows = needed(u, [COVER, KK, KTP], members)
    assert rows == [
        ("surat-desa", None, True),
        ("kk", None, False),
        ("ktp-1", None, True),
        ("ktp-2", None, True),
    ]


def test_no_paper_received_may_be_recorded_as_none():
    rows = needed(usulan(berkas_diterima=None), [KK], [anggota(1)])
    assert rows == [("kk", None, False)]


def test_the_documents_carry_their_requirement_and_member():
    member = anggota(4, kategori="hamil")
    docs = documents_needed(
        usulan(),
        profile=profile(),
        requirements=[KK, HAMIL],
        members=[member],
        not_in_dtks=set(),
        documents=[],
    )
    assert [(d.requirement, d.anggota) for d in docs] == [(KK, None), (HAMIL, member)]


# --- the shipped office profiles, from their JSON ------------------------------


def shipped(slug):
    data = json.loads((PROFILES_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    return [DocumentRequirement(**item) for item in data["requirements"]]


HOUSEHOLD = [
    anggota(1, nik=IN_DTKS, kategori="miskin"),
    anggota(2, nik=NOT_IN_DTKS, kategori="kronis"),
    anggota(3, nik=IN_DTKS, kategori="hamil"),
]


@pytest.mark.parametrize(
    ("slug", "fields", "members", "keys"),
    [
        # Buleleng: the desa's cover letter and SPTJM, KK and SKTM, a medical
        # history for the chronically ill, the faskes letter for a MIG37 reactivation
        (
            "buleleng",
            {},
            HOUSEHOLD,
            ["surat-pengantar", "sptjm", "kk", "sktm", "riwayat-sakit-2"],
        ),
        ("buleleng", {"pengajuan_id": None}, HOUSEHOLD[:1], ["kk", "sktm"]),
        (
            "buleleng",
            {"jenis": "MIG37", "reaktivasi_alasan": "darurat"},
            HOUSEHOLD[:1],
            ["surat-pengantar", "sptjm", "kk", "sktm", "surat-faskes-reaktivasi"],
        ),
        (
            "buleleng",
            {"jenis": "MIG37", "reaktivasi_alasan": "bayi"},
            HOUSEHOLD[:1],
            ["surat-pengantar", "sptjm", "kk", "sktm"],
        ),
        # SOP PBI: no desa letter; a KTP per member, then the pregnancy and illness
        # letters, each requirement in turn for every member
        (
            "sop-pbi",
            {},
            HOUSEHOLD,
            ["sktm", "kk", "ktp-1", "ktp-2", "ktp-3", "ket-hamil-3", "ket-sakit-2"],
        ),
        (
            "sop-pbi",
            {"jenis": "MIG37", "reaktivasi_alasan": "kronis", "pengajuan_id": None},
            HOUSEHOLD[:1],
            ["sktm", "kk", "surat-faskes-reaktivasi", "ktp-1"],
        ),
        # Makassar: an SKTM only when someone is outside DTKS, the Mandiri receipt
        ("makassar", {}, HOUSEHOLD[:1], ["kk"]),
        ("makassar", {}, HOUSEHOLD, ["kk", "sktm"]),
        (
            "makassar",
            {"jenis": "MIG37", "segmen_asal": "mandiri"},
            HOUSEHOLD[:1],
            ["kk", "bukti-iuran"],
        ),
    ],
)
def test_a_shipped_profile_asks_for_its_documents(slug, fields, members, keys):
    rows = needed(usulan(**fields), shipped(slug), members, not_in_dtks={NOT_IN_DTKS})
    assert [key for key, _, _ in rows] == keys
