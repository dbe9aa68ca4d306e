"""Server-side SVG radar chart (pure: builds markup, no IO).

The chart is an accessible image: ``role="img"`` with a ``<title>`` and ``<desc>``
referenced by ``aria-labelledby``; pages show the same data as a table. Series are
told apart by colour AND dash pattern AND marker shape, so the chart does not rely
on colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

#: Colour-blind-safe palette (Okabe-Ito), dark enough for 3:1 against white.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7A5C00")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")
MAX_SERIES = len(COLOURS)


@dataclass(frozen=True)
class Series:
    """One candidate's values (0-100) per axis id; missing axes count as 0."""

    name: str
    values: Mapping[str, float]


def _point(centre: tuple[float, float], radius: float, index: int,
           count: int) -> tuple[float, float]:
    """Return the (x, y) of axis ``index`` of ``count`` at ``radius`` from the centre."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    x = round(centre[0] + radius * math.cos(angle), 2)
    return (x, round(centre[1] + radius * math.sin(angle), 2))


def _wrap(label: str, width: int = 16) -> list[str]:
    """Split a label into at most two lines of about ``width`` characters."""
    if len(label) <= width or " " not in label:
        return [label]
    words, first = label.split(), ""
    while words and len(f"{first} {words[0]}".strip()) <= width:
        first = f"{first} {words.pop(0)}".strip()
    if not first:
        first = words.pop(0)
    return [first, " ".join(words)] if words else [first]


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    """Return an SVG points attribute value."""
    return " ".join(f"{x},{y}" for x, y in points)


def _grid(centre: tuple[float, float], radius: float, count: int) -> list[str]:
    """Return the rings (25/50/75/100) and spokes of the chart."""
    parts = []
    for fraction in (0.25, 0.5, 0.75, 1.0):
        ring = [_point(centre, radius * fraction, i, count) for i in range(count)]
        parts.append(f'<polygon class="radar-grid" points="{_polygon(ring)}" fill="none" '
                     f'stroke="#8a8f98" stroke-width="1"/>')
    for i in range(count):
        x, y = _point(centre, radius, i, count)
        parts.append(f'<line class="radar-spoke" x1="{centre[0]}" y1="{centre[1]}" x2="{x}" '
                     f'y2="{y}" stroke="#8a8f98" stroke-width="1"/>')
    return parts


def _labels(centre: tuple[float, float], radius: float,
            axes: Sequence[tuple[str, str]]) -> list[str]:
    """Return the axis labels placed just outside the outer ring (wrapped to 2 lines)."""
    parts = []
    for i, (_axis_id, label) in enumerate(axes):
        x, y = _point(centre, radius + 14, i, len(axes))
        anchor = "middle" if abs(x - centre[0]) < 1 else ("start" if x > centre[0] else "end")
        lines = _wrap(label)
        if y < centre[1] - 1:
            y -= 14 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{x}" dy="{0 if n == 0 else 14}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f'<text x="{x}" y="{y}" text-anchor="{anchor}" dominant-baseline="middle" '
                     f'font-size="12" fill="#1f2328">{spans}</text>')
    return parts


def _series(centre: tuple[float, float], radius: float, axes: Sequence[tuple[str, str]], index: int,
            series: Series) -> list[str]:
    """Return one series' polygon and markers."""
    count = len(axes)
    points = []
    for i, (axis_id, _label) in enumerate(axes):
        value = min(100.0, max(0.0, float(series.values.get(axis_id, 0.0))))
        points.append(_point(centre, radius * value / 100.0, i, count))
    colour, dash = COLOURS[index], DASHES[index]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    parts = [f'<g class="radar-series" data-series="{index}">',
             f'<polygon points="{_polygon(points)}" fill="{colour}" fill-opacity="0.12" '
             f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>']
    for x, y in points:
        if index % 2:
            parts.append(f'<rect x="{x - 3.5}" y="{y - 3.5}" width="7" height="7" '
                         f'fill="{colour}"/>')
        else:
            parts.append(f'<circle cx="{x}" cy="{y}" r="4" fill="{colour}"/>')
    parts.append("</g>")
    return parts


def _legend(top: float, series: Sequence[Series]) -> list[str]:
    """Return a legend row per series (colour, dash and name)."""
    parts = []
    for index, item in enumerate(series):
        y = top + index * 20
        dash = DASHES[index]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="10" y1="{y}" x2="40" y2="{y}" stroke="{COLOURS[index]}" '
                     f'stroke-width="3"{dash_attr}/>')
        parts.append(f'<text x="48" y="{y}" dominant-baseline="middle" font-size="12" '
                     f'fill="#1f2328">{escape(item.name)}</text>')
    return parts


def radar_svg(axes: Sequence[tuple[str, str]], series: Sequence[Series], *,
              chart_id: str = "radar", radius: int = 130) -> str:
    """Return an accessible SVG radar chart of 0-100 values per (axis id, label).

    Raises ValueError with fewer than 3 axes or more than ``MAX_SERIES`` series.
    """
    if len(axes) < 3:
        raise ValueError("a radar chart needs at least 3 axes")
    if not 1 <= len(series) <= MAX_SERIES:
        raise ValueError(f"a radar chart shows 1 to {MAX_SERIES} series")
    width = 2 * radius + 300
    centre = (width / 2, radius + 50.0)
    top_of_legend = 2 * radius + 110
    height = top_of_legend + 20 * len(series)
    names = ", ".join(s.name for s in series)
    summary = "; ".join(
        f"{s.name}: " + ", ".join(f"{label} {round(float(s.values.get(a, 0.0)))}"
                                  for a, label in axes)
        for s in series
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">Competency scores (0-100): {escape(names)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
        *_grid(centre, radius, len(axes)),
        *_labels(centre, radius, axes),
    ]
    for index, item in enumerate(series):
        parts.extend(_series(centre, radius, axes, index, item))
    parts.extend(_legend(top_of_legend, series))
    parts.append("</svg>")
    return "\n".join(parts)
