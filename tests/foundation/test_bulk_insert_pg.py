"""bulk_insert and insert_rows (COPY on PostgreSQL) store exactly what bulk_create
stores; bulk_set exactly what bulk_update stores."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DataError, transaction
from django.forms.models import model_to_dict

from kis_portal.audit.models import AuditEvent
from kis_portal.bulk import BULK_SIZE, bulk_insert, bulk_set, insert_rows
from notifikasi.models import Pesan, PesanKeluar
from tests.factories import DesaFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

AWKWARD = "tab\there, new\nline, back\\slash, \\N, petik ' \" dan é ✓"


def _rows(n: int, desa, actor, ct):
    events, pesan, keluar = [], [], []
    for i in range(n):
        events.append(
            AuditEvent(
                actor=actor if i % 2 else None,
                action=AuditEvent.Action.STATUS,
                content_type=ct,
                object_id=str(i),
                object_repr=f"usulan {i}",
                from_status="siap",
                to_status="dikirim",
                reason=AWKWARD if i % 3 == 0 else "",
                data={"i": i, "teks": AWKWARD, "daftar": [1, None, True]},
            )
        )
        pesan.append(
            Pesan(desa=desa, jenis="usulan_gagal", judul=f"J {i}", isi=AWKWARD)
        )
        keluar.append(
            PesanKeluar(
                jenis="usulan_gagal",
                kanal=PesanKeluar.Kanal.SMS,
                tujuan="6281234567890",
                isi=AWKWARD,
                next_attempt_at=datetime.datetime(
                    2026, 11, 20, 23, 59, 59, 123456, tzinfo=datetime.UTC
                ),
                riwayat=[{"t": "x\ty"}],
            )
        )
    return events, pesan, keluar


def _stored(model, objs) -> list[dict]:
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    ]
    rows = model.objects.filter(pk__in=[o.pk for o in objs]).order_by("pk")
    return [model_to_dict(row, fields=fields) for row in rows]


def test_copy_stores_what_bulk_create_stores(admin_user):
    desa = DesaFactory()
    ct = ContentType.objects.get_for_model(Pesan)
    n = BULK_SIZE + 5  # COPY is used beyond one INSERT's rows
    for model, copied, created in zip(
        (AuditEvent, Pesan, PesanKeluar),
        _rows(n, desa, admin_user, ct),
        _rows(n, desa, admin_user, ct),
        strict=True,
    ):
        copied = bulk_insert(model, copied)
        created = model.objects.bulk_create(created)
        assert all(o.pk for o in copied) and len({o.pk for o in copied}) == n
        assert [o.pk for o in copied] == sorted(o.pk for o in copied)
        assert _stored(model, copied) == _stored(model, created)
        first = model.objects.get(pk=copied[0].pk)
        assert first.created_at is not None
    # The sequence moved past the ids it gave: the next row does not collide.
    Pesan.objects.create(desa=desa, jenis="usulan_gagal", judul="sesudah")


def _outgoing_row(i: int) -> dict:
    return {
        "jenis": "usulan_gagal",
        "kanal": PesanKeluar.Kanal.SMS,
        "tujuan": f"62812{i:08d}",
        "isi": AWKWARD if i % 2 else f"pesan {i}",
        "next_attempt_at": None
        if i % 3 == 0
        else datetime.datetime(2026, 11, 30, 16, 0, i % 60, tzinfo=datetime.UTC),
    }


def test_insert_rows_stores_what_bulk_create_stores_and_gives_the_ids_in_order():
    n = BULK_SIZE + 5  # COPY is used beyond one INSERT's rows
    rows = [_outgoing_row(i) for i in range(n)]
    ids = insert_rows(PesanKeluar, rows)
    created = PesanKeluar.objects.bulk_create([PesanKeluar(**row) for row in rows])
    assert len(ids) == n and ids == sorted(ids) and len(set(ids)) == n
    assert _stored(PesanKeluar, [PesanKeluar(pk=pk) for pk in ids]) == _stored(
        PesanKeluar, created
    )
    # Defaults filled per row: the callable one is each row's own empty list.
    stored = PesanKeluar.objects.get(pk=ids[1])
    assert (stored.status, stored.percobaan, stored.riwayat) == ("menunggu", 0, [])
    assert stored.created_at is not None and stored.isi == AWKWARD
    with pytest.raises(TypeError, match="isinya"):
        insert_rows(PesanKeluar, [*rows, {"isinya": "x"}])


def test_bulk_set_beyond_one_statement_stores_what_bulk_update_stores():
    n = BULK_SIZE + 5  # through COPY into a temporary table
    rows = [_outgoing_row(i) for i in range(n)]
    copied = PesanKeluar.objects.bulk_create([PesanKeluar(**row) for row in rows])
    updated = PesanKeluar.objects.bulk_create([PesanKeluar(**row) for row in rows])
    values = {
        "isi": [AWKWARD + str(i) if i % 2 == 0 else f"baru {i}" for i in range(n)],
        "riwayat": [[{"t": AWKWARD, "i": i}] if i % 4 else [] for i in range(n)],
        "percobaan": [i % 5 for i in range(n)],
        "sent_at": [
            None
            if i % 2
            else datetime.datetime(2026, 12, 1, 0, 30, tzinfo=datetime.UTC)
            for i in range(n)
        ],
    }
    with transaction.atomic():
        bulk_set(PesanKeluar, [o.pk for o in copied], values)
        # The temporary table went with the update: a second one is fine.
        bulk_set(PesanKeluar, [o.pk for o in copied[:2]], {"tujuan": ["1", "2"]})
        bulk_set(PesanKeluar, [o.pk for o in copied], {"backend": ["x"] * n})
    for i, obj in enumerate(updated):
        for name, column in values.items():
            setattr(obj, name, column[i])
    PesanKeluar.objects.bulk_update(updated, list(values))
    for obj in updated[:2]:
        obj.tujuan = "12"[updated.index(obj)]
    PesanKeluar.objects.bulk_update(updated[:2], ["tujuan"])
    PesanKeluar.objects.filter(pk__in=[o.pk for o in updated]).update(backend="x")
    assert _stored(PesanKeluar, copied) == _stored(PesanKeluar, updated)


def test_a_bulk_set_that_fails_changes_nothing_and_leaves_no_table_behind():
    n = BULK_SIZE + 5
    rows = PesanKeluar.objects.bulk_create(
        [PesanKeluar(**_outgoing_row(i)) for i in range(n)]
    )
    pks = [o.pk for o in rows]
    too_long = ["6" * 21 if i == n - 1 else "62811" for i in range(n)]  # max 20
    with pytest.raises(DataError), transaction.atomic():
        bulk_set(PesanKeluar, pks, {"tujuan": too_long})
    assert not PesanKeluar.objects.filter(pk__in=pks, tujuan="62811").exists()
    with transaction.atomic():
        bulk_set(PesanKeluar, pks, {"tujuan": ["62811"] * n})
    assert PesanKeluar.objects.filter(pk__in=pks, tujuan="62811").count() == n


def test_a_copy_of_many_parts_stores_every_row_whole():
    """COPY text is handed over 64 KB at a time as it is made: 3,000 rows of
    ~2 KB of awkward JSON are some hundred parts, and each row arrives whole."""
    n = 3 * BULK_SIZE
    rows = PesanKeluar.objects.bulk_create(
        [PesanKeluar(**_outgoing_row(i)) for i in range(n)]
    )
    riwayat = [[{"t": AWKWARD * 25, "i": i}] for i in range(n)]
    with transaction.atomic():
        bulk_set(PesanKeluar, [o.pk for o in rows], {"riwayat": riwayat})
    stored = dict(
        PesanKeluar.objects.filter(pk__in=[o.pk for o in rows]).values_list(
            "pk", "riwayat"
        )
    )
    assert [stored[o.pk] for o in rows] == riwayat


def test_a_value_that_fails_half_way_through_a_copy_changes_nothing():
    """A value that cannot be encoded, met after parts were sent: the error
    reaches the caller, nothing is written, and the connection goes on."""
    n = 3 * BULK_SIZE
    rows = PesanKeluar.objects.bulk_create(
        [PesanKeluar(**_outgoing_row(i)) for i in range(n)]
    )
    pks = [o.pk for o in rows]
    riwayat = [[{"t": AWKWARD * 25}] for _ in range(n)]
    riwayat[-1] = [{"t": object()}]  # no JSON for it
    with pytest.raises(TypeError), transaction.atomic():
        bulk_set(PesanKeluar, pks, {"riwayat": riwayat})
    assert not PesanKeluar.objects.filter(pk__in=pks).exclude(riwayat=[]).exists()
    with transaction.atomic():
        bulk_set(PesanKeluar, pks, {"riwayat": riwayat[:-1] + [[]]})
    assert PesanKeluar.objects.filter(pk__in=pks).exclude(riwayat=[]).count() == n - 1
