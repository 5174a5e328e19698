"""Many cards handed over under one receipt, and the hand-over page: constant queries."""

import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from distribusi.models import Kanal, Kartu, SerahTerima
from distribusi.services import Penerima, serah_terima_create
from kis_portal.audit.models import AuditEvent
from kis_portal.roles import user_roles
from notifikasi.models import Pesan, PesanKeluar
from tests.usulan.factories import household, member
from usulan.models import Anggota, Usulan

pytestmark = pytest.mark.django_db
MAX_QUERIES = 12  # the bulk path's budget (bench B7: 500 cards on PostgreSQL)
_noka = itertools.count(1)


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)
    ContentType.objects.get_for_models(Kartu, SerahTerima)  # a warm cache, as in use


def cards_at_office(operator, distribusi, n: int) -> list[Kartu]:
    """n cards of enrolled household heads (with a phone), received at the office.

    Built directly: receiving cards is tested in test_distribusi.
    """
    desa = operator.profile.desa
    cards = []
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
            status=Usulan.Status.TERDAFTAR,
            submitted_at=timezone.now(),
            created_by=operator,
        )
        anggota = Anggota.objects.create(
            usulan=usulan,
            status_bpjs=Anggota.StatusBpjs.TERDAFTAR,
            noka=f"0009{next(_noka):09d}",
            **{**member(desa), "telepon": "081234567002"},
        )
        cards.append(
            Kartu.objects.create(
                noka=anggota.noka,
                anggota=anggota,
                desa=desa,
                diterima_tanggal=timezone.localdate(),
                diterima_oleh=distribusi,
            )
        )
    return cards


def hand_over(django_assert_max_num_queries, cards, desa, distribusi, token) -> int:
    user_roles(distribusi)  # read once per request, by role_required
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        serah = serah_terima_create(
            kartu_ids=[c.pk for c in cards],
            kanal=Kanal.DESA,
            desa=desa,
            penerima=Penerima(nama="I Made Sukra", jabatan="Kasi Kesra"),
            by=distribusi,
            token=token,
        )
    assert serah.jumlah == len(cards) and len(serah.rincian) == len(cards)
    return len(captured)


@pytest.mark.usefixtures("clock_still")  # receipt numbers run per year
def test_handing_over_fifty_cards_costs_the_queries_of_five(
    django_assert_max_num_queries, operator_a, distribusi
):
    desa = operator_a.profile.desa
    few = cards_at_office(operator_a, distribusi, 5)
    many = cards_at_office(operator_a, distribusi, 50)

    assert hand_over(
        django_assert_max_num_queries, few, desa, distribusi, "satu"
    ) == hand_over(django_assert_max_num_queries, many, desa, distribusi, "dua")

    year = timezone.localdate().year
    first, second = (
        Kartu.objects.get(pk=few[0].pk).serah_terima,
        Kartu.objects.get(pk=many[0].pk).serah_terima,
    )
    assert (first.urut, second.urut) == (1, 2)  # numbers stay gap-free
    assert second.nomor.startswith(f"TT/{year}/") and second.nomor.endswith("/0002")
    moved = Kartu.objects.filter(serah_terima=second)
    assert moved.count() == 50
    assert set(moved.values_list("status", "diserahkan_tanggal")) == {
        (Kartu.Status.DISERAHKAN, timezone.localdate())
    }
    history = AuditEvent.objects.filter(
        object_id__in=[str(c.pk) for c in many], to_status=Kartu.Status.DISERAHKAN
    )
    assert history.count() == 50
    assert set(history.values_list("from_status", "reason")) == {
        (
            Kartu.Status.DITERIMA_DINSOS,
            f"Diserahkan (Desa/kelurahan) kepada I Made Sukra, tanda terima {second.nomor}",
        )
    }
    # One inbox message per receipt and desa, counting its cards; one WhatsApp
    # per card holder.
    pesan = Pesan.objects.get(serah_terima=second)
    assert (pesan.jumlah, pesan.desa_id) == (50, desa.pk)
    assert PesanKeluar.objects.filter(pesan=pesan).count() == 50


def test_the_hand_over_page_costs_the_same_queries_for_2_or_20_cards(
    django_assert_max_num_queries, client, login, operator_a, distribusi
):
    desa = operator_a.profile.desa
    login(distribusi)
    url = f"/distribusi/serah-terima/baru/?desa={desa.pk}"
    counts = []
    for n in (2, 18):
        cards_at_office(operator_a, distribusi, n)
        with django_assert_max_num_queries(10) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('name="kartu"') == len(
            Kartu.objects.filter(desa=desa, status=Kartu.Status.DITERIMA_DINSOS)
        )
        counts.append(len(captured))
    assert counts[0] == counts[1]

    serah = Kartu.objects.first()
    serah_terima_create(
        kartu_ids=list(Kartu.objects.values_list("pk", flat=True)),
        kanal=Kanal.DESA,
        desa=desa,
        penerima=Penerima(nama="I Made Sukra"),
        by=distribusi,
    )
    serah.refresh_from_db()
    with django_assert_max_num_queries(12):
        assert client.get(serah.serah_terima.get_absolute_url()).status_code == 200
