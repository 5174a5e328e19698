"""Writing spreadsheets that Excel opens as data, never as formulas.

Every XLSX the portal writes goes through `write_sheet`: identifiers stay text
(leading zeros kept) and no value can become a formula, whatever a user typed.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Make a text that Excel could read as a formula inert (OWASP CSV injection)."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell(ws: WriteOnlyWorksheet, value, *, bold: bool = False, number_format: str = ""):
    if isinstance(value, str):
        value = neutralise(value)
    out = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        out.data_type = "s"  # a string cell, even if it looks like a number
    if isinstance(value, datetime):
        out.number_format = "DD-MM-YYYY HH:MM"
    elif isinstance(value, date):
        out.number_format = "DD-MM-YYYY"
    if number_format:
        out.number_format = number_format
    if bold:
        out.font = Font(bold=True)
    return out


def _value(ws: WriteOnlyWorksheet, value, number_format: str = ""):
    """What to append for one data value: a styled cell only when it needs one.

    A plain neutralised str binds as a string cell (it can no longer start with
    "="), so only dates and formatted values pay for a cell object.
    """
    if isinstance(value, str):
        return neutralise(value)
    if value is None:
        return None
    if number_format or isinstance(value, date):
        return cell(ws, value, number_format=number_format)
    return value


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def write_sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[int] | None = None,
    number_formats: Sequence[str] | None = None,
) -> int:
    """Append a sheet with a bold header row; return the number of data rows.

    `number_formats` gives each column's number format ("" for none), e.g. a date
    layout such as "DD/MM/YYYY" for date cells.
    """
    ws = wb.create_sheet(title=title[:31])
    for index, width in enumerate(widths or [], start=1):
        ws.column_dimensions[_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append([cell(ws, header, bold=True) for header in headers])
    count = 0
    if number_formats:
        formats = list(number_formats)
        for row in rows:
            ws.append(
                [
                    _value(ws, value, fmt)
                    for value, fmt in zip(row, formats, strict=False)
                ]
            )
            count += 1
        return count
    for row in rows:
        ws.append([_value(ws, value) for value in row])
        count += 1
    return count


def to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    return get_column_letter(index)
