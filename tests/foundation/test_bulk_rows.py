"""new_rows builds what the model's own constructor builds, only faster."""

import datetime

import pytest

from kis_portal.audit.models import AuditEvent
from kis_portal.bulk import new_rows
from notifikasi.models import Pesan, PesanKeluar

WHEN = datetime.datetime(2026, 12, 1, 0, 30, tzinfo=datetime.UTC)


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize(
    ("model", "row"),
    [
        (
            Pesan,
            {"desa_id": 7, "jenis": "usulan_gagal", "judul": "J", "usulan_id": 3},
        ),
        (
            PesanKeluar,
            {
                "pesan_id": 5,
                "anggota_id": None,
                "jenis": "usulan_gagal",
                "kanal": PesanKeluar.Kanal.SMS,
                "tujuan": "6281234567890",
                "isi": "teks",
                "next_attempt_at": WHEN,
            },
        ),
        (AuditEvent, {"action": AuditEvent.Action.STATUS, "object_id": "9"}),
    ],
)
def test_each_row_is_what_the_constructor_makes(model, row):
    built, made = new_rows(model, [row, dict(row)]), model(**row)
    assert [_values(obj) for obj in built] == [_values(made)] * 2
    assert all(obj._state.adding and obj.pk is None for obj in built)


def test_a_callable_default_gives_each_row_its_own_value():
    first, second = new_rows(PesanKeluar, [{"isi": "a"}, {"isi": "b"}])
    assert first.riwayat == [] and first.riwayat is not second.riwayat


def test_a_name_the_model_does_not_have_is_refused():
    with pytest.raises(TypeError, match="judulnya"):
        new_rows(Pesan, [{"judulnya": "x"}])
