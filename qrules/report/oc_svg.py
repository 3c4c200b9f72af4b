"""An operating-characteristic curve as a self-contained SVG chart, without a plotting library.

The chart is plain SVG 1.1: axes, gridlines, tick labels, the curve as a polyline and, when
given, vertical markers at the AQL and the limiting quality with their Pa values. Every piece
of text is escaped, so titles from agreements cannot break the XML.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from qrules.errors import UsageError

WIDTH, HEIGHT = 720, 460
LEFT, RIGHT, TOP, BOTTOM = 78, 24, 84, 62
LABEL_ROOM = 110  # width a marker label needs beside its line
X_LABEL = "Fraction nonconforming p (%)"
Y_LABEL = "Probability of acceptance Pa"
FONT = "font-family='Helvetica, Arial, sans-serif'"
CURVE_COLOUR = "#1f5fa8"
AQL_COLOUR = "#2e7d32"
LQ_COLOUR = "#c62828"


@dataclass(frozen=True)
class Frame:
    """Maps p in percent and Pa onto the plotting area."""

    x_max: float

    def x(self, percent: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * percent / self.x_max

    def y(self, pa: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - pa)


def render_oc_svg(
    points: Sequence[tuple[float, float]],
    *,
    title: str,
    aql: float | None = None,
    lq: float | None = None,
    plan_label: str = "",
    x_label: str = X_LABEL,
    unit: str = "%",
) -> str:
    """The chart of ``points`` (p as a fraction, Pa), with optional AQL and LQ markers.

    ``aql`` and ``lq`` are percentages, as the standard prints them. Their Pa values are read
    off the curve: exact when the point is among ``points``, else interpolated linearly.
    ``x_label`` and ``unit`` (after the AQL and LQ values) change for nonconformities per
    100 units.
    """
    curve = _sorted_points(points)
    markers = _markers(aql, lq)
    largest = max([curve[-1][0] * 100] + [m.percent for m in markers])
    frame = Frame(_axis_end(largest))
    parts = [_header(title, plan_label), *_grid(frame, x_label), _curve(frame, curve)]
    parts += [_marker(frame, m, _pa_at(curve, m.percent / 100), unit) for m in markers]
    parts.append("</svg>\n")
    return "\n".join(parts)


@dataclass(frozen=True)
class Marker:
    name: str
    percent: float
    colour: str


def _markers(aql: float | None, lq: float | None) -> list[Marker]:
    given = [("AQL", aql, AQL_COLOUR), ("LQ", lq, LQ_COLOUR)]
    return [Marker(name, float(pc), colour) for name, pc, colour in given if pc is not None]


def _sorted_points(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    curve = sorted((float(p), float(pa)) for p, pa in points)
    if not curve:
        raise UsageError("an OC chart needs at least one point", hint="compute oc_curve(...) first")
    return curve


def _axis_end(largest: float) -> float:
    """A round upper end for the p axis, at or above the largest p shown."""
    if largest <= 0:
        return 1.0
    step = _tick_step(largest / 8)
    return step * math.ceil(largest / step - 1e-9)


def _tick_step(raw: float) -> float:
    exponent = math.floor(math.log10(raw))
    for mantissa in (1, 2, 2.5, 5, 10):
        if mantissa * 10.0**exponent >= raw * (1 - 1e-9):
            return float(f"{mantissa * 10.0**exponent:.12g}")
    raise AssertionError("unreachable: 10 × 10^k ≥ raw")


def _header(title: str, plan_label: str) -> str:
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{HEIGHT}' "
        f"viewBox='0 0 {WIDTH} {HEIGHT}' role='img' aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f"<rect x='0' y='0' width='{WIDTH}' height='{HEIGHT}' fill='white'/>",
        _text(WIDTH / 2, 28, title, "middle", size=16, weight="bold"),
    ]
    if plan_label:
        lines.append(_text(WIDTH / 2, 48, plan_label, "middle", size=13, fill="#444444"))
    return "\n".join(lines)


def _grid(frame: Frame, x_label: str) -> list[str]:
    step = _tick_step(frame.x_max / 8)
    x_ticks = [round(k * step, 10) for k in range(round(frame.x_max / step) + 1)]
    y_ticks = [k / 10 for k in range(11)]
    parts = ["<g class='grid' stroke='#dddddd' stroke-width='1'>"]
    parts += [_line(frame.x(t), TOP, frame.x(t), frame.y(0)) for t in x_ticks]
    parts += [_line(LEFT, frame.y(t), frame.x(frame.x_max), frame.y(t)) for t in y_ticks]
    parts.append("</g>")
    parts += _axes(frame, x_label)
    parts += [_text(frame.x(t), frame.y(0) + 18, _tick_text(t), "middle") for t in x_ticks]
    parts += [_text(LEFT - 8, frame.y(t) + 4, f"{t:.1f}", "end") for t in y_ticks]
    return parts


def _axes(frame: Frame, x_label: str) -> list[str]:
    bottom, middle_y = frame.y(0), (TOP + frame.y(0)) / 2
    return [
        "<g class='axes' stroke='#333333' stroke-width='1.2'>",
        _line(LEFT, TOP, LEFT, bottom),
        _line(LEFT, bottom, frame.x(frame.x_max), bottom),
        "</g>",
        _text((LEFT + frame.x(frame.x_max)) / 2, HEIGHT - 18, x_label, "middle", size=13),
        f"<text x='22' y='{middle_y:.2f}' text-anchor='middle' font-size='13' {FONT} "
        f"transform='rotate(-90 22 {middle_y:.2f})'>{escape(Y_LABEL)}</text>",
    ]


def _curve(frame: Frame, curve: list[tuple[float, float]]) -> str:
    coordinates = " ".join(f"{frame.x(p * 100):.2f},{frame.y(pa):.2f}" for p, pa in curve)
    return (
        f"<polyline class='oc-curve' points='{coordinates}' fill='none' "
        f"stroke='{CURVE_COLOUR}' stroke-width='2.2' stroke-linejoin='round'/>"
    )


def _marker(frame: Frame, marker: Marker, pa: float, unit: str) -> str:
    x, y = frame.x(marker.percent), frame.y(pa)
    # Pa falls with p, so above and to the right of a point the curve is never in the way;
    # only near the right edge does the label move to the left of the marker line.
    anchor = "end" if x > WIDTH - RIGHT - LABEL_ROOM else "start"
    dx = -6 if anchor == "end" else 6
    label = f"{marker.name} {_tick_text(marker.percent)}{unit}"
    return "\n".join(
        [
            f"<g class='marker {marker.name.lower()}'>",
            f"<line x1='{x:.2f}' y1='{TOP:.2f}' x2='{x:.2f}' y2='{frame.y(0):.2f}' "
            f"stroke='{marker.colour}' stroke-width='1.5' stroke-dasharray='6 4'/>",
            f"<circle cx='{x:.2f}' cy='{y:.2f}' r='4' fill='{marker.colour}'/>",
            _text(x + dx, y - 24, label, anchor, fill=marker.colour, halo=True),
            _text(x + dx, y - 9, f"Pa = {pa:.3f}", anchor, fill=marker.colour, halo=True),
            "</g>",
        ]
    )


def _pa_at(curve: list[tuple[float, float]], p: float) -> float:
    """Pa at p, from the curve: an exact point if present, else linear interpolation."""
    for q, pa in curve:
        if math.isclose(p, q, rel_tol=1e-12, abs_tol=1e-15):
            return pa
    for (p0, pa0), (p1, pa1) in pairwise(curve):
        if p0 < p < p1:
            return pa0 + (pa1 - pa0) * (p - p0) / (p1 - p0)
    return curve[0][1] if p < curve[0][0] else curve[-1][1]


def _tick_text(value: float) -> str:
    return f"{value:.4g}"


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f"<line x1='{x1:.2f}' y1='{y1:.2f}' x2='{x2:.2f}' y2='{y2:.2f}'/>"


def _text(
    x: float,
    y: float,
    content: str,
    anchor: str,
    *,
    size: int = 12,
    weight: str = "normal",
    fill: str = "#222222",
    halo: bool = False,
) -> str:
    attributes = (
        f"x='{x:.2f}' y='{y:.2f}' text-anchor='{anchor}' font-size='{size}' "
        f"font-weight='{weight}' {FONT}"
    )
    text = f"<text {attributes} fill='{fill}'>{escape(content)}</text>"
    if not halo:
        return text
    # A white copy underneath keeps a label readable where it crosses the curve or gridlines
    # (paint-order would do it in one element, but not every SVG renderer supports it).
    under = (
        f"<text {attributes} fill='white' stroke='white' stroke-width='4' "
        f"stroke-linejoin='round' aria-hidden='true'>{escape(content)}</text>"
    )
    return under + "\n" + text
