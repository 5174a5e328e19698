"""Run one periodic job and record its heartbeat (what the systemd timers call).

    manage.py run_periodic purge_dokumen
    manage.py run_periodic kirim_notifikasi -- --batas 200

A failure is logged (traceback masked), recorded on the heartbeat that
/healthz/detail and `check --deploy` read, and exits non-zero, so the timer's unit
is marked failed too.
"""

import logging
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kis_portal.ops.periodic import PERIODIC
from kis_portal.ops.services import (
    heartbeat_failed,
    heartbeat_started,
    heartbeat_succeeded,
)
from kis_portal.privacy import masked_traceback

logger = logging.getLogger("kis_portal.ops.periodic")

RUNNABLE = sorted(name for name, job in PERIODIC.items() if job.command)


class Command(BaseCommand):
    help = "Jalankan satu pekerjaan berkala dan catat detaknya untuk /healthz/detail."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=RUNNABLE, help="nama pekerjaan")
        parser.add_argument(
            "args", nargs="*", help="argumen tambahan untuk perintahnya (setelah --)"
        )

    def handle(self, *args, name: str, **options):
        job = PERIODIC[name]
        heartbeat_started(name=name)
        logger.info("periodic=%s started", name)
        started = time.monotonic()
        try:
            call_command(job.command, *args, stdout=self.stdout, stderr=self.stderr)
        except (Exception, SystemExit) as exc:
            logger.error(
                "periodic=%s failed after %.1f s\n%s",
                name,
                time.monotonic() - started,
                masked_traceback(exc),
            )
            heartbeat_failed(name=name, message=f"gagal: {type(exc).__name__}")
            raise CommandError(f"{name} gagal ({type(exc).__name__})") from exc
        seconds = time.monotonic() - started
        heartbeat_succeeded(
            name=name,
            message=f"berhasil dalam {seconds:.1f} detik",
            duration=timedelta(seconds=seconds),
        )
        logger.info("periodic=%s succeeded in %.1f s", name, seconds)
