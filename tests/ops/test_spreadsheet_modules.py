"""One XLSX reader, one XLSX writer: nothing else in the code base opens or writes one,
and the writer makes every text that Excel could take for a formula inert."""

import ast
import io
from pathlib import Path

import defusedxml
import openpyxl.xml
import pytest
from openpyxl import load_workbook

from kis_portal import xlsx, xlsx_read

ROOT = Path(__file__).resolve().parents[2]
READER = "kis_portal/xlsx_read.py"
WRITER = "kis_portal/xlsx.py"

# What only the reader may use: archives, workbook loading, XML parsers.
READING = {
    "zipfile",
    "tarfile",
    "openpyxl.load_workbook",
    "openpyxl.reader",
    "openpyxl.reader.excel",
    "openpyxl.xml",
    "openpyxl.xml.functions",
    "python_calamine",
    "xlrd",
    "pandas",
    "pyexcel",
    "xml.etree",
    "xml.etree.ElementTree",
    "xml.dom",
    "xml.dom.minidom",
    "xml.sax",
    "lxml",
    "lxml.etree",
}
# What only the writer may use: workbooks and cells.
WRITING = {
    "openpyxl.Workbook",
    "openpyxl.workbook",
    "openpyxl.cell.WriteOnlyCell",
    "openpyxl.cell.cell",
    "openpyxl.writer",
    "openpyxl.worksheet._write_only",
    "xlsxwriter",
}


def project_modules() -> list[tuple[str, ast.Module]]:
    modules = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        # Tests build hostile files on purpose; bench is a measuring tool.
        if rel.startswith(
            (".venv/", "tests/", "bench/", "staticfiles/", "media/", "mutants/")
        ):
            continue
        modules.append((rel, ast.parse(path.read_text(encoding="utf-8"), rel)))
    return modules


def imported_names(tree: ast.Module) -> set[str]:
    """'zipfile', 'openpyxl.load_workbook', 'xml.etree.ElementTree', ... (with parents)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            # openpyxl.load_workbook(...) after a bare "import openpyxl"
            names.add(f"{node.value.id}.{node.attr}")
    parents = {
        ".".join(name.split(".")[:i])
        for name in names
        for i in range(1, name.count(".") + 1)
    }
    return names | parents


def test_the_scan_sees_the_reader_and_the_writer():
    """The scan works: it finds what the two modules themselves use."""
    modules = dict(project_modules())
    assert {"zipfile", "openpyxl.load_workbook"} <= imported_names(modules[READER])
    assert "openpyxl.Workbook" in imported_names(modules[WRITER])
    assert len(modules) > 100


def test_no_module_but_the_reader_opens_archives_workbooks_or_xml():
    offenders = {
        rel: sorted(imported_names(tree) & READING)
        for rel, tree in project_modules()
        if rel != READER and imported_names(tree) & READING
    }
    assert offenders == {}


def test_no_module_but_the_writer_makes_workbooks():
    offenders = {
        rel: sorted(imported_names(tree) & WRITING)
        for rel, tree in project_modules()
        if rel != WRITER and imported_names(tree) & WRITING
    }
    assert offenders == {}


def test_defusedxml_is_installed_and_is_what_openpyxl_parses_with():
    assert defusedxml.__version__
    assert openpyxl.xml.DEFUSEDXML is True
    assert xlsx_read.xml_functions.iterparse.__module__.startswith("defusedxml")


PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
PAYLOADS = {
    "=": '=HYPERLINK("http://contoh.invalid","klik")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1,1)",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def inert(value: str, payload: str) -> bool:
    """The payload behind Excel's text marker (XML reads a stored CR back as LF)."""
    return value[0] == "'" and value[1:].replace("\n", "\r") == payload.replace(
        "\n", "\r"
    )


def written(**kwargs) -> list:
    """The values of the second row of a workbook written by kis_portal.xlsx."""
    wb = xlsx.new_workbook()
    headers = [f"KOLOM {n}" for n in range(len(kwargs["row"]))]
    xlsx.write_sheet(wb, "Data", headers, [kwargs["row"]], **kwargs["opts"])
    sheet = load_workbook(io.BytesIO(xlsx.to_bytes(wb))).active
    return [(cell.value, cell.data_type) for cell in sheet[2]]


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
@pytest.mark.parametrize(
    "opts", [{}, {"number_formats": ["", "DD/MM/YYYY"]}], ids=["plain", "formatted"]
)
def test_write_sheet_makes_every_formula_prefix_inert(prefix, opts):
    payload = PAYLOADS[prefix]
    assert payload.startswith(prefix)

    (value, data_type), _ = written(row=[payload, payload], opts=opts)

    assert data_type == "s"
    assert inert(value, payload)


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_cell_and_header_make_every_formula_prefix_inert(prefix):
    payload = PAYLOADS[prefix]
    wb = xlsx.new_workbook()
    ws = wb.create_sheet("Data")
    ws.append([xlsx.cell(ws, payload, bold=True)])
    xlsx.write_sheet(wb, "Kedua", [payload], [])
    loaded = load_workbook(io.BytesIO(xlsx.to_bytes(wb)))

    for sheet in loaded.worksheets:
        cell = sheet["A1"]
        assert cell.data_type == "s"
        assert inert(cell.value, payload)


def test_ordinary_text_numbers_and_identifiers_are_left_alone():
    row = written(row=["I MADE", "0051080612030001", 42, "Jl. Mawar -5"], opts={})
    assert row == [
        ("I MADE", "s"),
        ("0051080612030001", "s"),
        (42, "n"),
        ("Jl. Mawar -5", "s"),
    ]
