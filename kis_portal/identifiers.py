"""Checks the office makes by eye, as functions with Indonesian messages.

Identifiers are text: callers pass what the user typed, `clean_digits` strips
the separators people and spreadsheets add (spaces, dots, dashes, apostrophes).
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik

nik_format_validator = RegexValidator(r"^\d{16}$", "NIK harus 16 angka.")
kk_format_validator = RegexValidator(r"^\d{16}$", "Nomor KK harus 16 angka.")
noka_validator = RegexValidator(r"^\d{13}$", "Nomor kartu (NOKA) harus 13 angka.")
faskes_validator = RegexValidator(
    r"^[0-9A-Z]{8}$", "Kode faskes harus 8 karakter huruf/angka, misalnya 09020107."
)
rt_rw_validator = RegexValidator(r"^\d{1,3}$", "Isi dengan angka, misalnya 003.")

SEPARATORS = re.compile(r"[\s.\-'‘’`]")


def ascii_digits(text: str) -> str:
    """Digits of any script as ASCII (fullwidth ５, Arabic-Indic ٥ -> 5): a phone's
    keyboard may type them, and "５１０８..." is the same NIK as "5108..."."""
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text
    )


def clean_digits(value: str | None) -> str:
    return ascii_digits(SEPARATORS.sub("", str(value or "")).strip())


def validate_nik(value: str) -> str:
    """A well-formed NIK: 16 digits, a real region of issue and a real birth date."""
    nik = clean_digits(value)
    if not re.fullmatch(r"[0-9]{16}", nik):
        raise ValidationError(
            "NIK harus 16 angka (sekarang %(n)s).", params={"n": len(nik)}
        )
    try:
        stdnum_nik.validate(nik)
    except StdnumError as exc:
        raise ValidationError(
            "NIK tidak valid: kode wilayah atau tanggal lahir di dalam NIK tidak mungkin."
        ) from exc
    return nik


def validate_kk(value: str) -> str:
    """A well-formed No. KK: 16 digits, a region code and a real date in digits 7-12."""
    kk = clean_digits(value)
    if not re.fullmatch(r"[0-9]{16}", kk):
        raise ValidationError(
            "Nomor KK harus 16 angka (sekarang %(n)s).", params={"n": len(kk)}
        )
    day, month, year = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    try:
        datetime.date(2000 + year, month, day)
    except ValueError as exc:
        raise ValidationError(
            "Nomor KK tidak valid: angka ke-7 s.d. 12 bukan tanggal."
        ) from exc
    if not 11 <= int(kk[:2]) <= 94 or kk[12:] == "0000":
        raise ValidationError(
            "Nomor KK tidak valid: kode wilayah atau nomor urut salah."
        )
    return kk


def nik_birth_info(nik: str) -> tuple[int, int, int, str]:
    """(day, month, two-digit year, sex L/P) as encoded in a NIK."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        return day - 40, month, year, "P"
    return day, month, year, "L"


def _full_year(yy: int, typed: datetime.date) -> int:
    """The NIK's two-digit year in the century nearest the date typed."""
    return min(
        (century + yy for century in (1900, 2000)),
        key=lambda year: abs(year - typed.year),
    )


def check_nik_matches(
    nik: str, tanggal_lahir: datetime.date | None, jenis_kelamin: str
) -> dict:
    """Field errors where the birth date or sex disagree with the NIK."""
    errors: dict[str, str] = {}
    day, month, year, sex = nik_birth_info(nik)
    if tanggal_lahir and (
        tanggal_lahir.day,
        tanggal_lahir.month,
        tanggal_lahir.year % 100,
    ) != (
        day,
        month,
        year,
    ):
        errors["tanggal_lahir"] = (
            "Tanggal lahir tidak sesuai NIK: menurut NIK, lahir tanggal "
            f"{day:02d}-{month:02d}-{_full_year(year, tanggal_lahir):04d}."
        )
    if jenis_kelamin and jenis_kelamin != sex:
        errors["jenis_kelamin"] = "Jenis kelamin tidak sesuai NIK: " + (
            "tanggal lahir pada NIK ditambah 40, berarti perempuan."
            if sex == "P"
            else "tanggal lahir pada NIK tidak ditambah 40, berarti laki-laki."
        )
    return errors


def normalise_phone(value: str) -> str:
    """A typed mobile number as the office writes it (08...), or a ValidationError;
    '' stays ''. Stored this way; `phone_international` makes the gateway's form."""
    raw = ascii_digits(re.sub(r"[\s\-().]", "", str(value or "")))
    if not raw:
        return ""
    if raw.startswith("+62"):
        raw = "0" + raw[3:]
    elif raw.startswith("62"):
        raw = "0" + raw[2:]
    if not re.fullmatch(r"08[0-9]{7,11}", raw):
        raise ValidationError(
            "Nomor HP tidak valid: gunakan format 08xxxxxxxxxx atau +628xxxxxxxxx."
        )
    return raw


def phone_international(raw: str) -> str:
    """A stored number in the gateway's international form: '0812-3456-7890' ->
    '6281234567890'; '' when it is not a usable mobile number (no SMS is sent)."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("628") or not 10 <= len(digits) <= 15:
        return ""
    return digits
