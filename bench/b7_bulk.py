"""B7: bulk decisions: the head of office decides 500 cases at once, the
distribution officer hands 500 cards to a desa under one receipt.

The services the screens call (verifikasi.approval.persetujuan_decide,
distribusi.services.serah_terima_buat) on fresh cases each time, with the full
observable outcome checked: statuses, decisions, history rows, members ready,
notifications, receipt number. Floor: one UPDATE plus one INSERT of the
history rows in SQL (rolled back). Targets: at most 12 queries and at most
400 ms per bulk decision.
"""

import os
import secrets
import time

import common

# As in production: messages go to the job worker's queue (one task row at
# commit), not sent inside the decision as the harness's inline backend would.
os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
common.setup()

import factory  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from distribusi.models import Kanal, Kartu, SerahTerima  # noqa: E402
from distribusi.services import Penerima, serah_terima_buat  # noqa: E402
from kis_portal.audit.models import AuditEvent  # noqa: E402
from kis_portal.roles import has_role  # noqa: E402
from kis_portal.wilayah.models import Desa  # noqa: E402
from notifikasi.models import Pesan, PesanKeluar  # noqa: E402
from usulan.models import Anggota, Usulan  # noqa: E402
from verifikasi.approval import persetujuan_decide  # noqa: E402
from verifikasi.models import Persetujuan  # noqa: E402

N = common.scale(500)
REPEAT = 2 if common.QUICK else 5
MAX_QUERIES = 12
MAX_MS = 400.0

APPROVE_FLOOR = """
UPDATE usulan_usulan SET status = %s, updated_at = now()
WHERE id = ANY(%s) AND status = 'menunggu_acc';
INSERT INTO audit_auditevent (created_at, actor_id, action, content_type_id, object_id,
    object_repr, from_status, to_status, reason, data)
SELECT now(), %s, 'status', %s, id::text, 'Usulan ' || nomor, 'menunggu_acc', %s,
       'Disetujui Kepala Dinas', '{}'
FROM usulan_usulan WHERE id = ANY(%s);
"""
HANDOVER_FLOOR = """
UPDATE distribusi_kartu SET status = 'diserahkan', diserahkan_tanggal = current_date,
    updated_at = now()
WHERE id = ANY(%s) AND status = 'dinsos';
INSERT INTO audit_auditevent (created_at, actor_id, action, content_type_id, object_id,
    object_repr, from_status, to_status, reason, data)
SELECT now(), %s, 'status', %s, id::text, 'Kartu ' || noka, 'dinsos', 'diserahkan',
       'Diserahkan (Desa/kelurahan) kepada bench', '{}'
FROM distribusi_kartu WHERE id = ANY(%s);
"""


def fresh(user):
    """The user as a request sees it: roles read once (by role_required)."""
    user = get_user_model().objects.select_related("profile").get(pk=user.pk)
    has_role(user, "admin")
    return user


CPU: list[float] = []  # this process's CPU seconds of every measured call


def measured(fn):
    reset_queries()  # the query log keeps 9,000 entries, then stops counting
    with CaptureQueriesContext(connection) as ctx:
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        elapsed = time.perf_counter() - start
        CPU.append(time.process_time() - start_cpu)
    return result, elapsed, len(ctx.captured_queries)


def floor_time(sql: str, params: list) -> float:
    """The SQL floor on the same rows, rolled back so the rows stay fresh."""
    with transaction.atomic():
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def decide(users, keputusan: str) -> tuple[list[float], list[int], list[float]]:
    times, queries, floors = [], [], []
    content_type = ContentType.objects.get_for_model(Usulan).pk
    to = Usulan.Status.SIAP if keputusan == "setuju" else Usulan.Status.DITOLAK
    for _ in range(REPEAT):
        ids = factory.waiting_approval(N, users)
        floors.append(
            floor_time(
                APPROVE_FLOOR,
                [to, ids, users["kepala_dinas"].pk, content_type, to, ids],
            )
        )
        kadis = fresh(users["kepala_dinas"])
        pesan_before = Pesan.objects.count()
        keluar_before = PesanKeluar.objects.count()
        done, elapsed, count = measured(
            lambda ids=ids, kadis=kadis: persetujuan_decide(
                usulan_ids=ids,
                by=kadis,
                keputusan=keputusan,
                alasan="" if keputusan == "setuju" else "Tidak memenuhi kriteria",
            )
        )
        # The observable outcome, as the per-row path left it.
        assert len(done) == N
        assert Usulan.objects.filter(pk__in=ids, status=to).count() == N
        assert Persetujuan.objects.filter(usulan_id__in=ids).count() == N
        assert (
            AuditEvent.objects.filter(
                object_id__in=[str(i) for i in ids], to_status=to, action="status"
            ).count()
            == N
        )
        members = Anggota.objects.filter(usulan_id__in=ids)
        if keputusan == "setuju":
            assert not members.filter(siap_sejak__isnull=True).exists()
            assert Pesan.objects.count() == pesan_before  # no message for "ready"
        else:
            assert not members.filter(aktif=True).exists()
            assert Pesan.objects.count() == pesan_before + N
            assert PesanKeluar.objects.count() == keluar_before + N
        times.append(elapsed)
        queries.append(count)
    return times, queries, floors


def hand_over(users) -> tuple[list[float], list[int], list[float], str]:
    times, queries, floors = [], [], []
    desa = Desa.objects.get(kode=factory.BENCH_DESA)
    content_type = ContentType.objects.get_for_model(Kartu).pk
    nomor = ""
    for _ in range(REPEAT):
        ids = factory.cards_at_office(N, users, desa)
        floors.append(
            floor_time(
                HANDOVER_FLOOR,
                [ids, users["petugas_distribusi"].pk, content_type, ids],
            )
        )
        staff = fresh(users["petugas_distribusi"])
        keluar_before = PesanKeluar.objects.count()
        serah, elapsed, count = measured(
            lambda ids=ids, staff=staff: serah_terima_buat(
                kartu_ids=ids,
                kanal=Kanal.DESA,
                desa=desa,
                penerima=Penerima(nama="Kadek Wiranata", jabatan="Kasi Kesra"),
                by=staff,
                token=secrets.token_urlsafe(24),
            )
        )
        assert serah.jumlah == N and len(serah.rincian) == N
        assert (
            Kartu.objects.filter(
                pk__in=ids, status=Kartu.Status.DISERAHKAN, serah_terima=serah
            ).count()
            == N
        )
        assert (
            AuditEvent.objects.filter(
                object_id__in=[str(i) for i in ids], to_status="diserahkan"
            ).count()
            == N
        )
        pesan = Pesan.objects.get(serah_terima=serah)
        assert pesan.jumlah == N and pesan.desa_id == desa.pk
        assert PesanKeluar.objects.count() == keluar_before + N
        nomor = serah.nomor
        times.append(elapsed)
        queries.append(count)
    return times, queries, floors, nomor


def figures(report, what: str, times, queries, floors) -> None:
    cpu = CPU[-len(times) :]
    worst = max(times) * 1000
    report.figure(
        f"{what}: queries",
        max(queries),
        "queries",
        floor=2,
        target=f"<= {MAX_QUERIES}",
        ok=max(queries) <= MAX_QUERIES,
    )
    report.figure(
        f"{what}: time (slowest of {len(times)})",
        worst,
        "ms",
        floor=max(floors) * 1000,
        target=f"<= {MAX_MS:.0f} ms",
        ok=worst <= MAX_MS,
    )
    report.note(
        f"{what}: median {common.median(times) * 1000:.0f} ms, floor median "
        f"{common.median(floors) * 1000:.1f} ms, queries {queries}; Python CPU "
        f"max {max(cpu) * 1000:.0f} ms"
    )


def main() -> None:
    started = time.perf_counter()
    common.migrate()
    data = factory.ensure_usulan(common.scale(250_000))
    users = factory.ensure_users()
    # What a running server has loaded before any decision: the URLconf and the
    # content types of the audit rows.
    reverse("usulan:detail", args=[1])
    ContentType.objects.get_for_models(Usulan, Kartu, SerahTerima)
    report = common.Report(
        "B7",
        "bulk decisions: kadis decides 500 usulan, 500 cards handed over",
        f"{N} usulan (3 members each) per decision, {N} cards per hand-over, "
        f"{REPEAT} runs each on fresh cases; beside {data.usulan:,} usulan",
    )
    times, queries, floors = decide(users, "setuju")
    figures(report, f"kadis approves {N} usulan", times, queries, floors)
    times, queries, floors = decide(users, "tolak")
    figures(
        report,
        f"kadis declines {N} usulan (notifications)",
        times,
        queries,
        floors,
    )
    times, queries, floors, nomor = hand_over(users)
    figures(report, f"hand-over of {N} cards to a desa", times, queries, floors)
    report.note(f"last receipt {nomor}: one inbox message counting {N} cards")

    # Constant in N: a tenth of the cases costs the same number of queries.
    small = max(1, N // 10)
    ids = factory.waiting_approval(small, users)
    kadis = fresh(users["kepala_dinas"])
    _, _, few = measured(
        lambda: persetujuan_decide(usulan_ids=ids, by=kadis, keputusan="setuju")
    )
    cards = factory.cards_at_office(small, users)
    staff = fresh(users["petugas_distribusi"])
    desa = Desa.objects.get(kode=factory.BENCH_DESA)
    _, _, few_cards = measured(
        lambda: serah_terima_buat(
            kartu_ids=cards,
            kanal=Kanal.DESA,
            desa=desa,
            penerima=Penerima(nama="Kadek Wiranata"),
            by=staff,
            token=secrets.token_urlsafe(24),
        )
    )
    report.note(
        f"queries with {small} instead of {N}: approval {few}, hand-over {few_cards}"
    )

    # The whole request, as the kadis's confirm button sends it.
    client = Client()
    client.force_login(users["kepala_dinas"])
    ids = factory.waiting_approval(N, users)
    response, elapsed, count = measured(
        lambda: client.post(
            "/verifikasi/persetujuan/konfirmasi/",
            {"usulan": ids, "keputusan": "setuju", "confirm": "1"},
        )
    )
    assert response.status_code == 302
    assert Usulan.objects.filter(pk__in=ids, status="siap").count() == N
    report.note(
        f"approval request (POST confirm, {N} usulan): {elapsed * 1000:.0f} ms, "
        f"{count} queries including session, user and messages"
    )
    report.note(f"total {time.perf_counter() - started:.0f} s; {common.load_average()}")
    report.save()


if __name__ == "__main__":
    main()
