"""`manage.py db_worker --batch`, stopping for good at a chosen point of a job.

Run by tests/foundation/test_job_faults_pg.py as a separate process:

    python -m tests.foundation.fault_worker <point>

<point> is "none" (run every queued job, then exit) or where the job stops inside
its work, after it wrote part of it: "bpjs" (a BPJS result applied to the members,
the households not yet moved), "dtks" (the period's records replaced, the audit
not yet written), "export" (the batch's XLSX stored, its cover letter not yet).
The process then prints PAUSED and waits to be killed.
"""

import os
import sys
import threading

import django


def _pause() -> None:
    print("PAUSED", flush=True)  # noqa: T201 - read by the test
    threading.Event().wait()


def _install(point: str) -> None:
    # Imported here: the apps are only ready after django.setup().
    import dtks.imports  # noqa: PLC0415
    import rekap_bpjs.jobs  # noqa: PLC0415
    import rekap_bpjs.results  # noqa: PLC0415

    if point == "bpjs":
        advance = rekap_bpjs.results._advance_households

        def advance_then_pause(*args, **kwargs):
            advance(*args, **kwargs)
            _pause()

        rekap_bpjs.results._advance_households = advance_then_pause
    elif point == "dtks":

        def pause_before_audit(*args, **kwargs):
            _pause()

        dtks.imports.audit_record = pause_before_audit
    elif point == "export":
        store = rekap_bpjs.jobs._store
        calls = []

        def store_once_then_pause(*args, **kwargs):
            if calls:
                _pause()
            calls.append(1)
            return store(*args, **kwargs)

        rekap_bpjs.jobs._store = store_once_then_pause
    elif point != "none":
        raise SystemExit(f"unknown point {point!r}")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kis_portal.settings")
    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    _install(sys.argv[1])
    call_command("db_worker", "--batch", "--interval", "0.05", "--no-startup-delay")


if __name__ == "__main__":
    main()
