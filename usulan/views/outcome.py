"""What a save tells the next page: an upload's outcome for the row it belongs to,
and which copies of a form the browser may now forget."""

from django.urls import reverse

UPLOAD_OUTCOME = "usulan_upload_outcome"
FORGET_DEVICE_COPY = "usulan_forget_device_copy"


def flash_row(request, usulan, doc, *, ok: bool, text: str) -> None:
    # The outcome is shown on the document's own row, where the page lands: a
    # message at the top of the page is off-screen on a phone.
    request.session[UPLOAD_OUTCOME] = {
        "usulan": usulan.pk,
        "key": doc.key,
        "ok": ok,
        "text": f"{doc.label} {text}" if ok else f"{doc.label}: {text}",
    }


def upload_outcome(request, usulan) -> dict | None:
    """The last upload's outcome on this usulan's page, shown once."""
    outcome = request.session.pop(UPLOAD_OUTCOME, None)
    return outcome if outcome and outcome.get("usulan") == usulan.pk else None


def forget_device_copy(request, form_path: str, usulan) -> None:
    """The form is saved: its copy kept in the browser (usulan_form.js) may go."""
    paths = {form_path, reverse("usulan:edit", args=[usulan.pk])}
    request.session[FORGET_DEVICE_COPY] = sorted(paths)


SUBMIT_OUTCOME = "usulan_submit_outcome"


def flash_submit(request, usulan, lines: list[str]) -> None:
    # Why a submit was refused is told in the submit card, where the page lands.
    request.session[SUBMIT_OUTCOME] = {"usulan": usulan.pk, "lines": lines}


def submit_outcome(request, usulan) -> list[str]:
    """Why the last submit of this usulan was refused, shown once."""
    outcome = request.session.pop(SUBMIT_OUTCOME, None)
    return outcome["lines"] if outcome and outcome.get("usulan") == usulan.pk else []
