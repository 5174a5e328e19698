"""Row counts of every table, and a comparison of two such snapshots (migrate check).

    python .ci/table_counts.py                      -> JSON {table: rows} on stdout
    python .ci/table_counts.py --compare OLD NEW    -> exit 1 if a table lost rows

After the comparison, the models read their rows through the ORM (a moved model
whose state no longer matches its table fails here), and every content type
points at an installed model.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kis_portal.settings")
sys.path.insert(0, os.getcwd())
django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402

# New models add content types and permissions; migrations add their own rows.
GROWING = {
    "django_content_type",
    "auth_permission",
    "auth_group_permissions",  # the role groups get the new models' permissions
    "django_migrations",
    "auth_group",  # a new role gets its group (petugas_faskes)
    # the reactivation's faskes letter, added to the profiles already loaded
    # (offices 0005_reaktivasi)
    "offices_documentrequirement",
}
# Tables a release dropped on purpose, with their models' content types: the
# per-page attempt counters, replaced by one rate limiter (kis_portal.ratelimit).
# Their rows are counters of the last minutes, not records.
DROPPED = {
    "notifikasi_percobaancekstatus": "notifikasi.percobaancekstatus",
    "pengaduan_percobaanlapor": "pengaduan.percobaanlapor",
}


def counts() -> dict[str, int]:
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608  # nosec B608 - introspected names
            out[table] = cursor.fetchone()[0]
    return out


def compare(old_path: str, new_path: str) -> int:
    old, new = (json.load(open(p)) for p in (old_path, new_path))
    problems = [
        f"{table}: {rows} rows before, {new.get(table, 'no table')} after"
        for table, rows in old.items()
        if table not in DROPPED
        and table not in GROWING
        and new.get(table) != rows
        or table in GROWING
        and new.get(table, 0) < rows
    ]
    for model in apps.get_models():
        try:
            model._default_manager.order_by().first()
        except Exception as exc:  # noqa: BLE001 - reported, then the run fails
            problems.append(f"{model._meta.label}: {exc}")
    stale = [
        f"{ct.app_label}.{ct.model}"
        for ct in ContentType.objects.all()
        if ct.model_class() is None
        and f"{ct.app_label}.{ct.model}" not in DROPPED.values()
    ]
    if stale:
        problems.append(f"content types without a model: {', '.join(stale)}")
    moved = sum(1 for table in old if table in new)
    print(
        f"{moved} tables compared, {len(new) - moved} new; {sum(old.values())} rows before"
    )
    for line in problems:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    json.dump(counts(), sys.stdout, indent=1)
