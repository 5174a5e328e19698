"""No NIK and no phone number in a URL: what is requested, redirected to, or linked.

A URL ends up in access logs, the browser's history and `Referer` headers; the
README promises an NIK never appears in one. Each role (and an anonymous
visitor) crawls the portal from its home page, following its links (a few of
each URL pattern), and on every page submits each search form (GET or POST, as
the page says) once with a resident's NIK and once with a phone number. Every
URL requested, every `Location` header and every link (href, action, src,
formaction) of every page answered must be free of a 16-digit number and of a
phone number (08..., 62..., +62...). A `tel:` link (a number for staff to call)
is no URL the server sees and is not counted.
"""

import logging
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urlencode, urljoin, urlsplit

import pytest
from django.db import transaction
from django.urls import Resolver404, resolve

from tests.security.matrix.conftest import FIGURES, SUBJECTS, client_for
from usulan.models import Anggota, Usulan

pytestmark = pytest.mark.django_db


GET_SEARCHES = (
    "the list searches are GET forms (issue 21, finding 5): an NIK or phone number "
    "typed into them is in the URL; remove this mark once they POST or use a token"
)

NIK = re.compile(r"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+?62|0)8\d{7,11}(?![0-9A-Za-z])")
# A POST form is a search when it has one of these fields and few text fields;
# these (and the phone fields) are the ones given the NIK or the phone number.
SEARCH_FIELDS = {"q", "nik", "cari"}
TYPED_INTO = SEARCH_FIELDS | {"telepon", "no_hp", "hp", "nomor_hp"}
TEXT_TYPES = {"text", "search", "tel", "number", "input", "textarea"}
PAGES_PER_PATTERN = 3
# Not crawled: files, logging out, and Django's admin (its changelist search is a
# GET form by design; only the admin role reaches it).
NEVER_FOLLOW = ("/static/", "/media/", "/accounts/logout/", "/admin/")


class Page(HTMLParser):
    """The links of a page and its forms with their fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "action", "src", "formaction"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea"):
            kind = (attrs.get("type") or "").lower()
            if attrs.get("name") and kind not in ("submit", "button", "file", "image"):
                if kind in ("checkbox", "radio") and "checked" not in attrs:
                    return
                self._form["fields"].append(
                    [attrs["name"], attrs.get("value") or "", kind or tag]
                )
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].append([attrs["name"], "", "select"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def leaks(text: str) -> list[str]:
    if text.startswith("tel:"):  # a number to call, never requested from the server
        return []
    plain = unquote_plus(text)
    return NIK.findall(plain) + PHONE.findall(plain)


def _is_search(form: dict) -> bool:
    names = {name for name, _, kind in form["fields"] if kind in TEXT_TYPES}
    if form["method"] == "get":
        return True
    return bool(names & SEARCH_FIELDS) and len(names) <= 3


def _pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def test_no_nik_or_phone_number_in_any_url(demo, session_keys):
    desa = demo.users["desa1"].profile.desa
    nik = Anggota.objects.filter(usulan__desa=desa).order_by("pk").first().nik
    phone = (
        Usulan.objects.filter(desa=desa).exclude(telepon="").order_by("pk").first()
    ).telepon
    assert NIK.fullmatch(nik) and PHONE.fullmatch(phone), phone
    searched = (nik, phone)
    found: list[str] = []
    pages = requests = searches = 0

    def check(where: str, text: str) -> None:
        if hits := leaks(text):
            found.append(f"{where}: {text[:120]} ({len(hits)} numbers)")

    def fetch(client, method: str, url: str, data: dict | None, seen_from: str):
        """One request and its redirects; the final page's HTML or None."""
        nonlocal requests
        for _ in range(5):
            check(f"requested {method} from {seen_from}", url)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data or {})
            requests += 1
            if response.streaming:
                b"".join(response.streaming_content)
                return None
            if response.status_code in (301, 302, 303, 307, 308):
                location = response["Location"]
                check(f"Location after {method} {url[:80]}", location)
                url, method, data = urljoin(url, location), "GET", None
                continue
            kind = response.get("Content-Type", "")
            if "html" not in kind:
                return None
            return url, response.content.decode("utf-8", "replace")
        return None

    logging.disable(logging.WARNING)
    try:
        for subject in SUBJECTS:
            key = None if subject == "anon" else session_keys[subject]
            with transaction.atomic():
                client = client_for(key)
                per_pattern: dict[str, int] = {}
                done_forms: set[tuple] = set()
                queue = deque([("/", "start")])
                visited: set[str] = set()
                while queue:
                    url, origin = queue.popleft()
                    path = urlsplit(url).path
                    pattern = _pattern_of(path)
                    if url in visited or pattern is None:
                        continue
                    if per_pattern.get(pattern, 0) >= PAGES_PER_PATTERN:
                        continue
                    visited.add(url)
                    per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
                    answer = fetch(client, "GET", url, None, origin)
                    if answer is None:
                        continue
                    results = [answer]
                    page = Page()
                    page.feed(answer[1])
                    for form in page.forms:
                        action = urljoin(answer[0], form["action"] or answer[0])
                        signature = (
                            _pattern_of(urlsplit(action).path),
                            form["method"],
                            tuple(n for n, _, _ in form["fields"]),
                        )
                        if not _is_search(form) or signature in done_forms:
                            continue
                        done_forms.add(signature)
                        for value in searched:
                            data = {
                                name: value if name in TYPED_INTO else default
                                for name, default, kind in form["fields"]
                            }
                            searches += 1
                            if form["method"] == "get":
                                target = f"{urlsplit(action).path}?{urlencode(data)}"
                                got = fetch(client, "GET", target, None, answer[0])
                            else:
                                got = fetch(client, "POST", action, data, answer[0])
                            if got is not None:
                                results.append(got)
                    for where, html in results:
                        pages += 1
                        page = Page()
                        page.feed(html)
                        for link in page.links:
                            check(f"link on {where[:80]} as {subject}", link)
                            target = urljoin(where, link)
                            parts = urlsplit(target)
                            if parts.netloc not in ("", "testserver"):
                                continue
                            if parts.path.startswith(NEVER_FOLLOW):
                                continue
                            local = parts.path + (
                                f"?{parts.query}" if parts.query else ""
                            )
                            queue.append((local, where))
                transaction.set_rollback(True)
    finally:
        logging.disable(logging.NOTSET)

    FIGURES["No NIK in URLs"] = (
        f"{len(SUBJECTS)} roles (anonymous + 8) crawled: {pages} pages, "
        f"{searches} searches by NIK and phone, {requests} requests"
    )
    assert not found, "NIK or phone numbers in URLs:\n" + "\n".join(sorted(set(found)))
    assert pages >= 200 and searches >= 20
