"""Every page of every role passes axe-core's WCAG 2.0/2.1/2.2 A and AA rules."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .site import ROLES, sign_in, walk

pytestmark = pytest.mark.browser

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_AA},
    # WCAG 2.5.3 "Label in Name": axe ships it as experimental (off by default).
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
}


def _describe(path: str, violation: dict) -> str:
    targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
    return f"{path}: {violation['id']} ({violation['impact']}) on {targets}"


def test_every_page_of_every_role_has_no_wcag_aa_violation(
    demo, browser, live_server, record_property
):
    axe = Axe()
    found: list[str] = []
    checked = 0
    for role in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        sign_in(page, live_server.url, role)

        def check(page, path, role=role):
            result = axe.run(page, options=AXE_OPTIONS)
            found.extend(
                f"[{role}] {_describe(path, v)}" for v in result.response["violations"]
            )

        checked += len(walk(page, live_server.url, role, check))
        context.close()
    record_property("axe_pages_checked", checked)
    print(f"axe: {checked} pages checked, {len(found)} violations")
    assert checked >= 60, f"only {checked} pages reached"
    assert not found, "\n".join(found)
