"""The periodic jobs of a deployment, their schedule and how old a success may be.

deploy/systemd/ has one timer per entry (a test keeps both lists equal). A job with
a `command` runs as `manage.py run_periodic <name>`, which records its heartbeat;
`backup` reports through `manage.py heartbeat` from scripts/backup-job, and
`worker` when the worker runs the task `ping_worker` queued.
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Periodic:
    name: str
    label: str
    schedule: str
    max_age: timedelta
    command: str = ""  # the management command run_periodic runs


DAILY = timedelta(hours=26)  # a day, plus a slow run's slack

PERIODIC: dict[str, Periodic] = {
    p.name: p
    for p in [
        Periodic(
            "kirim_notifikasi",
            "Kirim SMS/WhatsApp yang jatuh tempo",
            "tiap 10 menit",
            timedelta(minutes=30),
            command="kirim_notifikasi",
        ),
        Periodic(
            "ping_worker",
            "Antrekan tugas uji untuk worker",
            "tiap 5 menit",
            timedelta(minutes=15),
            command="ping_worker",
        ),
        Periodic(
            "worker",
            "Worker tugas latar menjalankan tugas uji",
            "tiap 5 menit (lewat ping_worker)",
            timedelta(minutes=20),
        ),
        Periodic(
            "purge_dokumen",
            "Hapus dokumen kasus selesai lewat masa simpan",
            "harian 03.00",
            DAILY,
            command="purge_dokumen",
        ),
        Periodic(
            "clearsessions",
            "Hapus sesi login kedaluwarsa",
            "harian 03.30",
            DAILY,
            command="clearsessions",
        ),
        Periodic(
            "prune_jobs",
            "Hapus tugas latar selesai dan berkas hasilnya",
            "harian 03.45",
            DAILY,
            command="prune_jobs",
        ),
        Periodic(
            "deactivate_dormant",
            "Nonaktifkan akun operator yang lama tidak masuk (KIS_AKUN_DIAM_HARI)",
            "harian 04.00",
            DAILY,
            command="deactivate_dormant",
        ),
        Periodic(
            "purge_staging",
            "Hapus unggahan pratinjau yang tidak dikonfirmasi (KIS_STAGING_JAM)",
            "tiap jam",
            timedelta(hours=3),
            command="purge_staging",
        ),
        Periodic(
            "backup",
            "Cadangan database dan berkas",
            "harian 02.00",
            DAILY,
        ),
    ]
}
