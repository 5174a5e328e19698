"""Is the name in a file the same person's name as the one in the register?

Offices, BPJS and DTKS write one name several ways: capitals, spacing and
punctuation differ, and the Balinese name parts are abbreviated (I GST for
I GUSTI, MD. for MADE, KT. for KETUT, NI. for NI). `names_fit` compares names
part by part after spelling those out: every part must be the same, one may be
missing the leading I/NI, a long part may carry one typing slip, and one name
may leave out parts of the other (at least two parts besides I/NI in
common). Two different
given names never fit, so twins (I PUTU ADI and I KADEK ADI) stay apart.
"""

import re
import unicodedata

# Abbreviation -> the name part it stands for (after punctuation is dropped).
ABBREVIATIONS = {
    "GST": "GUSTI",
    "GS": "GUSTI",
    "MD": "MADE",
    "KT": "KETUT",
    "KTT": "KETUT",
    "NY": "NYOMAN",
    "NYM": "NYOMAN",
    "KMG": "KOMANG",
    "WY": "WAYAN",
    "WYN": "WAYAN",
    "PT": "PUTU",
    "GD": "GEDE",
    "KD": "KADEK",
    "DW": "DEWA",
    "DSK": "DESAK",
    "NGR": "NGURAH",
    "BGS": "BAGUS",
    "AGG": "AGUNG",
    "AA": "ANAK AGUNG",
    "MUH": "MUHAMMAD",
    "MOH": "MUHAMMAD",
    "MHD": "MUHAMMAD",
    "MUHAMAD": "MUHAMMAD",
    "MOCH": "MUHAMMAD",
    "MOHAMMAD": "MUHAMMAD",
}
PARTICLES = frozenset({"I", "NI"})
NOT_LETTERS = re.compile(r"[^A-Z0-9 ]+")


def name_parts(name: str) -> list[str]:
    """'I Gst. Md.  Adi' -> ['I', 'GUSTI', 'MADE', 'ADI']."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore")
    plain = NOT_LETTERS.sub(" ", text.decode().upper())
    parts: list[str] = []
    for part in plain.split():
        parts.extend(ABBREVIATIONS.get(part, part).split())
    return parts


def normalised_name(name: str) -> str:
    return " ".join(name_parts(name))


def names_fit(first: str, second: str) -> bool:
    """True when two spellings can be the same person's name."""
    a, b = name_parts(first), name_parts(second)
    if not a or not b:
        return False
    if a == b:
        return True
    # A leading I/NI written on one side only.
    if a[0] in PARTICLES and b[0] not in PARTICLES:
        a = a[1:]
    elif b[0] in PARTICLES and a[0] not in PARTICLES:
        b = b[1:]
    if len(a) == len(b):
        return all(_parts_fit(x, y) for x, y in zip(a, b, strict=True))
    short, long = (a, b) if len(a) < len(b) else (b, a)
    named = [part for part in short if part not in PARTICLES]
    return len(named) >= 2 and _in_order(short, long)


def _in_order(short: list[str], long: list[str]) -> bool:
    """Every part of `short` fits a part of `long`, in the same order."""
    position = 0
    for part in short:
        while position < len(long) and not _parts_fit(part, long[position]):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


def _parts_fit(x: str, y: str) -> bool:
    if x == y:
        return True
    # One typing slip in a long part (SUARDANA / SUARDNA), never in a short one.
    return min(len(x), len(y)) >= 5 and _one_edit(x, y)


def _one_edit(x: str, y: str) -> bool:
    if abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        return sum(1 for p, q in zip(x, y, strict=True) if p != q) == 1
    if len(x) > len(y):
        x, y = y, x
    for index in range(len(y)):
        if x == y[:index] + y[index + 1 :]:
            return True
    return False
