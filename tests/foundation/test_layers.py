"""How the apps connect, beyond import-linter's layers (pyproject.toml): an app reaches
another only through its services, selectors, models and registries, never its screens."""

import grimp
import pytest

APPS = [
    "kis_portal",
    "dtks",
    "usulan",
    "verifikasi",
    "rekap_bpjs",
    "distribusi",
    "pengaduan",
    "notifikasi",
    "laporan",
    "privasi",
    "demo",
]
# A module whose name starts with one of these is a screen of its app.
SCREENS = ("views", "forms", "urls", "filters", "admin", "templatetags")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*APPS)


def app_of(module: str) -> str:
    return module.split(".")[0]


def is_screen(module: str) -> bool:
    return any(part.startswith(SCREENS) for part in module.split(".")[1:])


def crossings(graph: grimp.ImportGraph) -> list[str]:
    return sorted(
        f"{importer} -> {imported}"
        for imported in graph.modules
        if is_screen(imported)
        for importer in graph.find_modules_that_directly_import(imported)
        if app_of(importer) != app_of(imported)
    )


def test_no_app_imports_another_apps_screens(graph):
    assert crossings(graph) == []


def test_the_check_sees_a_crossing_when_there_is_one():
    """kis_portal.urls reaches each app's urls by a string (include("usulan.urls")),
    which is no import; a real import of another app's views is found."""
    broken = grimp.build_graph(*APPS)
    broken.add_import(
        importer="dtks.imports",
        imported="usulan.views",
        line_number=1,
        line_contents="from usulan import views",
    )
    assert crossings(broken) == ["dtks.imports -> usulan.views"]
