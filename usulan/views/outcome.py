"""An upload's outcome, carried over the redirect to the row it belongs to."""

UPLOAD_OUTCOME = "usulan_upload_outcome"


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
