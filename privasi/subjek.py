"""Everything the portal holds about one person, found by NIK (a data-subject request).

UU 27/2022 gives a person the right to see and correct their data. This is the
one read that crosses every app on purpose: the member records of their
household's usulan and the copies kept each time it was returned to its desa,
DTKS, the field check, the BPJS batches and SK, cards and hand-overs,
complaints, messages, and the audit and access records about them.
Other household members' data is left out: it is theirs, not the subject's.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from distribusi.models import Kartu, SerahTerima
from dtks.models import DtksRecord, UsulanSiksng
from kis_portal.audit.models import AksesData, AuditEvent
from notifikasi.models import Pesan, PesanKeluar
from pengaduan.models import Pengaduan
from rekap_bpjs.models import BatchItem, Nonaktif
from usulan.models import Anggota, Dokumen, KasusDarurat, Usulan
from usulan.selectors import snapshots_holding
from verifikasi.models import CekLapangan, SkPenetapan

MAX_ROWS = 200  # audit events and access records shown (newest first)


@dataclass
class DataSubjek:
    nik: str
    anggota: list = field(default_factory=list)
    salinan: list = field(default_factory=list)  # kept when an usulan was returned
    dokumen: list = field(default_factory=list)
    dtks: list = field(default_factory=list)
    siksng: list = field(default_factory=list)  # proposed for PBI-JK APBN
    cek_lapangan: list = field(default_factory=list)
    darurat: list = field(default_factory=list)
    rekap: list = field(default_factory=list)
    nonaktif: list = field(default_factory=list)  # BPJS's deactivations
    sk: list = field(default_factory=list)
    kartu: list = field(default_factory=list)
    serah_terima: list = field(default_factory=list)
    pengaduan: list = field(default_factory=list)
    pesan: list = field(default_factory=list)
    pesan_keluar: list = field(default_factory=list)
    events: list = field(default_factory=list)
    events_total: int = 0
    akses: list = field(default_factory=list)
    akses_total: int = 0

    @property
    def found(self) -> bool:
        return bool(self.anggota or self.salinan or self.dtks)

    @property
    def usulan_ids(self) -> list[int]:
        return sorted({a.usulan_id for a in self.anggota})


def _ids(rows) -> list[int]:
    return [row.pk for row in rows]


def _events(objects: dict) -> tuple[list[AuditEvent], int]:
    """Audit events of the given records: {model: [ids]}."""
    q = Q()
    for model, ids in objects.items():
        if ids:
            q |= Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(i) for i in ids],
            )
    if not q:
        return [], 0
    qs = AuditEvent.objects.filter(q).select_related("actor", "content_type")
    return list(qs[:MAX_ROWS]), qs.count()


HIDDEN = "keterangan anggota keluarga lain tidak ditampilkan"
GAGAL_BPJS = (
    "Gagal di BPJS (alasan untuk orang ini ada di bagian Rekap BPJS; " + HIDDEN + ")"
)


def own_reason(
    event: AuditEvent, *, own: set[str], others: set[str], shared: bool
) -> str:
    """A household event's reason with only what concerns the subject.

    A BPJS result writes "Gagal di BPJS: NAME: reason; NAME: reason" on the
    household: another member's reason (say "meninggal") is theirs, not the
    subject's, and a namesake in the household makes names no guide, so that
    event shows no reasons at all (the subject's own is in their rekap rows).
    Any other reason naming another member keeps only the parts naming the
    subject.
    """
    reason = event.reason
    if shared and event.to_status == Usulan.Status.GAGAL_BPJS:
        return GAGAL_BPJS
    if not any(name in reason for name in others):
        return reason
    head, sep, rest = reason.partition(": ")
    parts = [p for p in rest.split("; ") if any(p.startswith(f"{n}:") for n in own)]
    parts = [p for p in parts if not any(p.startswith(f"{n}:") for n in others)]
    if sep and not any(name in head for name in others):
        return f"{head}: " + ("; ".join(parts) if parts else f"({HIDDEN})")
    return f"({HIDDEN})"


def akses_for_subject(nik: str, subjects: dict[str, list[int]]) -> Q:
    """Access records naming the NIK, or showing one of the person's records."""
    q = Q(niks__contains=f" {nik} ")
    for tipe, ids in subjects.items():
        if ids:
            any_id = Q()
            for pk in ids:
                any_id |= Q(subjek_ids__contains=f" {pk} ")
            q |= Q(subjek_tipe=tipe) & any_id
    return q


def _household_reasons(data: DataSubjek) -> None:
    """Household events shown with the subject's part of their reasons only."""
    household = list(
        Anggota.objects.filter(usulan_id__in=data.usulan_ids).values_list(
            "usulan_id", "nik", "nama"
        )
    )
    shared = {usulan_id for usulan_id, nik, _ in household if nik != data.nik}
    own = {nama for _, nik, nama in household if nik == data.nik}
    others = {nama for _, nik, nama in household if nik != data.nik} - own
    usulan_type = ContentType.objects.get_for_model(Usulan)
    for event in data.events:
        if event.content_type_id == usulan_type.pk:
            event.reason = own_reason(
                event,
                own=own,
                others=others,
                shared=int(event.object_id) in shared,
            )


def data_subjek(nik: str) -> DataSubjek:
    """All the data held about the person with this NIK."""

    data = DataSubjek(nik=nik)
    data.anggota = list(
        Anggota.objects.filter(nik=nik)
        .select_related("usulan__desa__kecamatan")
        .order_by("usulan__created_at", "pk")
    )
    anggota_ids = _ids(data.anggota)
    data.salinan = snapshots_holding(nik)
    usulan_ids = data.usulan_ids
    data.dokumen = list(
        Dokumen.objects.filter(
            Q(anggota_id__in=anggota_ids) | Q(usulan_id__in=usulan_ids)
        ).order_by("pk")
    )
    data.dtks = list(
        DtksRecord.objects.filter(nik=nik)
        .select_related("periode")
        .order_by("-periode__kode")
    )
    data.siksng = list(UsulanSiksng.objects.filter(nik=nik))
    # An urgent patient's faskes and reason for admission (health data).
    data.darurat = list(
        KasusDarurat.objects.filter(usulan_id__in=usulan_ids)
        .select_related("usulan")
        .order_by("pk")
    )
    data.cek_lapangan = list(
        CekLapangan.objects.filter(usulan_id__in=usulan_ids)
        .select_related("petugas")
        .order_by("created_at")
    )
    data.rekap = list(
        BatchItem.objects.filter(anggota_id__in=anggota_ids)
        .select_related("batch")
        .order_by("batch__periode")
    )
    data.nonaktif = list(
        Nonaktif.objects.filter(anggota_id__in=anggota_ids).order_by(
            "tanggal_nonaktif", "pk"
        )
    )
    data.sk = list(
        SkPenetapan.objects.filter(anggota__in=anggota_ids).distinct().order_by("pk")
    )
    data.kartu = list(
        Kartu.objects.filter(anggota_id__in=anggota_ids)
        .select_related("serah_terima", "batch")
        .order_by("pk")
    )
    data.serah_terima = list(
        SerahTerima.objects.filter(
            pk__in={k.serah_terima_id for k in data.kartu if k.serah_terima_id}
        ).order_by("pk")
    )
    data.pengaduan = list(
        Pengaduan.objects.filter(
            Q(anggota_id__in=anggota_ids) | Q(usulan_id__in=usulan_ids)
        ).order_by("created_at")
    )
    data.pesan_keluar = list(
        PesanKeluar.objects.filter(anggota_id__in=anggota_ids).order_by("created_at")
    )
    data.pesan = list(
        Pesan.objects.filter(usulan_id__in=usulan_ids).order_by("created_at")
    )
    data.events, data.events_total = _events(
        {
            Usulan: usulan_ids,
            Anggota: anggota_ids,
            Dokumen: _ids(data.dokumen),
            Kartu: _ids(data.kartu),
            SerahTerima: _ids(data.serah_terima),
            Pengaduan: _ids(data.pengaduan),
            UsulanSiksng: _ids(data.siksng),
            Nonaktif: _ids(data.nonaktif),
        }
    )
    _household_reasons(data)
    akses = AksesData.objects.filter(
        akses_for_subject(
            nik,
            {
                "usulan": usulan_ids,
                "anggota": anggota_ids,
                "dokumen": _ids(data.dokumen),
                "dtks": _ids(data.dtks),
                "kartu": _ids(data.kartu),
                "serah_terima": _ids(data.serah_terima),
                "pengaduan": _ids(data.pengaduan),
                "sk": _ids(data.sk),
                "batch": sorted({item.batch_id for item in data.rekap}),
            },
        )
    ).select_related("actor")
    data.akses = list(akses[:MAX_ROWS])
    data.akses_total = akses.count()
    return data
