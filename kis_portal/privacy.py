"""Who sees a person's full NIK, No. KK and phone number, and the one masking helper.

UU 27/2022 (personal data protection): a number is shown in full only to a role
whose work needs it; everyone else, every list meant for reading and every log
line gets the masked form (README, "Privasi"). Templates use the `samar_nik` and
`samar_telepon` filters of `kis_portal.audit.templatetags.privasi`.
"""

import logging
import re
import traceback

from kis_portal.roles import user_roles

NIK = "nik"  # NIK and No. KK (16 digits)
TELEPON = "telepon"  # phone numbers

# The roles that need the full number, per kind of number. Role values are
# spelled out (not imported) so this module loads before the apps do.
FULL_NUMBER_ROLES: dict[str, frozenset[str]] = {
    # Data entry and correction (own desa), counter intake against the e-KTP,
    # document and DTKS check, the BPJS file, data-subject requests.
    NIK: frozenset(
        {"operator_desa", "petugas_loket", "verifikator", "staf_rekap", "admin"}
    ),
    # The same, plus the field officer (arranges the home visit) and the card
    # distributor (tells the household or the collector that a card is ready).
    TELEPON: frozenset(
        {
            "operator_desa",
            "petugas_loket",
            "verifikator",
            "staf_rekap",
            "admin",
            "petugas_lapangan",
            "petugas_distribusi",
        }
    ),
}

_NIK_IN_TEXT = re.compile(r"(?<!\d)\d{16}(?!\d)")
_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+?62|0)8\d{7,11}(?!\d)")


def mask_identifier(value: str) -> str:
    """5108061234560001 -> 5108********0001 (for lists, exports and logs)."""
    value = str(value or "")
    if len(value) < 9:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def sees_full(user, kind: str = NIK) -> bool:
    """Whether `user`'s role needs the full number of this kind."""

    return bool(user_roles(user) & FULL_NUMBER_ROLES[kind])


def number_for(user, value: str, kind: str = NIK) -> str:
    """The number as `user` may see it: full or masked."""
    value = str(value or "")
    return value if sees_full(user, kind) else mask_identifier(value)


def mask_numbers_in_text(text: str) -> str:
    """Every NIK/KK-like 16-digit number and mobile number in free text, masked."""
    text = _NIK_IN_TEXT.sub(lambda m: mask_identifier(m.group()), text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_identifier(m.group()), text)


def masked_traceback(exc: BaseException) -> str:
    """A traceback to log, numbers masked: error messages may quote the data."""
    return mask_numbers_in_text("".join(traceback.format_exception(exc))).rstrip()


class MaskingFormatter(logging.Formatter):
    """The project's log format with NIK/KK and phone numbers masked (defence in depth).

    Code must not log them at all (the test suite's log scan fails the run when
    it does); this catches what slips through, e.g. a database error's detail.
    """

    def format(self, record: logging.LogRecord) -> str:
        return mask_numbers_in_text(self.unmasked(record))

    def unmasked(self, record: logging.LogRecord) -> str:
        """The line as the code produced it (what the log scan checks)."""
        return super().format(record)
