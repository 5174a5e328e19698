"""Every page of every role fits a 360 px phone: nothing to scroll sideways for."""

import pytest

from .site import ROLES, sign_in, walk

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}

# What a page shows beyond the width of the screen: the page itself scrolling
# sideways, a table's key cells (the first column, the status and the row's links
# and buttons, on the first rows) or the page's main buttons outside the viewport.
OUTSIDE = """() => {
  const width = window.innerWidth;
  const problems = [];
  const scroll = document.scrollingElement.scrollWidth;
  if (scroll > width) problems.push(`page is ${scroll}px wide`);
  const shown = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const out = (el) => {
    const r = el.getBoundingClientRect();
    return r.left < -1 || r.right > width + 1;
  };
  const label = (el) => (el.innerText || el.value || el.tagName).trim().slice(0, 30);
  for (const table of document.querySelectorAll('main table')) {
    if (!shown(table)) continue;
    const heads = [...table.querySelectorAll('thead th')].map(
      (th) => th.innerText.trim().toLowerCase());
    const status = heads.indexOf('status');
    for (const row of [...table.querySelectorAll('tbody tr')].slice(0, 3)) {
      const cells = [...row.children];
      const key = [cells[0], cells[status]].filter(Boolean);
      key.push(...row.querySelectorAll('a, button, input, select'));
      for (const el of key) {
        if (shown(el) && out(el)) problems.push(`table cell "${label(el)}" outside`);
      }
    }
  }
  const actions = document.querySelectorAll(
    'main .btn-success, main .btn-primary, main button[type=submit]');
  for (const el of actions) {
    if (shown(el) && out(el)) problems.push(`button "${label(el)}" outside`);
  }
  return [...new Set(problems)];
}"""


def test_every_page_of_every_role_fits_a_360px_screen(demo, browser, live_server):
    found: list[str] = []
    checked = 0
    for role in ROLES:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        sign_in(page, live_server.url, role)

        def check(page, path, role=role):
            found.extend(f"[{role}] {path}: {p}" for p in page.evaluate(OUTSIDE))

        checked += len(walk(page, live_server.url, role, check))
        context.close()
    print(f"360 px: {checked} pages checked, {len(found)} problems")
    assert checked >= 60, f"only {checked} pages reached"
    assert not found, "\n".join(found)
