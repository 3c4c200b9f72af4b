"""The OC chart is well-formed SVG with axes, ticks, the curve and labelled markers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from qrules.errors import UsageError
from qrules.report.oc_svg import HEIGHT, WIDTH, X_LABEL, Y_LABEL, render_oc_svg
from qrules.stdlib.sampling import acceptance_probability, default_grid, oc_curve

SVG = "{http://www.w3.org/2000/svg}"
Y_TICKS = {f"{k / 10:.1f}" for k in range(11)}


def j_plan_points(extra: tuple[float, ...] = ()) -> list[tuple[float, float]]:
    grid = sorted(set(default_grid(80, 2, steps=100)) | set(extra))
    return oc_curve(80, 2, grid)


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def test_chart_is_well_formed_svg_with_axes_and_labels() -> None:
    root = parse(render_oc_svg(j_plan_points(), title="OC curve"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    labels = texts(root)
    assert X_LABEL == "Fraction nonconforming p (%)"
    assert Y_LABEL == "Probability of acceptance Pa"
    assert X_LABEL in labels and Y_LABEL in labels
    assert [f"{k / 10:.1f}" for k in range(11)] == [t for t in labels if t in Y_TICKS]
    assert {"0", "2", "4", "6", "8", "10"} <= set(labels)  # p ticks in percent
    assert root.find(f"{SVG}title") is not None


def test_curve_is_one_polyline_with_a_vertex_per_point() -> None:
    points = j_plan_points()
    root = parse(render_oc_svg(points, title="OC curve"))
    curves = [e for e in root.iter(f"{SVG}polyline") if e.get("class") == "oc-curve"]
    assert len(curves) == 1
    vertices = [tuple(map(float, pair.split(","))) for pair in curves[0].get("points", "").split()]
    assert len(vertices) == len(points)
    xs, ys = [x for x, _ in vertices], [y for _, y in vertices]
    assert xs == sorted(xs)  # p grows to the right
    assert ys == sorted(ys)  # Pa falls, and SVG's y grows downwards
    assert all(0 <= x <= WIDTH for x in xs) and all(0 <= y <= HEIGHT for y in ys)


def test_markers_show_the_aql_and_lq_with_their_pa() -> None:
    points = j_plan_points(extra=(0.01, 0.065))
    root = parse(render_oc_svg(points, title="OC", aql=1.0, lq=6.5, plan_label="n = 80, Ac = 2"))
    labels = texts(root)
    assert "AQL 1%" in labels and "LQ 6.5%" in labels
    assert f"Pa = {acceptance_probability(80, 2, 0.01):.3f}" in labels
    assert f"Pa = {acceptance_probability(80, 2, 0.065):.3f}" in labels
    assert "n = 80, Ac = 2" in labels
    groups = {e.get("class") for e in root.iter(f"{SVG}g")}
    assert {"marker aql", "marker lq"} <= groups


def test_marker_between_points_is_interpolated() -> None:
    points = [(0.0, 1.0), (0.02, 0.6), (0.04, 0.2)]
    root = parse(render_oc_svg(points, title="OC", lq=3.0))
    assert "Pa = 0.400" in texts(root)


def test_axis_extends_to_a_marker_beyond_the_curve() -> None:
    points = [(0.0, 1.0), (0.01, 0.5), (0.02, 0.0)]
    root = parse(render_oc_svg(points, title="OC", lq=5.0))
    assert "5" in texts(root)


def test_text_is_escaped() -> None:
    title = "Lot <A&B> \"quoted\" 'single'"
    svg = render_oc_svg(j_plan_points(), title=title, plan_label="a < b & c")
    root = parse(svg)
    assert root.findtext(f"{SVG}title") == title
    assert title in texts(root) and "a < b & c" in texts(root)
    assert root.get("aria-label") == title


def test_units_for_nonconformities_per_100_units() -> None:
    points = oc_curve(32, 21, [0.0, 0.4, 0.8, 1.2], "poisson")
    svg = render_oc_svg(
        points,
        title="OC",
        aql=40,
        x_label="Nonconformities per 100 units",
        unit=" per 100 units",
    )
    labels = texts(parse(svg))
    assert "Nonconformities per 100 units" in labels
    assert "AQL 40 per 100 units" in labels


def test_no_points_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="at least one point"):
        render_oc_svg([], title="OC")
