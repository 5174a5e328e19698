"""The head of office decides many usulan at once: same outcome, constant queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.roles import user_roles
from notifikasi.models import Pesan, PesanKeluar
from tests.usulan.factories import household, member
from usulan.models import Anggota, Usulan
from verifikasi.approval import persetujuan_decide
from verifikasi.models import CekLapangan, Pemeriksaan, Persetujuan

pytestmark = pytest.mark.django_db
S = Usulan.Status
# The bulk paths' budget (bench B7 measures 500 at once on PostgreSQL).
MAX_QUERIES = 12


@pytest.fixture(autouse=True)
def buleleng(db):
    call_command("load_profile", "buleleng", verbosity=0)
    ContentType.objects.get_for_models(Usulan, AuditEvent)  # a warm cache, as in use


def waiting(operator, verifikator, lapangan, n: int) -> list[Usulan]:
    """n usulan accepted and checked in the field, as the real flow leaves them.

    Built directly (the flow itself is tested in test_approval): two members
    each, the head of the family with a phone number.
    """
    desa = operator.profile.desa
    usulan_list = []
    for _ in range(n):
        data = household(desa)
        usulan = Usulan.objects.create(
            jenis=data["jenis"],
            sumber="desa",
            desa=desa,
            no_kk=data["no_kk"],
            alamat=data["alamat"],
            rt=data["rt"],
            rw=data["rw"],
            status=S.MENUNGGU_ACC,
            submitted_at=timezone.now(),
            created_by=operator,
        )
        for index, row in enumerate([member(desa), member(desa, sex="P")]):
            row["telepon"] = "081234567001" if index == 0 else ""
            Anggota.objects.create(usulan=usulan, **row)
        Pemeriksaan.objects.create(
            usulan=usulan, putaran=1, verifikator=verifikator, keputusan="terima"
        )
        CekLapangan.objects.create(
            usulan=usulan,
            petugas=lapangan,
            tanggal_kunjungan=timezone.localdate(),
            temuan="Rumah bambu.",
            rekomendasi="layak",
        )
        usulan_list.append(usulan)
    return usulan_list


def decide(django_assert_max_num_queries, usulan_list, kadis, keputusan) -> int:
    user_roles(kadis)  # read once per request, by role_required, before the service
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        done = persetujuan_decide(
            usulan_ids=[u.pk for u in usulan_list],
            by=kadis,
            keputusan=keputusan,
            alasan="" if keputusan == "setuju" else "Peserta PPU",
        )
    assert len(done) == len(usulan_list)
    return len(captured)


def test_approving_fifty_at_once_costs_the_queries_of_five(
    django_assert_max_num_queries, kadis, lapangan, operator_a, verifikator
):
    few = waiting(operator_a, verifikator, lapangan, 5)
    many = waiting(operator_a, verifikator, lapangan, 50)

    assert decide(django_assert_max_num_queries, few, kadis, "setuju") == decide(
        django_assert_max_num_queries, many, kadis, "setuju"
    )

    ids = [u.pk for u in few + many]
    assert Usulan.objects.filter(pk__in=ids, status=S.SIAP).count() == 55
    assert Persetujuan.objects.filter(kadis=kadis, keputusan="setuju").count() == 55
    history = AuditEvent.objects.filter(
        object_id__in=[str(pk) for pk in ids], to_status=S.SIAP
    )
    assert history.count() == 55
    assert set(history.values_list("from_status", "reason", "actor")) == {
        (S.MENUNGGU_ACC, "Disetujui Kepala Dinas", kadis.pk)
    }
    assert not Anggota.objects.filter(usulan__in=ids, siap_sejak__isnull=True).exists()
    assert not Pesan.objects.exists()  # being ready is not announced


def test_declining_fifty_at_once_tells_each_desa_and_frees_the_niks(
    django_assert_max_num_queries, kadis, lapangan, operator_a, verifikator
):
    few = waiting(operator_a, verifikator, lapangan, 5)
    many = waiting(operator_a, verifikator, lapangan, 50)

    assert decide(django_assert_max_num_queries, few, kadis, "tolak") == decide(
        django_assert_max_num_queries, many, kadis, "tolak"
    )

    ids = [u.pk for u in few + many]
    assert Usulan.objects.filter(pk__in=ids, status=S.DITOLAK).count() == 55
    assert not Anggota.objects.filter(usulan__in=ids, aktif=True).exists()
    # One inbox message per usulan, one WhatsApp per member with a phone.
    pesan = Pesan.objects.filter(usulan__in=ids)
    assert pesan.count() == 55
    assert set(pesan.values_list("jenis", "isi", "desa")) == {
        (
            "ditolak",
            "Tidak disetujui Kepala Dinas: Peserta PPU",
            operator_a.profile.desa_id,
        )
    }
    first = many[0]
    inbox = Pesan.objects.get(usulan=first)
    assert inbox.judul == f"Usulan {first.nomor} ditolak"
    assert inbox.tautan == first.get_absolute_url()
    keluar = PesanKeluar.objects.filter(pesan__usulan__in=ids)
    assert keluar.count() == 55
    assert set(keluar.values_list("tujuan", flat=True)) == {"6281234567001"}
    assert first.nomor in keluar.get(pesan__usulan=first).isi


def test_a_bulk_decision_with_one_usulan_already_decided_changes_nothing(
    kadis, lapangan, operator_a, verifikator
):
    usulan_list = waiting(operator_a, verifikator, lapangan, 4)
    persetujuan_decide(usulan_ids=[usulan_list[0].pk], by=kadis, keputusan="setuju")

    with pytest.raises(ValidationError, match="sudah diputuskan \\(Disetujui\\)"):
        persetujuan_decide(
            usulan_ids=[u.pk for u in usulan_list], by=kadis, keputusan="setuju"
        )

    assert Usulan.objects.filter(status=S.MENUNGGU_ACC).count() == 3
    assert Persetujuan.objects.count() == 1
