"""What the desa inbox, the citizen's SMS/WhatsApp and the public page say."""

from dataclasses import dataclass

from django.conf import settings

from distribusi.models import Kanal, Kartu
from usulan.models import Usulan

from .models import Jenis

S = Usulan.Status

# Usulan statuses that produce a message, and the message's kind.
USULAN_JENIS = {
    S.DIKEMBALIKAN: Jenis.DIKEMBALIKAN,
    S.DITOLAK: Jenis.DITOLAK,
    S.DIKIRIM: Jenis.DIKIRIM,
    S.TERDAFTAR: Jenis.TERDAFTAR,
    S.GAGAL_BPJS: Jenis.GAGAL_BPJS,
}

# Inbox titles for the desa operator (the reason, if any, is the body).
JUDUL = {
    Jenis.DIKEMBALIKAN: "Usulan {nomor} dikembalikan untuk diperbaiki",
    Jenis.DITOLAK: "Usulan {nomor} ditolak",
    Jenis.DIKIRIM: "Usulan {nomor} dikirim ke BPJS Kesehatan",
    Jenis.TERDAFTAR: "Usulan {nomor} terdaftar di BPJS Kesehatan",
    Jenis.GAGAL_BPJS: "Usulan {nomor} gagal di BPJS, perlu diperbaiki",
    Jenis.KARTU_SIAP: "Kartu JKN-KIS diserahkan ({serah})",
    Jenis.NONAKTIF: "{jumlah} peserta dinonaktifkan BPJS: periksa calon reaktivasi",
    Jenis.DARURAT: "Pasien darurat {nomor} dari {faskes}",
}
NONAKTIF_ISI = (
    "BPJS Kesehatan menonaktifkan peserta berikut yang terdaftar lewat portal. "
    "Bila sakit kronis, katastropik, dalam kondisi darurat, atau bayi dari ibu "
    "peserta PBI yang dinonaktifkan, ajukan usulan MIG37 reaktivasi sebelum "
    "batasnya:\n{rows}"
)

# What the citizen gets on the phone: no names, no reasons, no NIK.
SMS = {
    Jenis.DIKEMBALIKAN: (
        "Usulan JKN-KIS nomor {nomor} perlu dilengkapi/diperbaiki. "
        "Silakan hubungi operator desa/kelurahan Anda."
    ),
    Jenis.DITOLAK: (
        "Usulan JKN-KIS nomor {nomor} tidak dapat diproses. Untuk penjelasan, "
        "hubungi operator desa/kelurahan atau Dinas Sosial."
    ),
    Jenis.DIKIRIM: (
        "Usulan JKN-KIS nomor {nomor} sudah dikirim ke BPJS Kesehatan. "
        "Hasilnya akan kami kabarkan."
    ),
    Jenis.TERDAFTAR: (
        "Selamat, usulan JKN-KIS nomor {nomor} sudah terdaftar di BPJS Kesehatan. "
        "Kartu akan dibagikan melalui desa/kelurahan."
    ),
    Jenis.GAGAL_BPJS: (
        "Pendaftaran JKN-KIS usulan nomor {nomor} belum berhasil di BPJS. "
        "Silakan hubungi operator desa/kelurahan Anda untuk perbaikan data."
    ),
    Jenis.KARTU_SIAP: "Kartu JKN-KIS Anda (usulan {nomor}) {tempat}",
    Jenis.NONAKTIF: (
        "Kepesertaan JKN-KIS (usulan {nomor}) dinonaktifkan BPJS Kesehatan. Bila "
        "sedang sakit atau perlu berobat, segera hubungi operator desa/kelurahan "
        "Anda untuk reaktivasi sebelum {batas}."
    ),
}

GRATIS = "Layanan ini gratis, tanpa biaya."


def sms_text(jenis: str, *, nomor: str, tempat: str = "", batas: str = "") -> str:
    body = SMS[jenis].format(nomor=nomor, tempat=tempat, batas=batas)
    return f"{settings.KIS_OFFICE_NAME}: {body} {GRATIS}"


def kartu_tempat(kanal: str) -> str:
    """Where a handed-over card waits, for the SMS."""
    if kanal in (Kanal.DESA, Kanal.KELURAHAN):
        return "sudah siap diambil di kantor desa/kelurahan. Bawa KTP atau KK."
    label = Kanal(kanal).label if kanal in Kanal.values else "petugas"
    return f"sedang diantar melalui {label}."


# --- The public status page ----------------------------------------------------------


@dataclass(frozen=True)
class Tahap:
    judul: str
    langkah: str  # what to do next
    nada: str = "info"  # bootstrap colour: info, success, warning, danger


TAHAP_USULAN = {
    S.DRAFT: Tahap(
        "Sedang disiapkan, belum diajukan",
        "Berkas belum lengkap. Lengkapi persyaratan melalui operator desa/kelurahan "
        "atau loket Dinas Sosial.",
        "warning",
    ),
    S.DIAJUKAN: Tahap(
        "Sedang diperiksa Dinas Sosial",
        "Tidak perlu melakukan apa-apa. Petugas sedang memeriksa berkas Anda.",
    ),
    S.DIKEMBALIKAN: Tahap(
        "Perlu diperbaiki",
        "Ada berkas atau data yang perlu diperbaiki. Hubungi operator "
        "desa/kelurahan Anda.",
        "warning",
    ),
    S.CEK_LAPANGAN: Tahap(
        "Menunggu kunjungan petugas",
        "Petugas akan berkunjung untuk memastikan data. Pastikan ada anggota "
        "keluarga di rumah yang dapat ditemui.",
    ),
    S.MENUNGGU_ACC: Tahap(
        "Menunggu persetujuan Kepala Dinas",
        "Tidak perlu melakukan apa-apa. Usulan sedang menunggu persetujuan.",
    ),
    S.SIAP: Tahap(
        "Lolos verifikasi, menunggu dikirim ke BPJS",
        "Tidak perlu melakukan apa-apa. Usulan akan dikirim ke BPJS Kesehatan "
        "pada rekap bulanan berikutnya.",
    ),
    S.DIKIRIM: Tahap(
        "Dikirim ke BPJS Kesehatan",
        "Tidak perlu melakukan apa-apa. Kami menunggu hasil dari BPJS Kesehatan.",
    ),
    S.TERDAFTAR: Tahap(
        "Terdaftar sebagai peserta JKN-KIS",
        "Kartu sedang dicetak. Dinas Sosial akan membagikannya melalui desa/kelurahan.",
        "success",
    ),
    S.GAGAL_BPJS: Tahap(
        "Belum berhasil didaftarkan di BPJS",
        "Data perlu diperbaiki. Hubungi operator desa/kelurahan Anda.",
        "danger",
    ),
    S.DITOLAK: Tahap(
        "Tidak dapat diproses",
        "Usulan tidak memenuhi syarat. Untuk penjelasan, hubungi operator "
        "desa/kelurahan atau Dinas Sosial.",
        "danger",
    ),
}


def tahap_kartu(status: str, kanal: str) -> Tahap:
    """The stage once BPJS has enrolled the member and the card exists."""
    if status == Kartu.Status.DITERIMA_DINSOS:
        return Tahap(
            "Kartu sudah tercetak",
            "Kartu sudah diterima Dinas Sosial dan akan diserahkan ke "
            "desa/kelurahan. Tunggu kabar dari desa.",
            "success",
        )
    if status == Kartu.Status.DISERAHKAN:
        if kanal in (Kanal.DESA, Kanal.KELURAHAN):
            return Tahap(
                "Kartu siap diambil",
                "Kartu siap diambil di kantor desa/kelurahan. Bawa KTP atau KK.",
                "success",
            )
        label = Kanal(kanal).label if kanal in Kanal.values else "petugas"
        return Tahap(
            "Kartu sedang diantar",
            f"Kartu sedang diantar melalui {label}. Tunggu di rumah atau hubungi "
            "desa/kelurahan.",
            "success",
        )
    if status == Kartu.Status.DITERIMA_WARGA:
        return Tahap(
            "Kartu sudah diterima",
            "Kartu sudah Anda terima. Gunakan kartu atau KTP saat berobat di "
            "puskesmas/faskes.",
            "success",
        )
    return Tahap(
        "Kartu belum dapat diserahkan",
        "Kartu dikembalikan ke Dinas Sosial. Hubungi Dinas Sosial atau operator "
        "desa/kelurahan.",
        "warning",
    )


def mask_first_name(nama: str) -> str:
    """'I MADE UJI' -> 'I***': the first letter of the first name only."""
    first = (nama or "").strip().split(" ")[0]
    return f"{first[:1].upper()}***" if first else "***"
