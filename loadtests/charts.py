"""Self-contained SVG charts (no script, no CDN): lines over time and labelled bars.

:func:`line_chart` draws one polyline per series against shared axes with a legend;
:func:`bar_chart` draws one labelled horizontal bar per value. Both return an
``<svg>`` element as a string, sized in CSS pixels, for inlining in an HTML page.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from html import escape

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 64
MARGIN_RIGHT = 16
MARGIN_TOP = 28
MARGIN_BOTTOM = 40
FONT = "font-family='sans-serif' font-size='11'"
PALETTE = ("#1f77b4", "#d62728", "#7f7f7f", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


@dataclasses.dataclass(frozen=True)
class Series:
    """One line: a name for the legend, a colour, points ``(x, y)``, solid or dashed."""

    name: str
    color: str
    points: Sequence[tuple[float, float]]
    dashed: bool = False


def nice_ceiling(value: float) -> float:
    """Return the smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:g}"


def _title(text: str) -> str:
    return f"<text x='{MARGIN_LEFT}' y='16' {FONT} font-weight='bold'>{escape(text)}</text>"


def line_chart(
    title: str,
    series: Sequence[Series],
    x_label: str,
    y_label: str,
    ticks: int = 5,
    band: tuple[float, float] | None = None,
) -> str:
    """Return an SVG line chart of ``series`` with axes from zero, a grid and a legend.

    ``band`` shades the x range it gives (the measured window, say) in light grey.
    """
    points = [point for line in series for point in line.points]
    x_max = nice_ceiling(max((x for x, _ in points), default=1.0))
    y_max = nice_ceiling(max((y for _, y in points), default=1.0))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def sx(x: float) -> float:
        return MARGIN_LEFT + plot_w * x / x_max

    def sy(y: float) -> float:
        return MARGIN_TOP + plot_h * (1 - y / y_max)

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{HEIGHT}' "
        f"viewBox='0 0 {WIDTH} {HEIGHT}' role='img' aria-label='{escape(title)}'>",
        _title(title),
    ]
    for index in range(ticks + 1):
        y_value = y_max * index / ticks
        y = sy(y_value)
        parts.append(
            f"<line x1='{MARGIN_LEFT}' y1='{y:.1f}' x2='{WIDTH - MARGIN_RIGHT}' y2='{y:.1f}' "
            "stroke='#e0e0e0'/>"
        )
        parts.append(
            f"<text x='{MARGIN_LEFT - 6}' y='{y + 4:.1f}' text-anchor='end' {FONT}>"
            f"{_number(y_value)}</text>"
        )
        x_value = x_max * index / ticks
        parts.append(
            f"<text x='{sx(x_value):.1f}' y='{HEIGHT - MARGIN_BOTTOM + 14}' "
            f"text-anchor='middle' {FONT}>{_number(x_value)}</text>"
        )
    parts.append(
        f"<text x='{MARGIN_LEFT + plot_w / 2:.0f}' y='{HEIGHT - 6}' text-anchor='middle' "
        f"{FONT}>{escape(x_label)}</text>"
    )
    parts.append(
        f"<text x='12' y='{MARGIN_TOP + plot_h / 2:.0f}' text-anchor='middle' {FONT} "
        f"transform='rotate(-90 12 {MARGIN_TOP + plot_h / 2:.0f})'>{escape(y_label)}</text>"
    )
    if band is not None:
        left, right = (sx(min(max(x, 0.0), x_max)) for x in band)
        parts.append(
            f"<rect x='{left:.1f}' y='{MARGIN_TOP}' width='{right - left:.1f}' "
            f"height='{plot_h}' fill='#000' fill-opacity='0.06'><title>measured window"
            "</title></rect>"
        )
    parts.append(
        f"<rect x='{MARGIN_LEFT}' y='{MARGIN_TOP}' width='{plot_w}' height='{plot_h}' "
        "fill='none' stroke='#999'/>"
    )
    legend_x = MARGIN_LEFT + 8
    legend_y = MARGIN_TOP + 10
    for line in series:
        if not line.points:
            continue
        dash = " stroke-dasharray='5 3'" if line.dashed else ""
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in line.points)
        parts.append(
            f"<polyline points='{path}' fill='none' stroke='{line.color}' "
            f"stroke-width='1.8'{dash}><title>{escape(line.name)}</title></polyline>"
        )
        width = 30 + 7 * len(line.name)
        if legend_x + width > WIDTH - MARGIN_RIGHT:  # wrap the legend onto another row
            legend_x, legend_y = MARGIN_LEFT + 8, legend_y + 14
        parts.append(
            f"<line x1='{legend_x}' y1='{legend_y}' x2='{legend_x + 18}' "
            f"y2='{legend_y}' stroke='{line.color}' stroke-width='2'{dash}/>"
        )
        parts.append(
            f"<text x='{legend_x + 22}' y='{legend_y + 4}' {FONT}>{escape(line.name)}</text>"
        )
        legend_x += width
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, bars: Sequence[tuple[str, float, str]], unit: str) -> str:
    """Return an SVG chart of horizontal bars ``(label, value, colour)``, values printed."""
    row = 26
    height = MARGIN_TOP + row * len(bars) + 30
    label_w = 150
    plot_w = WIDTH - label_w - MARGIN_RIGHT - 70
    top = nice_ceiling(max((value for _, value, _ in bars), default=1.0))
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' "
        f"viewBox='0 0 {WIDTH} {height}' role='img' aria-label='{escape(title)}'>",
        _title(title),
    ]
    for index, (label, value, color) in enumerate(bars):
        y = MARGIN_TOP + index * row
        width = plot_w * value / top
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 15}' text-anchor='end' {FONT}>{escape(label)}</text>"
        )
        parts.append(
            f"<rect x='{label_w}' y='{y + 3}' width='{width:.1f}' height='{row - 8}' "
            f"fill='{color}'><title>{escape(label)}: {value:g} {escape(unit)}</title></rect>"
        )
        parts.append(
            f"<text x='{label_w + width + 6:.1f}' y='{y + 15}' {FONT}>"
            f"{_number(round(value, 1))} {escape(unit)}</text>"
        )
    axis_y = MARGIN_TOP + row * len(bars) + 4
    parts.append(
        f"<line x1='{label_w}' y1='{MARGIN_TOP}' x2='{label_w}' y2='{axis_y}' stroke='#999'/>"
    )
    parts.append(
        f"<text x='{label_w}' y='{axis_y + 14}' {FONT}>0</text>"
        f"<text x='{label_w + plot_w}' y='{axis_y + 14}' text-anchor='middle' {FONT}>"
        f"{_number(top)} {escape(unit)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
