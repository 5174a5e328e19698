"""Every page a role can reach, found the way a person finds them: by following links.

`role_pages()` logs a demo account in (one browser context per role) and walks the
links of its pages breadth first, from its home page and its menu. Each link is
resolved through the URLconf; one page per URL name is kept (the first found, so
the list pages and one detail page of each kind of seeded object). Files (PDF,
XLSX, photos), the logout and the Django admin are not pages of the portal.
"""

from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

PASSWORD = "demo12345"
# The demo account of each role (README, "Akun demo").
DEMO_USERNAMES = {
    "operator_desa": "desa1",
    "loket": "loket",
    "verifikator": "verifikator",
    "lapangan": "lapangan",
    "kadis": "kadis",
    "rekap": "rekap",
    "distribusi": "distribusi",
    "admin": "admin",
    "faskes": "faskes",
}
# Who walks the site: "anon" is a citizen without an account.
ROLES = ("anon", *DEMO_USERNAMES)
# Pages a citizen reaches without an account, besides those linked from them.
PUBLIC_START = ("/", "/accounts/login/", "/cek-status/", "/lapor/")
# URL names that answer with a file, or are not a page of the portal.
NOT_PAGES = {
    "logout",
    "healthz",
    "healthz_detail",
    "usulan:dokumen_download",
    "usulan:loket_receipt",
    "usulan:bulk_template",
    "verifikasi:foto",
    "verifikasi:sk_pdf",
    "rekap_bpjs:export",
    "rekap_bpjs:file",
    "distribusi:export",
    "distribusi:kartu_foto",
    "distribusi:serah_terima_pdf",
    "distribusi:serah_terima_scan",
    "distribusi:serah_terima_export",
    "pengaduan:lampiran",
    "laporan:bulanan",
    "laporan:peserta",
    "accounts:bulk_template",
    "accounts:slip_download",
    "jobs:download",
    "audit:export",
    "audit:subjek_pdf",
}


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace == "admin" or path.startswith("/admin/"):
        return None
    name = match.view_name
    return None if name in NOT_PAGES else name


def sign_in(page, base_url: str, role: str) -> None:
    if role == "anon":
        return
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(DEMO_USERNAMES[role])
    page.get_by_label("Sandi").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    assert not page.url.endswith("/accounts/login/"), f"{role} could not log in"


def _links(page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    origin = urlsplit(base_url).netloc
    paths = []
    for href in hrefs:
        parts = urlsplit(urljoin(page.url, href))
        if parts.netloc == origin and parts.scheme in {"http", "https"}:
            paths.append(parts.path)
    return paths


def walk(page, base_url: str, role: str, visit) -> list[str]:
    """Open every page of `role` once per URL name, calling `visit(page, path)`.

    Returns the paths visited. `page` must already be signed in as `role`.
    """
    start = PUBLIC_START if role == "anon" else ("/",)
    queue = list(start)
    seen_names: set[str] = set()
    visited: list[str] = []
    while queue:
        path = queue.pop(0)
        name = _url_name(path)
        if name is None or name in seen_names:
            continue
        seen_names.add(name)
        response = page.goto(f"{base_url}{path}")
        page.wait_for_load_state()
        if response is None or response.status != 200:
            continue
        if urlsplit(page.url).path != path:
            # Redirected (e.g. a page that needs a login): counted where it landed.
            continue
        visited.append(path)
        visit(page, path)
        queue.extend(_links(page, base_url))
    return visited
