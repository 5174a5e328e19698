from django_tasks import task

from .services import keluar_kirim


@task()
def kirim_pesan_keluar(ids: list[int]) -> dict:
    """Send these outgoing messages (those still due); failures are stored."""
    return keluar_kirim(ids)
