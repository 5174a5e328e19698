"""Every app's access.py, asked directly: desa2's operator reaches no object of desa1.

test_access_matrix.py asks through the URLs; this asks each access module for
each object kind it scopes, with every such object of desa1: a getter answers
404 (Http404) to desa2's operator, a queryset holds none of them. The role that
works on those objects does reach them, so the inputs are real. A new getter or
queryset in an access module must get a row here; a views module may not reach a
model but through its app's access module.
"""

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.http import Http404

from distribusi.models import Kartu, SerahTerima
from kis_portal.accounts.services import user_create
from kis_portal.jobs.models import Job
from kis_portal.roles import Role
from notifikasi.models import Pesan, PesanKeluar
from pengaduan.models import Lampiran, Pengaduan
from rekap_bpjs.models import BatchFile, BatchItem, Nonaktif
from usulan.models import Anggota, Dokumen, Pengajuan, Usulan
from verifikasi.models import FotoLapangan

from .conftest import FIGURES

pytestmark = pytest.mark.django_db

# The apps with views, and so with an access module.
ACCESS_MODULES = (
    "usulan.access",
    "verifikasi.access",
    "rekap_bpjs.access",
    "distribusi.access",
    "pengaduan.access",
    "notifikasi.access",
    "laporan.access",
    "privasi.access",
    "dtks.access",
    "kis_portal.accounts.access",
    "kis_portal.jobs.access",
    "kis_portal.wilayah.access",
)


def pks(qs) -> list[int]:
    return list(qs.order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class Getter:
    owner: str  # the demo user who works on these objects and reaches them
    inputs: Callable  # (demo, desa1) -> [args after the user], every object of desa1


def _usulan(demo, desa) -> list[tuple]:
    return [(pk,) for pk in pks(Usulan.objects.filter(desa=desa))]


def _lapangan(demo, desa) -> list[tuple]:
    waiting = Usulan.objects.filter(desa=desa, status=Usulan.Status.CEK_LAPANGAN)
    checked = Usulan.objects.filter(desa=desa, cek_lapangan_set__isnull=False)
    return [(pk,) for pk in sorted(set(pks(waiting)) | set(pks(checked)))]


def _dokumen(demo, desa) -> list[tuple]:
    qs = (
        Dokumen.objects.filter(usulan__desa=desa)
        | Dokumen.objects.filter(anggota__usulan__desa=desa)
        | Dokumen.objects.filter(pengajuan__desa=desa)
    )
    return [(pk,) for pk in pks(qs)]


def _batch_items(demo, desa) -> list[tuple]:
    batch = demo.objects["batch"]
    items = BatchItem.objects.filter(batch=batch, anggota__usulan__desa=desa)
    return [(batch.periode, pk) for pk in pks(items)]


def _batch_files(demo, desa) -> list[tuple]:
    batch = demo.objects["batch"]
    return [(batch.periode, pk) for pk in pks(BatchFile.objects.filter(batch=batch))]


def _subjek(demo, desa) -> list[tuple]:
    members = Anggota.objects.filter(usulan__desa=desa).order_by("pk")
    return [(nik, pk) for pk, nik in members.values_list("pk", "nik")]


GETTERS: dict[str, Getter] = {
    "usulan.access.get_usulan_for_user": Getter("desa1", _usulan),
    "usulan.access.get_pengajuan_for_user": Getter(
        "desa1",
        lambda d, desa: [(pk,) for pk in pks(Pengajuan.objects.filter(desa=desa))],
    ),
    "usulan.access.get_dokumen_for_user": Getter("desa1", _dokumen),
    "usulan.access.get_anggota_for_user": Getter(
        "desa1",
        lambda d, desa: [
            (usulan_id, pk)
            for pk, usulan_id in Anggota.objects.filter(usulan__desa=desa)
            .order_by("pk")
            .values_list("pk", "usulan_id")
        ],
    ),
    # The demo faskes's urgent case, a Kalibukbuk (desa1) resident.
    "usulan.access.get_darurat_for_user": Getter(
        "faskes",
        lambda d, desa: [
            (pk,)
            for pk in pks(Usulan.objects.filter(desa=desa, sumber=Usulan.Sumber.FASKES))
        ],
    ),
    "verifikasi.access.get_usulan_for_user": Getter("verifikator", _usulan),
    "verifikasi.access.get_lapangan_usulan_for_user": Getter("lapangan", _lapangan),
    "verifikasi.access.get_foto_for_user": Getter(
        "verifikator",
        lambda d, desa: [
            (pk,) for pk in pks(FotoLapangan.objects.filter(cek__usulan__desa=desa))
        ],
    ),
    "verifikasi.access.get_sk_for_user": Getter(
        "kadis", lambda d, desa: [(d.objects["sk"].pk,)]
    ),
    "rekap_bpjs.access.get_batch_for_user": Getter(
        "rekap", lambda d, desa: [(d.objects["batch"].periode,)]
    ),
    "rekap_bpjs.access.get_batch_item_for_user": Getter("rekap", _batch_items),
    "rekap_bpjs.access.get_batch_file_for_user": Getter("rekap", _batch_files),
    "rekap_bpjs.access.get_nonaktif_for_user": Getter(
        "desa1",
        lambda d, desa: [(pk,) for pk in pks(Nonaktif.objects.filter(desa=desa))],
    ),
    "distribusi.access.get_kartu_for_user": Getter(
        "desa1", lambda d, desa: [(pk,) for pk in pks(Kartu.objects.filter(desa=desa))]
    ),
    "distribusi.access.get_serah_terima_for_user": Getter(
        "distribusi",
        lambda d, desa: [(pk,) for pk in pks(SerahTerima.objects.filter(desa=desa))],
    ),
    "pengaduan.access.get_pengaduan_for_user": Getter(
        "desa1",
        lambda d, desa: [(pk,) for pk in pks(Pengaduan.objects.filter(desa=desa))],
    ),
    "pengaduan.access.get_lampiran_for_user": Getter(
        "desa1",
        lambda d, desa: [
            (pk,) for pk in pks(Lampiran.objects.filter(pengaduan__desa=desa))
        ],
    ),
    "notifikasi.access.get_pesan_for_user": Getter(
        "desa1", lambda d, desa: [(pk,) for pk in pks(Pesan.objects.filter(desa=desa))]
    ),
    "notifikasi.access.get_pesan_keluar_for_user": Getter(
        "admin",
        lambda d, desa: [
            (pk,) for pk in pks(PesanKeluar.objects.filter(pesan__desa=desa))
        ],
    ),
    "privasi.access.get_subjek_anggota_for_user": Getter("admin", _subjek),
    "kis_portal.accounts.access.get_user_for_user": Getter(
        "admin", lambda d, desa: [(d.users["desa1"].pk,)]
    ),
    "kis_portal.jobs.access.get_job_for_user": Getter(
        "desa1",
        lambda d, desa: [
            (pk,) for pk in pks(Job.objects.filter(created_by=d.users["desa1"]))
        ],
    ),
    "kis_portal.wilayah.access.get_desa_for_user": Getter(
        "desa1", lambda d, desa: [(desa.kode,)]
    ),
    "kis_portal.wilayah.access.get_desa_for_user_by_pk": Getter(
        "desa1", lambda d, desa: [(desa.pk,)]
    ),
}

# Querysets taking only the user: the lookup of their desa's id, or None for
# objects of the whole regency (desa2's operator gets none at all).
QUERYSETS: dict[str, str | None] = {
    "usulan.access.usulan_for_user": "desa_id",
    "usulan.access.pengajuan_for_user": "desa_id",
    "usulan.access.darurat_for_user": "desa_id",
    "verifikasi.access.usulan_for_user": "desa_id",
    "verifikasi.access.lapangan_usulan_for_user": None,
    "verifikasi.access.persetujuan_usulan_for_user": None,
    "verifikasi.access.foto_for_user": None,
    "verifikasi.access.sk_for_user": None,
    "rekap_bpjs.access.batch_for_user": None,
    "rekap_bpjs.access.batch_item_for_user": None,
    "rekap_bpjs.access.batch_file_for_user": None,
    "rekap_bpjs.access.nonaktif_for_user": "desa_id",
    "distribusi.access.kartu_for_user": "desa_id",
    "distribusi.access.serah_terima_for_user": "desa_id",
    "distribusi.access.anggota_for_user": "usulan__desa_id",
    "pengaduan.access.pengaduan_for_user": "desa_id",
    "pengaduan.access.lampiran_for_user": "pengaduan__desa_id",
    "pengaduan.access.buku_tamu_for_user": None,
    "notifikasi.access.pesan_for_user": "desa_id",
    "notifikasi.access.pesan_keluar_for_user": None,
    "privasi.access.audit_event_for_user": None,
    "privasi.access.akses_data_for_user": None,
    "dtks.access.periode_for_user": None,
    "dtks.access.record_for_user": None,
    "kis_portal.accounts.access.users_for_user": None,
    "kis_portal.jobs.access.jobs_for_user": "created_by__profile__desa_id",
    "kis_portal.wilayah.access.desa_for_user": "pk",
}

# Scoping functions that take more than the user, and where they are tested.
OTHERS = {
    # Called with a complaint already reached through get_pengaduan_for_user;
    # the desa never sees internal notes: tests/pengaduan/test_lifecycle.py.
    "pengaduan.access.tanggapan_for_user",
    # The records of the NIK on the data-subject page: asked below with desa1's NIKs.
    "privasi.access.subjek_anggota_for_user",
}


def _function(dotted: str) -> Callable:
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def test_each_getter_answers_404_to_the_other_desa_and_serves_its_own(demo):
    """desa2's operator asks every getter for each of desa1's objects."""
    desa1 = demo.users["desa1"].profile.desa
    outsider = demo.users["desa2"]
    leaks, unreached = [], []
    asked = 0
    for dotted, getter in GETTERS.items():
        get = _function(dotted)
        inputs = getter.inputs(demo, desa1)
        assert inputs, f"desa1 has no object for {dotted}"
        owner = demo.users[getter.owner]
        for args in inputs:
            asked += 1
            try:
                found = get(outsider, *args)
            except Http404:
                pass
            else:
                leaks.append(f"{dotted}{args} -> {found!r}")
            try:
                get(owner, *args)
            except Http404:
                unreached.append(f"{dotted}{args} as {getter.owner}")
    FIGURES["Access modules"] = (
        f"{len(GETTERS)} getters asked {asked} times by desa2's operator "
        "for desa1's objects"
    )
    assert not leaks, "desa2's operator reached desa1's objects:\n" + "\n".join(leaks)
    assert not unreached, "The role working on them got 404:\n" + "\n".join(unreached)


def test_each_queryset_holds_none_of_the_other_desa(demo):
    desa1 = demo.users["desa1"].profile.desa
    outsider, own = demo.users["desa2"], demo.users["desa1"]
    leaks = []
    for dotted, path in QUERYSETS.items():
        qs = _function(dotted)(outsider)
        if path is None:
            if qs.exists():
                leaks.append(f"{dotted}: {qs.count()} objects of the whole regency")
            continue
        if found := qs.filter(**{path: desa1.pk}).count():
            leaks.append(f"{dotted}: {found} of desa1's")
        # The same queryset does hold desa1's own objects for desa1's operator.
        assert _function(dotted)(own).filter(**{path: desa1.pk}).exists(), dotted
    subjek = _function("privasi.access.subjek_anggota_for_user")
    for nik, _pk in _subjek(demo, desa1):
        if subjek(outsider, nik).exists():
            leaks.append(f"privasi.access.subjek_anggota_for_user: {nik[:6]}...")
    assert not leaks, "desa2's operator sees desa1's objects:\n" + "\n".join(leaks)


# What a faskes user may see of every desa: the names of the desa and kelurahan,
# to pick where its patient lives (the pages of a desa stay closed to it).
FASKES_SEES_EVERY = {
    "kis_portal.wilayah.access.desa_for_user",
    "kis_portal.wilayah.access.get_desa_for_user",
    "kis_portal.wilayah.access.get_desa_for_user_by_pk",
}


def test_another_faskes_reaches_nothing_of_desa1_through_any_access_module(demo):
    """A user of another faskes asks every getter for each of desa1's objects (the
    demo faskes's urgent case among them) and every queryset: nothing."""
    other = user_create(
        username="faskes.lain",
        role=Role.FASKES,
        kode_faskes="0902K002",
        nama_faskes="KLINIK LAIN",
    )
    desa1 = demo.users["desa1"].profile.desa
    leaks = []
    asked = 0
    for dotted, getter in GETTERS.items():
        if dotted in FASKES_SEES_EVERY:
            continue
        get = _function(dotted)
        for args in getter.inputs(demo, desa1):
            asked += 1
            try:
                found = get(other, *args)
            except Http404:
                continue
            leaks.append(f"{dotted}{args} -> {found!r}")
    for dotted in QUERYSETS:
        if dotted in FASKES_SEES_EVERY:
            continue
        if found := _function(dotted)(other).count():
            leaks.append(f"{dotted}: {found} objects")
    # The demo faskes itself sees its own case and nothing else of the regency.
    own = _function("usulan.access.usulan_for_user")(demo.users["faskes"])
    assert list(own.values_list("sumber", flat=True)) == [Usulan.Sumber.FASKES]
    FIGURES["Access modules (faskes)"] = (
        f"{len(GETTERS)} getters asked {asked} times by another faskes's user"
    )
    assert not leaks, "another faskes reached desa1's objects:\n" + "\n".join(leaks)


def test_every_scoping_function_of_every_access_module_is_asked_here():
    listed = set(GETTERS) | set(QUERYSETS) | OTHERS
    found = set()
    for module_name in ACCESS_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module_name and name.endswith(
                ("_for_user", "_for_user_by_pk")
            ):
                found.add(f"{module_name}.{name}")
    assert found - listed == set(), "add these to GETTERS or QUERYSETS"
    assert listed - found == set(), "these are gone from the access modules"


VIEW_REACHES_A_MODEL = re.compile(r"\.objects\b|get_object_or_404\(|get_list_or_404\(")
PACKAGES = (
    "kis_portal",
    "dtks",
    "usulan",
    "verifikasi",
    "rekap_bpjs",
    "distribusi",
    "pengaduan",
    "notifikasi",
    "laporan",
    "privasi",
    "demo",
)


def test_no_views_module_reaches_a_model_but_through_an_access_module():
    root = Path(settings.BASE_DIR)
    views = [
        path
        for package in PACKAGES
        for path in (root / package).rglob("*.py")
        if path.name.startswith("views") or path.parent.name == "views"
    ]
    assert len(views) >= 15
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in views
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if VIEW_REACHES_A_MODEL.search(line)
    ]
    assert not offenders, "use the app's access.py:\n" + "\n".join(offenders)
    # Every app with views has an access module; kis_portal's own views (the
    # health check and the error pages) take no object.
    apps = {
        ".".join(
            (path.parent if path.parent.name != "views" else path.parent.parent)
            .relative_to(root)
            .parts
        )
        for path in views
    }
    missing = apps - {"kis_portal"} - {m.rsplit(".", 1)[0] for m in ACCESS_MODULES}
    assert not missing, f"apps with views but no access.py: {sorted(missing)}"
