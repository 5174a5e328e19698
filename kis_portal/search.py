"""Free-text searches (an NIK, a phone number, a name) kept out of every URL.

A list's search box is sent by POST; the terms stay in the session under a short
random token and the list redirects to itself with `?cari=<token>` next to its other
filters (status, desa, page). Pagination links, `next=` and the access log then
carry the token, never the NIK. An old link with `?q=` is turned into a token the
same way.
"""

import secrets

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

SESSION_KEY = "kis_cari"
TOKEN_PARAM = "cari"
SEARCH_FIELDS = ("q",)
# The latest searches of a session; an older token shows the list unfiltered.
KEEP = 20
MAX_TERM = 200


def search_redirect(
    request: HttpRequest, *, fields: tuple[str, ...] = SEARCH_FIELDS
) -> HttpResponse | None:
    """Move the search terms of a POST (or of an old ?q= link) into the session."""
    source = request.POST if request.method == "POST" else request.GET
    if request.method != "POST" and not any(f in source for f in fields):
        return None
    params = source.copy()
    for key in ("csrfmiddlewaretoken", "page", TOKEN_PARAM):
        params.pop(key, None)
    terms = {}
    for field in fields:
        value = (params.pop(field, None) or [""])[-1].strip()[:MAX_TERM]
        if value:
            terms[field] = value
    if terms:
        token = secrets.token_urlsafe(6)
        store = dict(request.session.get(SESSION_KEY) or {})
        store[token] = terms
        for old in list(store)[:-KEEP]:
            del store[old]
        request.session[SESSION_KEY] = store
        params[TOKEN_PARAM] = token
    query = params.urlencode()
    return redirect(request.path + (f"?{query}" if query else ""))


def search_terms(request: HttpRequest, token: str | None) -> dict[str, str]:
    """The terms this session stored under `token` ({} when unknown or expired)."""
    if not token:
        return {}
    terms = (request.session.get(SESSION_KEY) or {}).get(token)
    return dict(terms) if isinstance(terms, dict) else {}


def search_data(
    request: HttpRequest, *, fields: tuple[str, ...] = SEARCH_FIELDS
) -> QueryDict | None:
    """The list's GET filters with the session's search terms put back.

    None when the list is not filtered at all (the filter set stays unbound).
    """
    params = request.GET.copy()
    for field in fields:
        params.pop(field, None)
    token = (params.pop(TOKEN_PARAM, None) or [""])[-1]
    for field, value in search_terms(request, token).items():
        if field in fields:
            params[field] = value
    return params or None
