"""How long each hostile file took, printed after the run (never asserted)."""

_TIMES: list[tuple[str, str, int, float]] = []


def record(name: str, reader: str, size: int, seconds: float) -> None:
    _TIMES.append((name, reader, size, seconds))


def pytest_terminal_summary(terminalreporter, config):
    if not _TIMES:
        return
    files = sorted({name for name, *_ in _TIMES})
    slowest = max(_TIMES, key=lambda row: row[3])
    write = terminalreporter.write_line
    readers = sorted({reader for _, reader, _, _ in _TIMES})
    write(
        f"Berkas berbahaya: {len(files)} berkas, {len(_TIMES)} percobaan "
        f"({', '.join(readers)}); terlama {slowest[3]:.2f} s "
        f"({slowest[0]} di {slowest[1]})."
    )
    if config.getoption("verbose") < 1:
        return
    by_file: dict[str, list[tuple[str, int, float]]] = {}
    for name, reader, size, seconds in _TIMES:
        by_file.setdefault(name, []).append((reader, size, seconds))
    for name in files:
        rows = by_file[name]
        detail = ", ".join(f"{reader} {seconds:.2f}" for reader, _, seconds in rows)
        write(f"  {name:32} {rows[0][1]:>10,} B  {detail}")
