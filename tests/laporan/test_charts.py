"""The inline SVG charts: proportional bars, plain numbers, no script."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from laporan import charts


def test_horizontal_bars_are_proportional_and_the_late_bucket_is_red():
    chart = charts.horizontal(
        [("a", 10), ("b", 5), ("c", 0)],
        title="Uji",
        width=300,
        label_width=100,
        highlight={2},
    )
    a, b, c = chart["bars"]
    assert a.width == 2 * b.width and c.width == 0
    assert (a.colour, c.colour) == (charts.GREEN, charts.RED)
    assert chart["height"] == 3 * 22


def test_columns_scale_to_the_tallest_month():
    chart = charts.columns(
        [("Jan", 4), ("Feb", 8)], title="Uji", sublabels=["2026", ""]
    )
    jan, feb = chart["bars"]
    assert feb.height == 2 * jan.height
    assert jan.sublabel == "2026"


@pytest.mark.parametrize("template", ["hbar", "columns"])
def test_svg_numbers_are_not_localised(template):
    """Indonesian formats 12.5 as "12,5": coordinates must keep their dot."""
    make = charts.horizontal if template == "hbar" else charts.columns
    chart = make([("Satu", 3), ("Dua", 7), ("<b>x</b>", 1)], title="Uji")
    with translation.override("id"):
        svg = render_to_string(f"laporan/includes/{template}.html", {"chart": chart})
    coordinates = re.findall(r'(?:x|y|width|height)="([^"]*)"', svg)
    assert coordinates and all("," not in value for value in coordinates)
    assert any("." in value for value in coordinates)
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "<script" not in svg
