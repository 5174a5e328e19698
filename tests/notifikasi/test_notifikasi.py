"""Status changes reach the desa inbox and the citizen's phone, after commit."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from distribusi.models import Kanal, Kartu
from distribusi.services import Penerima, kartu_receive_batch, serah_terima_create
from kis_portal.audit.models import AuditEvent
from kis_portal.identifiers import phone_international
from notifikasi.models import Jenis, Pesan, PesanKeluar
from notifikasi.services import usulan_notify
from notifikasi.tasks import pesan_keluar_send
from tests.factories import make_user
from usulan.models import Usulan
from usulan.services import usulan_advance, usulan_reject, usulan_return

from .conftest import apply_result, make_due, sent_batch, submitted

pytestmark = pytest.mark.django_db

NOTE = [{"item": "sktm", "item_label": "SKTM", "pesan": "SKTM belum bermeterai"}]


def test_phone_numbers_are_normalised_for_the_gateway():
    assert phone_international("0812-3456-7001") == "6281234567001"
    assert phone_international("+62 812 3456 7001") == "6281234567001"
    assert phone_international("812345670") == "62812345670"
    assert phone_international("0361 21234") == ""  # a landline gets no SMS
    assert phone_international("") == ""


def test_returned_usulan_reaches_the_desa_inbox_and_each_phone_once(
    operator_a, verifikator, desa_a
):
    usulan = submitted(operator_a, "0812 3456 7001", "081234567001")
    assert not Pesan.objects.exists()  # submitting is not news for the desa
    usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)

    pesan = Pesan.objects.get()
    assert (pesan.desa, pesan.jenis, pesan.usulan) == (
        desa_a,
        Jenis.DIKEMBALIKAN,
        usulan,
    )
    assert usulan.nomor in pesan.judul and "SKTM belum bermeterai" in pesan.isi
    assert pesan.tautan == usulan.get_absolute_url()
    # Both members share one number: one message.
    keluar = PesanKeluar.objects.get()
    assert (keluar.tujuan, keluar.status, keluar.pesan) == (
        "6281234567001",
        PesanKeluar.Status.MENUNGGU,
        pesan,
    )
    assert usulan.nomor in keluar.isi
    assert "SKTM" not in keluar.isi  # reasons stay in the portal


def test_rejected_usulan_notifies_the_desa(operator_a, verifikator):
    usulan = submitted(operator_a)
    usulan_reject(usulan_id=usulan.pk, by=verifikator, reason="Bukan warga miskin")
    pesan = Pesan.objects.get()
    assert pesan.jenis == Jenis.DITOLAK and pesan.isi == "Bukan warga miskin"
    assert not PesanKeluar.objects.exists()  # nobody has a phone number


def test_steps_inside_the_office_are_not_announced(operator_a, verifikator, kadis):
    usulan = submitted(operator_a, "081234567001")
    usulan_advance(usulan_id=usulan.pk, to=Usulan.Status.CEK_LAPANGAN, by=verifikator)
    usulan_advance(usulan_id=usulan.pk, to=Usulan.Status.MENUNGGU_ACC, by=verifikator)
    usulan_advance(usulan_id=usulan.pk, to=Usulan.Status.SIAP, by=kadis)
    assert not Pesan.objects.exists() and not PesanKeluar.objects.exists()


def test_locking_the_batch_and_bpjs_result_notify_sent_enrolled_and_failed(
    rekap, operator_a, operator_b, desa_a, desa_b
):
    batch, (ok, failed, other) = sent_batch(
        rekap,
        [(operator_a, 2, "081234567001"), (operator_a, 1, ""), (operator_b, 1, "")],
    )
    sent = Pesan.objects.filter(jenis=Jenis.DIKIRIM)
    assert {(p.usulan_id, p.desa_id) for p in sent} == {
        (ok.pk, desa_a.pk),
        (failed.pk, desa_a.pk),
        (other.pk, desa_b.pk),
    }
    assert PesanKeluar.objects.filter(jenis=Jenis.DIKIRIM).count() == 1

    apply_result(rekap, batch, failed_usulan_ids={failed.pk})
    enrolled = Pesan.objects.filter(jenis=Jenis.TERDAFTAR)
    assert {p.usulan_id for p in enrolled} == {ok.pk, other.pk}
    gagal = Pesan.objects.get(jenis=Jenis.GAGAL_BPJS)
    assert gagal.usulan_id == failed.pk and "NIK tidak padan" in gagal.isi
    keluar = PesanKeluar.objects.get(jenis=Jenis.TERDAFTAR)
    assert keluar.tujuan == "6281234567001" and ok.nomor in keluar.isi


def test_cards_handed_to_a_desa_make_one_message_per_receipt(
    rekap, distribusi, operator_a, desa_a
):
    batch, (household, _) = sent_batch(
        rekap, [(operator_a, 2, "081234567001"), (operator_a, 1, "")]
    )
    apply_result(rekap, batch)
    kartu_receive_batch(
        periode=batch.periode, tanggal=timezone.localdate(), by=distribusi
    )
    before = PesanKeluar.objects.count()
    serah = serah_terima_create(
        kartu_ids=list(Kartu.objects.values_list("pk", flat=True)),
        kanal=Kanal.DESA,
        desa=desa_a,
        penerima=Penerima(nama="I Made Sukra", jabatan="Kasi Kesra"),
        by=distribusi,
    )
    pesan = Pesan.objects.get(jenis=Jenis.KARTU_SIAP)
    assert (pesan.desa, pesan.serah_terima, pesan.jumlah) == (desa_a, serah, 3)
    assert serah.nomor in pesan.judul
    keluar = PesanKeluar.objects.filter(jenis=Jenis.KARTU_SIAP)
    # The household of two shares one number, but each card is news for its owner.
    assert keluar.count() == PesanKeluar.objects.count() - before == 2
    assert all("kantor desa" in k.isi and household.nomor in k.isi for k in keluar)


def test_a_card_collected_at_the_office_is_not_announced(rekap, distribusi, operator_a):
    batch, _ = sent_batch(rekap, [(operator_a, 1, "081234567001")])
    apply_result(rekap, batch)
    kartu_receive_batch(
        periode=batch.periode, tanggal=timezone.localdate(), by=distribusi
    )
    serah_terima_create(
        kartu_ids=[Kartu.objects.get().pk],
        kanal=Kanal.KANTOR,
        penerima=Penerima(nama="Warga sendiri"),
        by=distribusi,
        langsung_warga=True,
    )
    assert not Pesan.objects.filter(jenis=Jenis.KARTU_SIAP).exists()


# --- After commit, retries -------------------------------------------------------------


def test_messages_leave_only_after_the_commit(
    operator_a, verifikator, django_capture_on_commit_callbacks
):
    usulan = submitted(operator_a, "081234567001")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)
    keluar = PesanKeluar.objects.get()
    assert keluar.status == PesanKeluar.Status.MENUNGGU and keluar.percobaan == 0
    assert callbacks
    for callback in callbacks:
        callback()
    keluar.refresh_from_db()
    assert keluar.status == PesanKeluar.Status.TERKIRIM
    assert keluar.backend == "notifikasi.backends.DatabaseLogBackend"
    assert keluar.percobaan == 1 and keluar.id_gateway == f"log-{keluar.pk}"


def test_a_rolled_back_action_leaves_no_message(operator_a, verifikator):
    usulan = submitted(operator_a, "081234567001")
    with pytest.raises(RuntimeError), transaction.atomic():
        usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)
        raise RuntimeError("boom")
    assert not Pesan.objects.exists() and not PesanKeluar.objects.exists()


def test_the_gateway_gets_json_with_the_token_header(
    operator_a, verifikator, gateway, django_capture_on_commit_callbacks
):
    usulan = submitted(operator_a, "081234567001")
    with django_capture_on_commit_callbacks(execute=True):
        usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)
    (request,) = gateway.requests
    assert request["headers"]["Authorization"] == "rahasia-token"
    assert request["headers"]["Content-Type"] == "application/json"
    keluar = PesanKeluar.objects.get()
    assert request["json"] == {
        "to": "6281234567001",
        "message": keluar.isi,
        "channel": "whatsapp",
        "reference": str(keluar.pk),
    }
    assert (keluar.status, keluar.id_gateway) == (PesanKeluar.Status.TERKIRIM, "wa-1")


def test_a_failing_gateway_keeps_the_staff_action_and_records_the_retry(
    login, operator_a, verifikator, admin_user, gateway, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.KIS_NOTIF_MAX_PERCOBAAN = 2
    settings.KIS_NOTIF_JEDA_DETIK = 120
    gateway.status = 500
    gateway.body = {"error": "quota habis"}
    usulan = submitted(operator_a, "081234567001")
    with django_capture_on_commit_callbacks(execute=True):
        usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)

    usulan.refresh_from_db()
    assert usulan.status == Usulan.Status.DIKEMBALIKAN  # the staff action stands
    assert Pesan.objects.filter(jenis=Jenis.DIKEMBALIKAN).exists()
    keluar = PesanKeluar.objects.get()
    assert keluar.status == PesanKeluar.Status.ULANG and keluar.percobaan == 1
    assert (
        "HTTP 500" in keluar.error_terakhir and "quota habis" in keluar.error_terakhir
    )
    wait = keluar.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=100) < wait <= datetime.timedelta(seconds=120)
    assert keluar.riwayat[0]["hasil"] == "gagal"
    assert pesan_keluar_send() == {}  # not due yet: nothing is sent early

    make_due(keluar)
    assert pesan_keluar_send() == {"gagal": 1}  # second failure: attempts used up
    keluar.refresh_from_db()
    assert keluar.status == PesanKeluar.Status.GAGAL and keluar.percobaan == 2
    assert keluar.next_attempt_at is None and len(gateway.requests) == 2

    # Visible to staff, retried by the admin once the gateway works again.
    page = login(admin_user).get("/notifikasi/keluar/?status=gagal")
    html = page.content.decode()
    assert "quota habis" in html and "Kirim ulang" in html
    assert "081234567001" not in html and "6281234567001" not in html  # masked
    gateway.status, gateway.body = 200, {"status": True, "id": "wa-9"}
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin_user).post(
            f"/notifikasi/keluar/{keluar.pk}/kirim-ulang/", follow=True
        )
    # The test's transaction commits after the view: the message is queued.
    assert f"Pesan {keluar.pk} dijadwalkan dikirim ulang." in response.content.decode()
    keluar.refresh_from_db()
    assert (keluar.status, keluar.percobaan, keluar.id_gateway) == (
        PesanKeluar.Status.TERKIRIM,
        3,
        "wa-9",
    )
    assert AuditEvent.objects.filter(
        object_id=str(keluar.pk), reason="Pesan keluar dikirim ulang"
    ).exists()


def test_an_unreachable_or_slow_gateway_fails_within_the_timeout(
    settings, gateway, operator_a, verifikator, django_capture_on_commit_callbacks
):
    settings.KIS_NOTIF_GATEWAY_TIMEOUT = 0.3
    gateway.answering.clear()  # the gateway holds the request past the timeout
    usulan = submitted(operator_a, "081234567001")
    with django_capture_on_commit_callbacks(execute=True):
        usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)
    gateway.answering.set()
    keluar = PesanKeluar.objects.get()
    assert keluar.status == PesanKeluar.Status.ULANG
    assert "tidak dapat dihubungi" in keluar.error_terakhir

    settings.KIS_NOTIF_GATEWAY_URL = ""
    make_due(keluar)
    pesan_keluar_send()
    keluar.refresh_from_db()
    assert "belum diatur" in keluar.error_terakhir and keluar.percobaan == 2


def test_a_gateway_that_answers_status_false_is_a_failure(
    gateway, operator_a, verifikator, django_capture_on_commit_callbacks
):
    gateway.body = {"status": False, "reason": "nomor tidak terdaftar WhatsApp"}
    usulan = submitted(operator_a, "081234567001")
    with django_capture_on_commit_callbacks(execute=True):
        usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)
    keluar = PesanKeluar.objects.get()
    assert keluar.status == PesanKeluar.Status.ULANG
    assert "nomor tidak terdaftar WhatsApp" in keluar.error_terakhir


def test_the_command_sends_due_messages(operator_a, verifikator, capsys):
    usulan = submitted(operator_a, "081234567001", "081234567002")
    usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)  # never committed
    assert PesanKeluar.objects.filter(status="menunggu").count() == 2
    call_command("kirim_notifikasi")
    assert "2 pesan diproses: 2 terkirim" in capsys.readouterr().out
    assert PesanKeluar.objects.filter(status="terkirim").count() == 2
    call_command("kirim_notifikasi")  # sent once only
    assert "0 pesan diproses" in capsys.readouterr().out


def test_the_outgoing_log_and_its_phone_numbers_are_for_the_admin_only(
    login, operator_a, verifikator, admin_user
):
    usulan = submitted(operator_a, "081234567001")
    usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)
    keluar = PesanKeluar.objects.get()
    PesanKeluar.objects.filter(pk=keluar.pk).update(
        status=PesanKeluar.Status.GAGAL, error_terakhir="Gateway mati"
    )
    assert login(operator_a).get("/notifikasi/keluar/").status_code == 403
    # Issue 21: the log shows citizens' phone numbers; staff roles have no need.
    assert login(verifikator).get("/notifikasi/keluar/").status_code == 403
    page = login(admin_user).get("/notifikasi/keluar/")
    assert page.status_code == 200 and "Gateway mati" in page.content.decode()
    assert "Kirim ulang" in page.content.decode()
    retry = login(verifikator).post(f"/notifikasi/keluar/{keluar.pk}/kirim-ulang/")
    assert retry.status_code == 403


# --- The desa inbox --------------------------------------------------------------------


def test_the_inbox_is_per_desa_and_read_state_per_operator(
    login, client, operator_a, operator_b, verifikator, desa_a
):
    usulan = submitted(operator_a)
    usulan_return(usulan_id=usulan.pk, by=verifikator, notes=NOTE)
    pesan = Pesan.objects.get()
    colleague = make_user("operator_desa", username="desa_a2", desa=desa_a)

    outsider = login(operator_b)
    assert pesan.judul not in outsider.get("/notifikasi/").content.decode()
    assert outsider.get(f"/notifikasi/{pesan.pk}/").status_code == 404
    assert outsider.post(f"/notifikasi/{pesan.pk}/dibaca/").status_code == 404
    assert "Pesan belum dibaca" not in outsider.get("/").content.decode()
    assert login(verifikator).get("/notifikasi/").status_code == 403

    own = login(operator_a)
    home = own.get("/")
    waiting = {item.label: item.count for item in home.context["waiting"]}
    assert waiting["Pesan belum dibaca"] == 1
    inbox = own.get("/notifikasi/?belum=1").content.decode()
    assert pesan.judul in inbox and "SKTM belum bermeterai" in inbox
    opened = own.get(f"/notifikasi/{pesan.pk}/")
    assert opened.url == usulan.get_absolute_url()
    assert pesan.judul not in own.get("/notifikasi/?belum=1").content.decode()
    assert pesan.judul in own.get("/notifikasi/").content.decode()

    # Another operator of the same desa still has it unread, until marking all.
    other = login(colleague)
    assert pesan.judul in other.get("/notifikasi/?belum=1").content.decode()
    other.post("/notifikasi/dibaca-semua/")
    assert pesan.judul not in other.get("/notifikasi/?belum=1").content.decode()


def test_an_operator_marks_one_message_read(login, operator_a, verifikator):
    first, second = submitted(operator_a), submitted(operator_a)
    usulan_return(usulan_id=first.pk, by=verifikator, notes=NOTE)
    usulan_reject(usulan_id=second.pk, by=verifikator, reason="Mampu")
    client = login(operator_a)
    pesan = Pesan.objects.get(usulan=first)
    response = client.post(
        f"/notifikasi/{pesan.pk}/dibaca/", {"next": "/notifikasi/?belum=1"}
    )
    assert response.url == "/notifikasi/?belum=1"
    assert client.post(f"/notifikasi/{pesan.pk}/dibaca/").status_code == 302
    page = client.get("/notifikasi/?belum=1")
    assert page.context["unread"] == 1
    assert [p.usulan_id for p in page.context["page_obj"]] == [second.pk]
    evil = client.post(f"/notifikasi/{pesan.pk}/dibaca/", {"next": "//evil.test/"})
    assert evil.url == "/notifikasi/"


def test_the_receiver_costs_three_queries_at_most(
    operator_a, django_assert_max_num_queries
):

    usulan = submitted(operator_a, "081234567001", "081234567002")
    usulan = Usulan.objects.get(pk=usulan.pk)
    with django_assert_max_num_queries(3):
        usulan_notify(usulan, jenis=Jenis.DIKIRIM, reason="Dikirim")
    assert PesanKeluar.objects.count() == 2


def test_the_inbox_shows_how_many_cards_a_receipt_holds(
    login, rekap, distribusi, operator_a, desa_a
):
    batch, _ = sent_batch(rekap, [(operator_a, 2, "")])
    apply_result(rekap, batch)
    kartu_receive_batch(
        periode=batch.periode, tanggal=timezone.localdate(), by=distribusi
    )
    serah_terima_create(
        kartu_ids=list(Kartu.objects.values_list("pk", flat=True)),
        kanal=Kanal.DESA,
        desa=desa_a,
        penerima=Penerima(nama="I Made Sukra"),
        by=distribusi,
    )
    html = login(operator_a).get("/notifikasi/").content.decode()
    assert "Kartu siap dibagikan" in html and "2 kartu" in html
    assert "I Made Sukra" in html


def test_the_household_phone_is_used_when_no_member_has_one(operator_a, verifikator):
    """Issue 20 point 11: operators fill in the household's number, not members'."""
    usulan = submitted(operator_a, household_phone="0812 3456 7001")
    usulan_reject(usulan_id=usulan.pk, by=verifikator, reason="Bukan warga miskin")
    keluar = PesanKeluar.objects.get()
    assert keluar.tujuan == "6281234567001"
    assert keluar.anggota_id is None


def test_a_member_s_own_number_comes_before_the_household_s(operator_a, verifikator):
    usulan = submitted(operator_a, "081234567009", household_phone="081234567001")
    usulan_reject(usulan_id=usulan.pk, by=verifikator, reason="Bukan warga miskin")
    assert list(PesanKeluar.objects.values_list("tujuan", flat=True)) == [
        "6281234567009"
    ]


def test_a_family_that_opted_out_gets_no_sms_and_the_desa_still_its_inbox(
    operator_a, verifikator
):
    usulan = submitted(operator_a, "081234567009", household_phone="081234567001")
    Usulan.objects.filter(pk=usulan.pk).update(tanpa_kabar_hp=True)
    usulan_reject(usulan_id=usulan.pk, by=verifikator, reason="Bukan warga miskin")
    assert Pesan.objects.filter(usulan=usulan).exists()
    assert not PesanKeluar.objects.exists()
