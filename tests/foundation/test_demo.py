import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from distribusi.models import Kartu, SerahTerima
from distribusi.selectors import overdue_q as card_late
from dtks.models import DtksPeriode
from dtks.selectors import dtks_status_for
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role, user_roles
from kis_portal.wilayah.models import Desa
from laporan.forms import default_range
from laporan.selectors import Lingkup, dashboard
from notifikasi.models import Pesan
from pengaduan.models import Pengaduan
from pengaduan.selectors import open_q
from pengaduan.selectors import overdue_q as complaint_late
from rekap_bpjs.models import Batch, Nonaktif
from rekap_bpjs.selectors import members_ready
from tests.clock import frozen, wita
from usulan.models import Anggota, Pengajuan, Usulan

pytestmark = pytest.mark.django_db

DEMO_USERS = [
    "admin",
    "kadis",
    "verifikator",
    "lapangan",
    "rekap",
    "distribusi",
    "loket",
    "desa1",
    "desa2",
    "faskes",
]


def test_seed_demo_creates_region_profile_and_every_account(settings, capsys, client):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo12345" in out
    assert (
        "faskes       petugas_faskes faskes 1708R001 (RSUD KABUPATEN BULELENG)" in out
    )
    assert Desa.objects.count() == 148
    assert get_active_profile().slug == "buleleng"
    users = {u.username: u for u in get_user_model().objects.all()}
    assert sorted(users) == sorted(DEMO_USERS)
    desa1, desa2 = users["desa1"].profile.desa, users["desa2"].profile.desa
    assert desa1 and desa2 and desa1 != desa2
    assert user_roles(users["kadis"]) == {Role.KADIS}
    # The faskes user is bound to its faskes, not to a desa, and has its urgent case.
    faskes = users["faskes"]
    assert user_roles(faskes) == {Role.FASKES} and faskes.profile.desa is None
    assert faskes.profile.kode_faskes == "1708R001"
    case = Usulan.objects.get(created_by=faskes)
    assert (case.jalur, case.status) == (Usulan.Jalur.DARURAT, Usulan.Status.DIAJUKAN)
    assert case.desa == desa1
    for username in DEMO_USERS:
        assert client.login(username=username, password="demo12345"), username
        assert client.get("/").status_code == 200
        client.logout()


def test_seed_demo_leaves_usulan_at_every_stage_and_a_dtks_extract(settings):

    settings.DEBUG = True
    call_command("seed_demo")

    def statuses(username):
        qs = Usulan.objects.filter(created_by__username=username)
        return set(qs.values_list("status", flat=True))

    assert statuses("desa2") == {"draft", "diajukan", "dikembalikan"}
    assert statuses("desa1") == {
        "draft",
        "diajukan",
        "dikembalikan",
        "cek_lapangan",
        "menunggu_acc",
        "siap",
        "ditolak",
        "terdaftar",
        "gagal_bpjs",
    }
    returned = Usulan.objects.filter(status="dikembalikan").first()
    assert returned.catatan_set.filter(pesan="SKTM belum bermeterai").exists()
    ready = Usulan.objects.filter(status="siap").first()
    members = list(ready.anggota_set.values_list("nik", flat=True))
    assert all(m.siap_sejak for m in ready.anggota_set.all())
    # The extract covers part of the demo households, not all of them.
    found = dtks_status_for(
        list(Usulan.objects.values_list("anggota_set__nik", flat=True))
    )
    assert 0 < sum(s.terdaftar for s in found.values()) < len(found)
    assert members


def test_seed_demo_leaves_a_batch_with_its_result_and_one_ready_to_build(settings):

    settings.DEBUG = True
    call_command("seed_demo")
    batch = Batch.objects.get()
    assert batch.status == Batch.Status.HASIL
    assert batch.items.filter(hasil="terdaftar").exists()
    assert batch.items.filter(hasil="gagal").exists()
    assert members_ready().exists()


def test_seed_demo_leaves_cards_in_every_state_and_some_still_to_come(settings):

    settings.DEBUG = True
    call_command("seed_demo")
    states = set(Kartu.objects.values_list("status", flat=True))
    assert states == set(Kartu.Status.values)
    assert Kartu.objects.filter(card_late()).exists()
    assert set(SerahTerima.objects.values_list("kanal", flat=True)) == {"desa", "pkh"}
    waiting = Anggota.objects.filter(status_bpjs="terdaftar", kartu__isnull=True)
    assert waiting.count() >= 10


def test_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")

    before = (
        get_user_model().objects.count(),
        Desa.objects.count(),
        Usulan.objects.count(),
        Kartu.objects.count(),
    )
    call_command("seed_demo")
    after = (
        get_user_model().objects.count(),
        Desa.objects.count(),
        Usulan.objects.count(),
        Kartu.objects.count(),
    )
    assert after == before


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG mati"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()
    call_command("seed_demo", "--force")
    assert get_user_model().objects.filter(username="admin").exists()


@pytest.mark.parametrize(
    "moment",
    [wita(2027, 3, 1, 1, 30), wita(2028, 2, 29, 23, 59), wita(2027, 1, 1, 0, 30)],
    ids=["1-march-01:30", "leap-day-23:59", "new-year-00:30"],
)
def test_seed_demo_is_sensible_on_any_date(settings, moment):
    """Last month's batch, cards and complaints late and not, data in the default range."""

    settings.DEBUG = True
    with frozen(moment):
        call_command("seed_demo")
        today = timezone.localdate()
        last_month = today.replace(day=1) - datetime.timedelta(days=1)

        batch = Batch.objects.get()
        assert batch.periode == f"{last_month:%Y-%m}"
        assert batch.status == Batch.Status.HASIL
        assert members_ready().exists()  # this month's batch is ready to build

        at_office = Kartu.objects.filter(status=Kartu.Status.DITERIMA_DINSOS)
        assert at_office.filter(card_late()).exists()
        assert at_office.exclude(card_late()).exists()
        open_complaints = Pengaduan.objects.filter(open_q())
        assert open_complaints.filter(complaint_late()).exists()
        assert open_complaints.exclude(complaint_late()).exists()

        first, last = (
            datetime.date.fromisoformat(f"{month}-01") for month in default_range()
        )
        end = (last + datetime.timedelta(days=32)).replace(day=1)
        data = dashboard(Lingkup(start=first, end=end))
        assert sum(row["jumlah"] for row in data["status"]) > 0
        assert [row["periode"] for row in data["kuota"]] == [batch.periode]

        periode = DtksPeriode.objects.get().kode
        year, quarter = int(periode[:4]), int(periode[-1])
        quarter_end = datetime.date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
        assert quarter_end <= today < quarter_end + datetime.timedelta(days=92)
        assert all(
            p.nomor_surat.endswith(f"/{today.year}")
            for p in Pengajuan.objects.exclude(nomor_surat="")
        )


def test_seed_demo_has_a_usulan_in_each_lane_and_a_deactivated_participant(
    settings, client
):
    settings.DEBUG = True
    call_command("seed_demo")
    reaktivasi = Usulan.objects.get(jalur=Usulan.Jalur.REAKTIVASI)
    assert (reaktivasi.jenis, reaktivasi.status, reaktivasi.reaktivasi_alasan) == (
        "MIG37",
        "diajukan",
        "kronis",
    )
    assert Usulan.objects.filter(jalur=Usulan.Jalur.BIASA).exists()
    task = Nonaktif.objects.get()
    assert task.desa == reaktivasi.desa and task.status == "terbuka"
    assert Pesan.objects.filter(jenis="nonaktif", desa=task.desa).exists()
    assert client.login(username="desa1", password="demo12345")
    home = client.get("/").content.decode()
    assert "Peserta dinonaktifkan BPJS, perlu ditindaklanjuti" in home
    page = client.get(reaktivasi.get_absolute_url()).content.decode()
    assert "batas reaktivasi" in page
