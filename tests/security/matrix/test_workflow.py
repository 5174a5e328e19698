"""Workflow order: every status move a user can ask for, from every status, as every role.

Each state machine's moves are driven through the screens a user would use: the
object is put in a status (inside a savepoint), the action's form is posted as
each role, the status is read back, and the savepoint is rolled back. A move is
expected to happen only when the role may do it and the app's transition table
allows it from that status; otherwise the status must not change and the user
must be told (a 4xx, a message, or a form error). Asking for the status the object
already has (a double click) may pass silently, as long as nothing changes.

At the service level, for every workflow (kis_portal.workflow), every move in its
table works on the single and the bulk path and writes one history row (none for
the technical queues), and every other pair of statuses is refused.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.messages import SUCCESS, get_messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from distribusi.models import Kanal, Kartu
from distribusi.workflow import KARTU
from kis_portal.audit.models import AuditEvent
from kis_portal.jobs.workflow import JOB
from kis_portal.roles import Role
from kis_portal.workflow import InvalidTransition, all_workflows
from notifikasi.workflow import PESAN_KELUAR
from pengaduan.models import Pengaduan
from pengaduan.selectors import HANDLERS
from pengaduan.workflow import PENGADUAN
from rekap_bpjs.models import Batch, BatchItem
from rekap_bpjs.results import result_apply
from rekap_bpjs.workflow import BATCH, NONAKTIF
from usulan.models import Usulan
from usulan.workflow import USULAN
from verifikasi.checklist import build_checklist

from .conftest import FIGURES, SUBJECTS, client_for, jpeg_upload
from .urlmap import sample_objects

pytestmark = pytest.mark.django_db

U = Usulan.Status
B = Batch.Status
K = Kartu.Status
P = Pengaduan.Status
USULAN_TRANSITIONS = USULAN.transitions
# The batch moves one way only (its table must say so).
BATCH_TRANSITIONS = {
    B.DRAFT: {B.TERKUNCI},
    B.TERKUNCI: {B.HASIL},
    B.HASIL: {B.DITUTUP},
    B.DITUTUP: set(),
}
KARTU_TRANSITIONS = KARTU.transitions
PENGADUAN_TRANSITIONS = PENGADUAN.transitions
STAFF_KARTU = (Role.DISTRIBUSI, Role.ADMIN)
STAFF_REKAP = (Role.REKAP, Role.ADMIN)


@dataclass
class Action:
    """One thing a user can post that moves an object to `targets`."""

    name: str
    url: Callable[[], str]  # the path to post to
    data: Callable[[], dict]  # the POST body (built anew: files are read once)
    targets: set  # the statuses it moves to (DELETED for a delete)
    # role -> statuses it may start from (every other role: none)
    allowed: dict = field(default_factory=dict)

    def may(self, subject: str, status: str) -> bool:
        return status in self.allowed.get(subject, ())


DELETED = "(dihapus)"


def refusal_shown(response) -> bool:
    """A 4xx, the login page, a message that is not a success, or a form error."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    ):
        return True
    notes = [m for m in get_messages(response.wsgi_request) if m.level != SUCCESS]
    if any(str(m).strip() for m in notes):
        return True
    context = response.context or {}
    if context.get("error"):
        return True
    form = context.get("form")
    return bool(form is not None and form.errors)


@dataclass
class Tally:
    attempts: int = 0
    problems: list = field(default_factory=list)


def run_machine(
    tally: Tally,
    session_keys,
    *,
    machine: str,
    table: dict,
    actions: list[Action],
    statuses: list[str],
    put: Callable[[str], None],  # put the object in a status
    read: Callable[[], str],  # the object's status now (DELETED if gone)
) -> None:
    """Every action x every starting status x every role, each rolled back."""
    for action in actions:
        for start in statuses:
            for allowed_start in action.allowed.values():
                for target in action.targets:
                    if start in allowed_start and target != DELETED:
                        assert target in table[start] or target == start, (
                            f"{machine}: the test allows {action.name} "
                            f"{start} -> {target}, the app's table does not"
                        )
            for subject in SUBJECTS:
                tally.attempts += 1
                with transaction.atomic():
                    put(start)
                    client = client_for(session_keys.get(subject))
                    response = client.post(action.url(), action.data())
                    after = read()
                    shown = refusal_shown(response)
                    transaction.set_rollback(True)
                where = f"{machine}: {action.name} from {start} as {subject}"
                if action.may(subject, start):
                    if after not in action.targets and after != start:
                        tally.problems.append(f"{where}: ended in {after}")
                    elif after == start and start not in action.targets:
                        tally.problems.append(
                            f"{where}: refused, expected a move to {action.targets}"
                        )
                    continue
                if after != start:
                    tally.problems.append(f"{where}: moved to {after}")
                elif start not in action.targets and not shown:
                    tally.problems.append(
                        f"{where}: refused without telling the user "
                        f"(status {response.status_code})"
                    )


@pytest.fixture
def quiet():
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


# --- Usulan --------------------------------------------------------------------------


def usulan_actions(usulan: Usulan) -> list[Action]:
    checklist = build_checklist(usulan)
    keys = [item.key for item in checklist.items]
    all_ok = {f"{p}-{k}": "1" for k in keys for p in ("ada", "valid", "meterai")}
    today = timezone.localdate().isoformat()

    def path(name):
        return lambda: reverse(name, args=[usulan.pk])

    editable = {U.DRAFT, U.DIKEMBALIKAN, U.GAGAL_BPJS}
    return [
        Action(
            "ajukan",
            path("usulan:submit"),
            dict,
            {U.DIAJUKAN},
            {Role.OPERATOR_DESA: editable | {U.DIAJUKAN}},
        ),
        Action(
            "hapus draf",
            path("usulan:delete"),
            dict,
            {DELETED},
            {Role.OPERATOR_DESA: {U.DRAFT}},
        ),
        Action(
            "verifikasi: terima",
            path("verifikasi:periksa"),
            lambda: {**all_ok, "keputusan": "terima"},
            {U.SIAP, U.CEK_LAPANGAN},
            {Role.VERIFIKATOR: {U.DIAJUKAN}},
        ),
        Action(
            "verifikasi: kembalikan",
            path("verifikasi:periksa"),
            lambda: {
                **all_ok,
                f"valid-{keys[0]}": "",
                f"alasan-{keys[0]}": "Berkas tidak terbaca",
                "keputusan": "kembalikan",
            },
            {U.DIKEMBALIKAN},
            {Role.VERIFIKATOR: {U.DIAJUKAN}},
        ),
        Action(
            "verifikasi: tolak",
            path("verifikasi:periksa"),
            lambda: {"keputusan": "tolak", "alasan": "Sudah peserta PPU."},
            {U.DITOLAK},
            {Role.VERIFIKATOR: {U.DIAJUKAN}},
        ),
        Action(
            "cek lapangan",
            path("verifikasi:lapangan_form"),
            lambda: {
                "tanggal_kunjungan": today,
                "temuan": "Rumah berlantai tanah, kepala keluarga buruh harian.",
                "rekomendasi": "layak",
                "foto": jpeg_upload(),
            },
            {U.MENUNGGU_ACC},
            {Role.LAPANGAN: {U.CEK_LAPANGAN}},
        ),
        Action(
            "persetujuan: setuju",
            lambda: reverse("verifikasi:approval_confirm"),
            lambda: {"usulan": str(usulan.pk), "keputusan": "setuju", "confirm": "1"},
            {U.SIAP},
            {Role.KADIS: {U.MENUNGGU_ACC}},
        ),
        Action(
            "persetujuan: tolak",
            lambda: reverse("verifikasi:approval_confirm"),
            lambda: {
                "usulan": str(usulan.pk),
                "keputusan": "tolak",
                "alasan": "Penghasilan di atas batas.",
                "confirm": "1",
            },
            {U.DITOLAK},
            {Role.KADIS: {U.MENUNGGU_ACC}},
        ),
    ]


def test_usulan_moves_only_along_its_table(demo, session_keys, quiet):
    usulan = sample_objects(demo)["usulan"]  # a complete draft of desa1
    tally = Tally()

    def put(status):
        Usulan.objects.filter(pk=usulan.pk).update(status=status)

    def read():
        row = Usulan.objects.filter(pk=usulan.pk).values_list("status", flat=True)
        return row.first() or DELETED

    run_machine(
        tally,
        session_keys,
        machine="usulan",
        table=USULAN_TRANSITIONS,
        actions=usulan_actions(usulan),
        statuses=list(U.values),
        put=put,
        read=read,
    )
    FIGURES["Workflow usulan"] = f"{tally.attempts} (action x status x role) attempts"
    assert not tally.problems, "\n".join(tally.problems)
    assert tally.attempts == 8 * len(U.values) * len(SUBJECTS)
    assert Usulan.objects.get(pk=usulan.pk).status == U.DRAFT


# --- Batch ---------------------------------------------------------------------------


def test_batch_moves_only_forward(demo, session_keys, quiet):
    assert BATCH.transitions == BATCH_TRANSITIONS
    batch = demo.objects["batch"]
    item = batch.items.order_by("pk").first()
    periode = batch.periode
    tally = Tally()

    def put(status):
        Batch.objects.filter(pk=batch.pk).update(status=status)

    def read():
        return Batch.objects.get(pk=batch.pk).status

    actions = [
        Action(
            "kunci",
            lambda: reverse("rekap_bpjs:lock", args=[periode]),
            dict,
            {B.TERKUNCI},
            dict.fromkeys(STAFF_REKAP, {B.DRAFT, B.TERKUNCI}),
        ),
        Action(
            "tutup",
            lambda: reverse("rekap_bpjs:close", args=[periode]),
            lambda: {"alasan": "Sisa anggota tanpa hasil, ditutup."},
            {B.DITUTUP},
            dict.fromkeys(STAFF_REKAP, {B.HASIL, B.DITUTUP}),
        ),
    ]
    run_machine(
        tally,
        session_keys,
        machine="rekap",
        table=BATCH_TRANSITIONS,
        actions=actions,
        statuses=list(B.values),
        put=put,
        read=read,
    )
    # Changing who is in the batch is only possible while it is a draft.
    assert item.diambil
    for start in B.values:
        for subject in SUBJECTS:
            tally.attempts += 1
            with transaction.atomic():
                put(start)
                response = client_for(session_keys.get(subject)).post(
                    reverse("rekap_bpjs:member", args=[periode, item.pk]),
                    {"ambil": "0", "alasan": "Pindah domisili"},
                )
                after = BatchItem.objects.get(pk=item.pk).diambil
                shown = refusal_shown(response)
                transaction.set_rollback(True)
            may = subject in STAFF_REKAP and start == B.DRAFT
            if after == may or (not may and not shown):
                tally.problems.append(f"rekap anggota keluar, {start}, as {subject}")
    # BPJS's result goes onto a locked batch only (the job calls this service).
    content = demo.objects["result_file"]
    for start in B.values:
        for user in (demo.users["rekap"], demo.users["admin"]):
            tally.attempts += 1
            with transaction.atomic():
                put(start)
                try:
                    result_apply(
                        periode=periode, content=content, filename="h.xlsx", by=user
                    )
                except ValidationError as exc:
                    refused = "".join(exc.messages)
                else:
                    refused = ""
                after = read()
                transaction.set_rollback(True)
            if start in (B.TERKUNCI, B.HASIL):
                ok = after == B.HASIL and not refused
            else:
                ok = after == start and "belum" in refused
            if not ok:
                tally.problems.append(f"rekap hasil BPJS from {start}: {refused}")
    FIGURES["Workflow rekap"] = f"{tally.attempts} attempts"
    assert not tally.problems, "\n".join(tally.problems)
    assert tally.attempts == (2 + 1) * len(B.values) * len(SUBJECTS) + 2 * len(B.values)


# --- Cards ---------------------------------------------------------------------------


def test_card_moves_only_along_its_table(demo, session_keys, quiet):
    kartu = demo.objects["kartu"]  # handed to desa1 under a receipt
    desa = kartu.desa
    today = timezone.localdate().isoformat()
    tally = Tally()

    def put(status):
        Kartu.objects.filter(pk=kartu.pk).update(status=status)

    def read():
        return Kartu.objects.get(pk=kartu.pk).status

    def path(name):
        return lambda: reverse(name, args=[kartu.pk])

    penerima = {"penerima_nama": "Ni Putu Ayu Lestari", "penerima_jabatan": "PKH"}
    actions = [
        Action(
            "serahkan lewat PKH",
            path("distribusi:kartu_serahkan"),
            lambda: {**penerima, "kanal": Kanal.PKH},
            {K.DISERAHKAN},
            dict.fromkeys(STAFF_KARTU, {K.DITERIMA_DINSOS}),
        ),
        Action(
            "serahkan ke desa",
            lambda: reverse("distribusi:serah_terima_baru"),
            lambda: {**penerima, "desa": str(desa.pk), "kartu": str(kartu.pk)},
            {K.DISERAHKAN},
            dict.fromkeys(STAFF_KARTU, {K.DITERIMA_DINSOS}),
        ),
        Action(
            "diterima warga",
            path("distribusi:kartu_diterima"),
            lambda: {"tanggal": today},
            {K.DITERIMA_WARGA},
            dict.fromkeys(
                (Role.OPERATOR_DESA, *STAFF_KARTU), {K.DISERAHKAN, K.DITERIMA_WARGA}
            ),
        ),
        Action(
            "kembalikan",
            path("distribusi:kartu_kembalikan"),
            lambda: {"alasan": "Pindah domisili ke luar daerah"},
            {K.DIKEMBALIKAN},
            {
                Role.OPERATOR_DESA: {K.DISERAHKAN},
                **dict.fromkeys(STAFF_KARTU, {K.DITERIMA_DINSOS, K.DISERAHKAN}),
            },
        ),
    ]
    run_machine(
        tally,
        session_keys,
        machine="kartu",
        table=KARTU_TRANSITIONS,
        actions=actions,
        statuses=list(K.values),
        put=put,
        read=read,
    )
    FIGURES["Workflow kartu"] = f"{tally.attempts} attempts"
    assert not tally.problems, "\n".join(tally.problems)
    assert tally.attempts == 4 * len(K.values) * len(SUBJECTS)


def test_desa_operator_acts_only_on_cards_handed_to_the_desa(demo, session_keys):
    """A card given through a PKH companion never passed the desa's hands."""
    pkh = Kartu.objects.get(
        desa=demo.users["desa1"].profile.desa,
        status=K.DISERAHKAN,
        serah_terima__kanal=Kanal.PKH,
    )
    client = client_for(session_keys[Role.OPERATOR_DESA])
    today = timezone.localdate().isoformat()
    confirmed = client.post(
        reverse("distribusi:kartu_diterima", args=[pkh.pk]), {"tanggal": today}
    )
    returned = client.post(
        reverse("distribusi:kartu_kembalikan", args=[pkh.pk]),
        {"alasan": "Pindah domisili"},
    )
    pkh.refresh_from_db()
    assert pkh.status == K.DISERAHKAN
    assert refusal_shown(confirmed) and refusal_shown(returned)
    assert "tidak diserahkan ke desa" in " ".join(
        str(m) for m in get_messages(confirmed.wsgi_request)
    )
    # Staff still record it: the companion reports back to the office.
    staff = client_for(session_keys[Role.DISTRIBUSI])
    staff.post(reverse("distribusi:kartu_diterima", args=[pkh.pk]), {"tanggal": today})
    pkh.refresh_from_db()
    assert pkh.status == K.DITERIMA_WARGA


# --- Complaints ------------------------------------------------------------------------


def test_complaint_moves_only_along_its_table(demo, session_keys, quiet):
    complaint = demo.objects["complaint"]
    tally = Tally()
    handlers = set(HANDLERS)

    def put(status):
        Pengaduan.objects.filter(pk=complaint.pk).update(status=status)

    def read():
        return Pengaduan.objects.get(pk=complaint.pk).status

    actions = [
        Action(
            f"status -> {target}",
            lambda: reverse("pengaduan:status", args=[complaint.pk]),
            lambda target=target: {"status": target, "alasan": "Sudah ditindaklanjuti"},
            {target},
            {
                role: {s for s in P.values if target in PENGADUAN_TRANSITIONS[s]}
                for role in handlers
            },
        )
        for target in P.values
    ]
    actions.append(
        Action(
            "tugaskan ke saya",
            lambda: reverse("pengaduan:tugaskan", args=[complaint.pk]),
            lambda: {"saya": "1"},
            {P.DIPROSES},
            dict.fromkeys(handlers, {P.BARU}),
        )
    )
    run_machine(
        tally,
        session_keys,
        machine="pengaduan",
        table=PENGADUAN_TRANSITIONS,
        actions=actions[:-1],
        statuses=list(P.values),
        put=put,
        read=read,
    )
    # Assigning moves a new complaint on; on any other open one it only names the
    # handler, and a finished one is refused.
    assign = actions[-1]
    for start in P.values:
        for subject in SUBJECTS:
            tally.attempts += 1
            with transaction.atomic():
                put(start)
                response = client_for(session_keys.get(subject)).post(
                    assign.url(), assign.data()
                )
                after, shown = read(), refusal_shown(response)
                transaction.set_rollback(True)
            handler = subject in handlers
            want = P.DIPROSES if handler and start == P.BARU else start
            must_refuse = not handler or start == P.SELESAI
            if after != want or (must_refuse and not shown):
                tally.problems.append(f"pengaduan tugaskan from {start} as {subject}")
    FIGURES["Workflow pengaduan"] = f"{tally.attempts} attempts"
    assert not tally.problems, "\n".join(tally.problems)
    assert tally.attempts == (len(P.values) + 1) * len(P.values) * len(SUBJECTS)


# --- The tables themselves, at the service level ----------------------------------------

WORKFLOWS = [USULAN, BATCH, NONAKTIF, KARTU, PENGADUAN, JOB, PESAN_KELUAR]


def test_every_model_with_a_status_has_one_workflow():
    with_status = {
        model
        for model in apps.get_models()
        if "site-packages" not in model._meta.app_config.path  # the portal's own
        and any(f.name == "status" and f.choices for f in model._meta.fields)
    }
    declared = [workflow.model for workflow in all_workflows()]
    assert len(declared) == len(set(declared)), "one workflow per model"
    assert set(declared) == with_status == {w.model for w in WORKFLOWS}


def _history(obj) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.STATUS, object_id=str(obj.pk)
        )
        .filter(content_type__model=obj._meta.model_name)
        .order_by("pk")
        .values_list("from_status", "to_status", "actor", "reason")
    )


@pytest.mark.parametrize("bulk", [False, True], ids=["move", "move_bulk"])
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.model.__name__)
def test_every_move_in_the_table_works_and_every_other_is_refused(demo, workflow, bulk):
    model = workflow.model
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the demo has a {model.__name__}"
    admin = demo.users["admin"]
    statuses = list(model.Status.values)
    assert set(workflow.transitions) == set(statuses), "one row per status"
    moved = refused = 0
    for start in statuses:
        for target in statuses:
            with transaction.atomic():
                model.objects.filter(pk=obj.pk).update(status=start)
                obj.refresh_from_db()
                before = _history(obj)

                def move(target=target):
                    if bulk:
                        workflow.move_bulk([obj], to=target, by=admin, reason="uji")
                    else:
                        workflow.move(obj, to=target, by=admin, reason="uji")

                if target in workflow.transitions[start]:
                    move()
                    moved += 1
                    expected = [(start, target, admin.pk, "uji")] * workflow.history
                else:
                    with pytest.raises(InvalidTransition, match="tidak diizinkan"):
                        move()
                    refused += 1
                    target, expected = start, []
                assert model.objects.get(pk=obj.pk).status == target
                assert _history(obj)[len(before) :] == expected
                transaction.set_rollback(True)
    allowed = sum(len(targets) for targets in workflow.transitions.values())
    assert (moved, refused) == (allowed, len(statuses) ** 2 - allowed)
    path = "bulk" if bulk else "single"
    FIGURES[f"Service moves {model.__name__} ({path})"] = (
        f"{moved} allowed, {refused} refused"
    )
