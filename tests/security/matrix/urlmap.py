"""Every URL pattern of the project, with sample arguments from the demo data.

`url_patterns()` walks the URLconf (included apps too). Each pattern gets a key:
its namespaced name, or its route when it has none. The Django admin's per-model
patterns share one generic key per kind ("admin:*_change" ...), so a newly
registered model is covered without a new table row; a model whose admin differs
gets an exact row (e.g. "admin:audit_auditevent_add"), which wins.
"""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from distribusi.models import Kartu, SerahTerima
from kis_portal.jobs.models import Job
from notifikasi.models import Pesan
from pengaduan.models import Lampiran, Pengaduan
from rekap_bpjs.models import Nonaktif
from usulan.models import Anggota, Dokumen, Pengajuan, Usulan
from verifikasi.models import FotoLapangan

ADMIN_MODEL_SUFFIXES = (
    "password_change",
    "changelist",
    "add",
    "history",
    "delete",
    "change",
)


@dataclass(frozen=True)
class UrlPattern:
    route: str  # the full pattern, as written in the URLconfs
    name: str  # namespaced name, or "" when the pattern has none
    params: tuple[str, ...]  # the keyword arguments it takes
    admin_model: type | None = None  # the model of a per-model admin pattern

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def generic_key(self) -> str | None:
        """The shared key of a per-model admin pattern."""
        if self.admin_model is None:
            return None
        if not self.name:
            return "admin:*_object"  # <object_id>/ redirects to the change page
        suffix = next(
            (s for s in ADMIN_MODEL_SUFFIXES if self.name.endswith(f"_{s}")), None
        )
        # A model's own extra admin view (e.g. a TOTP device's QR) has its own row.
        return f"admin:*_{suffix}" if suffix else None


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry


def _admin_models() -> dict[str, type]:
    return {
        f"admin/{m._meta.app_label}/{m._meta.model_name}/": m
        for m in admin.site._registry
    }


def url_patterns() -> list[UrlPattern]:
    models = _admin_models()
    out = []
    for route, name, entry in _walk(get_resolver()):
        regex = entry.pattern.regex
        model = next((m for p, m in models.items() if route.startswith(p)), None)
        out.append(
            UrlPattern(
                route=route,
                name=name,
                params=tuple(regex.groupindex),
                admin_model=model,
            )
        )
    return out


# --- Sample arguments -------------------------------------------------------------


def _first_pk(model) -> str:
    obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj else "0"


def sample_objects(demo) -> dict[str, object]:
    """The objects the matrix points at: each one a role may legitimately reach."""

    desa1 = demo.users["desa1"].profile.desa
    own = Usulan.objects.filter(desa=desa1, sumber=Usulan.Sumber.DESA)
    draft = own.filter(status=Usulan.Status.DRAFT).order_by("pk").first()
    return {
        # A complete draft of desa1: the operator may edit, submit, delete it.
        "usulan": draft,
        "dokumen": Dokumen.objects.filter(usulan=draft).order_by("pk").first(),
        "pengajuan": draft.pengajuan,
        "diajukan": own.filter(status=Usulan.Status.DIAJUKAN).order_by("pk").first(),
        "cek_lapangan": own.filter(status=Usulan.Status.CEK_LAPANGAN).first(),
        "foto": FotoLapangan.objects.order_by("pk").first(),
        "pesan": Pesan.objects.filter(desa=desa1).order_by("pk").first(),
        # desa1's task for a participant BPJS deactivated (demo/reaktivasi_demo.py).
        "nonaktif": Nonaktif.objects.filter(desa=desa1).order_by("pk").first(),
        "darurat": Usulan.objects.filter(desa=desa1, sumber=Usulan.Sumber.FASKES)
        .order_by("pk")
        .first(),
        "lampiran": Lampiran.objects.filter(
            pengaduan=demo.objects["complaint"]
        ).first(),
        **demo.objects,
    }


def sample_kwargs(pattern: UrlPattern, objs: dict, demo) -> dict[str, str] | None:
    """Arguments for one pattern, or None when the table does not know it."""
    if pattern.admin_model is not None:
        return {p: _first_pk(pattern.admin_model) for p in pattern.params}
    batch = objs["batch"]
    builders = {
        "usulan:detail": {"pk": objs["usulan"].pk},
        "usulan:siksng": {
            "pk": objs["usulan"].pk,
            "anggota_pk": objs["usulan"].anggota_set.order_by("pk").first().pk,
        },
        "usulan:edit": {"pk": objs["usulan"].pk},
        "usulan:submit": {"pk": objs["usulan"].pk},
        "usulan:delete": {"pk": objs["usulan"].pk},
        "usulan:dokumen_upload": {"pk": objs["usulan"].pk, "key": "kk"},
        "usulan:dokumen_download": {"pk": objs["dokumen"].pk},
        "usulan:pengajuan_detail": {"pk": objs["pengajuan"].pk},
        "usulan:pengajuan_dokumen_upload": {
            "pk": objs["pengajuan"].pk,
            "kode": "surat-pengantar",
        },
        "usulan:pengajuan_submit": {"pk": objs["pengajuan"].pk},
        "usulan:loket_receipt": {"pk": objs["walk_in"].pk},
        # The demo faskes's own urgent case (a Kalibukbuk resident).
        "usulan:darurat_detail": {"pk": objs["darurat"].pk},
        "usulan:darurat_berkas": {"pk": objs["darurat"].pk},
        "usulan:loket_berkas": {"pk": objs["walk_in"].pk},
        "verifikasi:periksa": {"pk": objs["diajukan"].pk},
        "verifikasi:claim": {"pk": objs["diajukan"].pk},
        "verifikasi:release": {"pk": objs["diajukan"].pk},
        "verifikasi:lapangan_form": {"pk": objs["cek_lapangan"].pk},
        "verifikasi:foto": {"pk": objs["foto"].pk},
        "verifikasi:sk_pdf": {"pk": objs["sk"].pk},
        "rekap_bpjs:detail": {"periode": batch.periode},
        "rekap_bpjs:member": {
            "periode": batch.periode,
            "item_id": batch.items.order_by("pk").first().pk,
        },
        "rekap_bpjs:lock": {"periode": batch.periode},
        "rekap_bpjs:close": {"periode": batch.periode},
        "rekap_bpjs:export": {"periode": batch.periode},
        "rekap_bpjs:file": {
            "periode": batch.periode,
            "file_id": batch.files.order_by("pk").first().pk,
        },
        "rekap_bpjs:result_upload": {"periode": batch.periode},
        "rekap_bpjs:result_apply": {"periode": batch.periode},
        "rekap_bpjs:nonaktif_close": {"pk": objs["nonaktif"].pk},
        "distribusi:kartu_detail": {"pk": objs["kartu"].pk},
        "distribusi:kartu_serahkan": {"pk": objs["kartu"].pk},
        "distribusi:kartu_diterima": {"pk": objs["kartu"].pk},
        "distribusi:kartu_kembalikan": {"pk": objs["kartu"].pk},
        "distribusi:kartu_foto": {"pk": objs["kartu_foto"].pk},
        "distribusi:serah_terima_detail": {"pk": objs["serah_terima"].pk},
        "distribusi:serah_terima_pdf": {"pk": objs["serah_terima"].pk},
        "distribusi:serah_terima_scan": {"pk": objs["serah_terima"].pk},
        "pengaduan:detail": {"pk": objs["complaint"].pk},
        "pengaduan:status": {"pk": objs["complaint"].pk},
        "pengaduan:tugaskan": {"pk": objs["complaint"].pk},
        "pengaduan:tanggapi": {"pk": objs["complaint"].pk},
        "pengaduan:lampiran_tambah": {"pk": objs["complaint"].pk},
        "pengaduan:lampiran": {"pk": objs["lampiran"].pk},
        "notifikasi:buka": {"pk": objs["pesan"].pk},
        "notifikasi:tandai_dibaca": {"pk": objs["pesan"].pk},
        "notifikasi:keluar_kirim_ulang": {"pk": objs["keluar"].pk},
        "accounts:user_edit": {"pk": demo.users["desa2"].pk},
        "accounts:user_unlock": {"pk": demo.users["desa2"].pk},
        "accounts:user_reset_2fa": {"pk": demo.users["desa2"].pk},
        "accounts:user_password_reset": {"pk": demo.users["desa2"].pk},
        "accounts:operator_replace": {"pk": demo.users["desa2"].pk},
        "accounts:slip": {"pk": objs["slip_job"].pk},
        "accounts:slip_download": {"pk": objs["slip_job"].pk},
        "audit:subjek_koreksi": {
            "anggota_id": objs["usulan"].anggota_set.order_by("pk").first().pk
        },
        "wilayah:desa_detail": {"kode": demo.users["desa1"].profile.desa.kode},
        "jobs:detail": {"pk": objs["job"].pk},
        "jobs:download": {"pk": objs["job"].pk},
        "jobs:retry": {"pk": objs["job"].pk},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(
                demo.users["desa1"].profile.desa
            ).pk,
            "object_id": demo.users["desa1"].profile.desa.pk,
        },
        "admin:app_list": {"app_label": "wilayah"},
        "admin/(?P<url>.*)$": {"url": "tidak-ada/"},
    }
    if not pattern.params:
        return {}
    kwargs = builders.get(pattern.key)
    if kwargs is None:
        return None
    return {k: str(v) for k, v in kwargs.items()}


def build_path(pattern: UrlPattern, kwargs: dict[str, str]) -> str:
    """The path for a pattern with its arguments filled in (regex groups too)."""
    if pattern.name:
        return reverse(pattern.name, kwargs=kwargs)
    path = pattern.route
    for name, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
        path = re.sub(rf"\(\?P<{name}>[^)]*\)", value, path)
    path = path.lstrip("^").rstrip("$").replace("^", "").replace("$", "")
    return "/" + path


# --- Every object of one desa ----------------------------------------------------


def desa_object_kwargs(pattern: UrlPattern, objs: dict, demo, desa) -> list[dict]:
    """Arguments for `pattern` over every object of `desa` it can take.

    Patterns whose objects belong to no desa (batches, SKs, users, the admin)
    keep their one sample.
    """

    def pks(qs) -> list[int]:
        return list(qs.order_by("pk").values_list("pk", flat=True))

    usulan = pks(Usulan.objects.filter(desa=desa))
    dokumen = pks(
        Dokumen.objects.filter(usulan__desa=desa)
        | Dokumen.objects.filter(anggota__usulan__desa=desa)
        | Dokumen.objects.filter(pengajuan__desa=desa)
    )
    pengajuan = pks(Pengajuan.objects.filter(desa=desa))
    kartu = pks(Kartu.objects.filter(desa=desa))
    serah = pks(SerahTerima.objects.filter(desa=desa))
    pengaduan = pks(Pengaduan.objects.filter(desa=desa))
    operator = next(
        u
        for u in demo.users.values()
        if getattr(getattr(u, "profile", None), "desa_id", None) == desa.pk
    )
    by_key = {
        "usulan:detail": usulan,
        "usulan:edit": usulan,
        "usulan:submit": usulan,
        "usulan:delete": usulan,
        "usulan:loket_receipt": usulan,
        "usulan:loket_berkas": usulan,
        "usulan:darurat_detail": usulan,
        "usulan:darurat_berkas": usulan,
        "verifikasi:periksa": usulan,
        "verifikasi:claim": usulan,
        "verifikasi:release": usulan,
        "verifikasi:lapangan_form": usulan,
        "usulan:dokumen_download": dokumen,
        "usulan:pengajuan_detail": pengajuan,
        "usulan:pengajuan_submit": pengajuan,
        "verifikasi:foto": pks(FotoLapangan.objects.filter(cek__usulan__desa=desa)),
        "distribusi:kartu_detail": kartu,
        "distribusi:kartu_serahkan": kartu,
        "distribusi:kartu_diterima": kartu,
        "distribusi:kartu_kembalikan": kartu,
        "distribusi:kartu_foto": kartu,
        "distribusi:serah_terima_detail": serah,
        "distribusi:serah_terima_pdf": serah,
        "distribusi:serah_terima_scan": serah,
        "pengaduan:detail": pengaduan,
        "pengaduan:status": pengaduan,
        "pengaduan:tugaskan": pengaduan,
        "pengaduan:tanggapi": pengaduan,
        "pengaduan:lampiran_tambah": pengaduan,
        "pengaduan:lampiran": pks(Lampiran.objects.filter(pengaduan__desa=desa)),
        "notifikasi:buka": pks(Pesan.objects.filter(desa=desa)),
        "notifikasi:tandai_dibaca": pks(Pesan.objects.filter(desa=desa)),
        "jobs:detail": pks(Job.objects.filter(created_by=operator)),
        "jobs:download": pks(Job.objects.filter(created_by=operator)),
        "jobs:retry": pks(Job.objects.filter(created_by=operator)),
    }
    if pattern.key == "usulan:dokumen_upload":
        return [{"pk": str(pk), "key": "kk"} for pk in usulan]
    if pattern.key == "usulan:pengajuan_dokumen_upload":
        return [{"pk": str(pk), "kode": "surat-pengantar"} for pk in pengajuan]
    if pattern.key == "usulan:siksng":
        return [
            {"pk": str(a.usulan_id), "anggota_pk": str(a.pk)}
            for a in Anggota.objects.filter(usulan__desa=desa)
        ]
    if pattern.key == "accounts:user_edit":
        return [{"pk": str(operator.pk)}]
    if pattern.key == "wilayah:desa_detail":
        return [{"kode": desa.kode}]
    if pattern.key in by_key:
        assert by_key[pattern.key], f"{desa} has no object for {pattern.key}"
        return [{"pk": str(pk)} for pk in by_key[pattern.key]]
    return [sample_kwargs(pattern, objs, demo)]


def desa_secrets(desa, *, except_in=None) -> set[str]:
    """What must never reach another desa: identifiers, numbers, names of `desa`.

    Names that also occur in `except_in` (the other desa) are left out: seeing one's
    own resident of the same name is not a leak.
    """

    def names(d) -> set[str]:
        return set(
            Anggota.objects.filter(usulan__desa=d).values_list("nama", flat=True)
        )

    found = set(Usulan.objects.filter(desa=desa).values_list("no_kk", flat=True))
    found |= set(Usulan.objects.filter(desa=desa).values_list("nomor", flat=True))
    found |= set(
        Anggota.objects.filter(usulan__desa=desa).values_list("nik", flat=True)
    )
    found |= set(Kartu.objects.filter(desa=desa).values_list("noka", flat=True))
    found |= set(SerahTerima.objects.filter(desa=desa).values_list("nomor", flat=True))
    for nomor, pelapor in Pengaduan.objects.filter(desa=desa).values_list(
        "nomor", "pelapor_nama"
    ):
        found |= {nomor, pelapor}
    found |= names(desa) - (names(except_in) if except_in else set())
    return {s for s in found if s}
