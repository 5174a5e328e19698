"""Bar charts as numbers for inline SVG: the template draws, no JavaScript, no CDN.

Every function returns the geometry (in SVG user units) of one chart; the
templates in `templates/laporan/includes/` turn it into <rect> and <text>.
"""

from dataclasses import dataclass

GREEN = "#198754"
RED = "#dc3545"
GREY = "#6c757d"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    colour: str
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    sublabel: str = ""


def _scale(values: list[int]) -> int:
    return max([*values, 1])


def horizontal(
    items: list[tuple[str, int]],
    *,
    title: str,
    width: int = 640,
    label_width: int = 190,
    row: int = 22,
    highlight: set[int] | frozenset[int] = frozenset(),
    colour: str = GREEN,
) -> dict:
    """One bar per item, label at the left, value after the bar.

    `highlight`: indexes drawn in red (e.g. the bucket past an SOP target).
    """
    value_room = 56
    room = width - label_width - value_room
    top = max(_scale([value for _label, value in items]), 1)
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * row + 3
        length = room * value / top if value else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=label_width,
                y=y,
                width=round(max(length, 1 if value else 0), 1),
                height=row - 6,
                colour=RED if index in highlight else colour,
                label_x=label_width - 6,
                label_y=y + (row - 6) / 2 + 4,
                value_x=round(label_width + length + 4, 1),
                value_y=y + (row - 6) / 2 + 4,
            )
        )
    return {
        "title": title,
        "width": width,
        "height": max(len(items) * row, row),
        "bars": bars,
        "axis_x": label_width,
    }


def columns(
    items: list[tuple[str, int]],
    *,
    title: str,
    height: int = 200,
    column: int = 44,
    colour: str = GREEN,
    sublabels: list[str] | None = None,
) -> dict:
    """Vertical bars (one per month), value above, label (and sublabel) below."""
    label_room, value_room = 30, 16
    room = height - label_room - value_room
    top = _scale([value for _label, value in items])
    bars = []
    for index, (label, value) in enumerate(items):
        length = room * value / top if value else 0
        x = index * column + 6
        y = value_room + room - length
        bars.append(
            Bar(
                label=label,
                value=value,
                x=x,
                y=round(y, 1),
                width=column - 12,
                height=round(length, 1),
                colour=colour,
                label_x=x + (column - 12) / 2,
                label_y=height - 17,
                value_x=x + (column - 12) / 2,
                value_y=round(y - 4, 1),
                sublabel=sublabels[index] if sublabels else "",
            )
        )
    return {
        "title": title,
        "width": max(len(items) * column, column),
        "height": height,
        "bars": bars,
        "axis_y": value_room + room,
    }
