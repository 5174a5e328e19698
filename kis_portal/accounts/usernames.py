"""The one rule for usernames the portal makes up (bulk accounts, replacements).

An operator's username comes from its desa: `desa.` or `kel.` and the name in
lower-case letters and digits ("Desa Tinga-tinga" -> `desa.tingatinga`,
"Kelurahan Banyuasri" -> `kel.banyuasri`). Anyone else's comes from their own
name: its first and last words of three letters or more, letters only ("I Made
Suarjana" -> `made.suarjana`, "Ni Luh Ariani" -> `luh.ariani`). When it is taken (a second operator of the
same desa, a namesake), 2, 3, ... is appended: `desa.tingatinga2`. Never a NIK or
a phone number: a person's name loses its digits, a desa's name has its prefix.
"""

import re
import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from kis_portal.wilayah.models import Desa

# Part taken from a name: long enough to read, short enough to type on a phone.
MAX_NAME = 30
FALLBACK = "pengguna"


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text or "")
    folded = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", folded)


def username_base(*, desa: Desa | None = None, nama: str = "") -> str:
    """The username before any number is appended to make it unique."""
    if desa is not None:
        prefix = "kel" if desa.jenis == Desa.Jenis.KELURAHAN else "desa"
        name = "".join(_ascii_words(desa.nama))[:MAX_NAME]
        return f"{prefix}.{name}" if name else prefix
    words = [re.sub(r"\d", "", word) for word in _ascii_words(nama)]
    words = [word for word in words if len(word) >= 3]
    if not words:
        return FALLBACK
    if len(words) == 1:
        return words[0][:MAX_NAME]
    return f"{words[0]}.{words[-1]}"[:MAX_NAME]


def taken_usernames(bases: list[str]) -> set[str]:
    """Usernames in use that start like one of `bases` (lower-case), in one query."""
    prefixes = sorted(set(bases))
    if not prefixes:
        return set()
    qs = get_user_model().objects.annotate(lower=Lower("username"))
    found: set[str] = set()
    # Prefix filters in chunks keep the statement small for a regency's 400 desa.
    for start in range(0, len(prefixes), 100):
        match = Q()
        for prefix in prefixes[start : start + 100]:
            match |= Q(lower__startswith=prefix)
        found.update(qs.filter(match).values_list("lower", flat=True))
    return found


def username_unique(base: str, taken: set[str]) -> str:
    """`base`, or `base2`, `base3`... whichever is free; it is added to `taken`."""
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}{number}"
    taken.add(candidate.lower())
    return candidate


def username_for(*, desa: Desa | None = None, nama: str = "") -> str:
    """A free username for one new account, by the rule above."""
    base = username_base(desa=desa, nama=nama)
    return username_unique(base, taken_usernames([base]))
