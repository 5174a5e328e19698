"""Queue a tiny task whose run records the worker's heartbeat (timer: every 5 minutes).

One waiting ping is enough: while the worker is down, no more are queued.
"""

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from kis_portal.ops.tasks import worker_ping


class Command(BaseCommand):
    help = "Antrekan tugas uji; worker yang menjalankannya mencatat detaknya."

    def handle(self, *args, **options):
        waiting = DBTaskResult.objects.ready().filter(task_path=worker_ping.module_path)
        if waiting.exists():
            self.stdout.write("Tugas uji sebelumnya masih menunggu worker.")
            return
        worker_ping.enqueue()
        self.stdout.write("Tugas uji diantrekan.")
