"""Run callables at the same moment in threads, each with its own connection."""

import threading

from django.db import connection


def run_parallel(jobs) -> list[Exception]:
    """Start every job together (a barrier); return the exceptions they raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[Exception] = []

    def run(job) -> None:
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
