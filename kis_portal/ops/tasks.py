from django_tasks import task

from .services import heartbeat_succeeded


@task()
def worker_ping() -> None:
    """Queued every few minutes (ping_worker): running it proves the worker works."""
    heartbeat_succeeded(name="worker")
