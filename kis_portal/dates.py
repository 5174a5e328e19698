"""Dates as offices and BPJS write them in files, read without guessing wrong.

`loose_date` takes the spellings met in real files: DD-MM-YYYY (with -, / or .),
YYYY-MM-DD, DD-MM-YY, YYYYMMDD, an Excel date serial kept as text (45000),
and long forms in Indonesian or English ("1 Januari 2027", "01-Jan-2027",
"12 Maret 1985", "January 1, 2027"). Anything else is None: a caller says
what it could not read.
"""

import datetime
import functools
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "pebruari", "february", "feb", "peb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "ags", "aug"),
            ("september", "sept", "sep"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[\s\-/.]*([a-z]+)[\s\-/.,]*(\d{2}|\d{4})")
MONTH_DAY_YEAR = re.compile(r"([a-z]+)[\s\-/.]*(\d{1,2})(?:st|nd|rd|th)?[\s,]+(\d{4})")
SERIAL = re.compile(r"\d{5}(?:\.0+)?")
# Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(text: str, *, pivot: int = 2000) -> datetime.date | None:
    """The date `text` names, or None.

    A two-digit year YY is 20YY when that is at most `pivot` + 10, else 19YY:
    birth dates pass the current year, so "12-03-85" is 1985 and "01-01-27"
    (a TMT) is 2027.
    """
    value = " ".join(str(text).split()).casefold().rstrip(".")
    if not value:
        return None
    try:
        if match := COMPACT.fullmatch(value):
            year, month, day = map(int, match.groups())
            return datetime.date(year, month, day)
        if match := ISO.fullmatch(value):
            year, month, day = map(int, match.groups())
            return datetime.date(year, month, day)
        if match := NUMERIC.fullmatch(value):
            day, month, year = map(int, match.groups())
            return datetime.date(_year(year, match.group(3), pivot), month, day)
        if match := DAY_MONTH_YEAR.fullmatch(value):
            day, month_name, year_text = match.groups()
            month = MONTHS.get(month_name)
            if month:
                return datetime.date(
                    _year(int(year_text), year_text, pivot), month, int(day)
                )
            return None
        if match := MONTH_DAY_YEAR.fullmatch(value):
            month_name, day, year = match.groups()
            month = MONTHS.get(month_name)
            return datetime.date(int(year), month, int(day)) if month else None
        if SERIAL.fullmatch(value):
            serial = int(float(value))
            return EXCEL_EPOCH + datetime.timedelta(days=serial)
    except (ValueError, OverflowError):
        return None
    return None


# A file repeats the same few dates (a TMT, a birth year's days) thousands of times.
loose_date = functools.lru_cache(maxsize=4096)(parse_date)


def _year(year: int, written: str, pivot: int) -> int:
    if len(written) == 4:
        return year
    return 2000 + year if 2000 + year <= pivot + 10 else 1900 + year
