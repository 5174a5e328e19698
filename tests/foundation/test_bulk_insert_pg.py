"""bulk_insert (COPY on PostgreSQL) stores exactly what bulk_create stores."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict

from kis_portal.audit.models import AuditEvent
from kis_portal.bulk import BULK_SIZE, bulk_insert
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
