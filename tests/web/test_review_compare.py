"""Compare 2-5 candidates: accessible SVG radar chart plus the same data as a table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from simulator.services.radar import MAX_SERIES, Series, radar_svg
from tests.web.review_factories import review_env

SVG = "{http://www.w3.org/2000/svg}"
AXES = [("a", "Alpha"), ("b", "Bravo & <Co>"), ("c", "Charlie with a very long label")]


def test_radar_is_accessible_svg() -> None:
    svg = radar_svg(AXES, [Series("Ada", {"a": 100, "b": 50, "c": 0}),
                           Series("<Bob>", {"a": 20})], chart_id="t")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title t-desc"
    assert "Ada" in root.find(f"{SVG}title").text and "<Bob>" in root.find(f"{SVG}title").text
    desc = root.find(f"{SVG}desc").text
    assert "Ada: Alpha 100, Bravo & <Co> 50" in desc and "<Bob>: Alpha 20, Bravo & <Co> 0" in desc
    series = root.findall(f"{SVG}g")
    assert len(series) == 2
    assert series[0].find(f"{SVG}polygon").get("stroke-dasharray") is None
    assert series[1].find(f"{SVG}polygon").get("stroke-dasharray")


def test_radar_points_follow_the_values() -> None:
    root = ET.fromstring(radar_svg(AXES, [Series("Ada", {"a": 100, "b": 0, "c": 0})],
                                   radius=100))
    points = root.find(f"{SVG}g").find(f"{SVG}polygon").get("points").split()
    (x0, y0), (x1, y1) = (map(float, points[0].split(",")), map(float, points[1].split(",")))
    centre_x = float(root.get("width")) / 2
    assert (x0, y0) == (centre_x, 50.0)  # 100 on the top axis: the outer ring
    assert (x1, y1) == (centre_x, 150.0)  # 0: the centre


@pytest.mark.parametrize("value", [-20, 250])
def test_radar_clamps_values(value: float) -> None:
    svg = radar_svg(AXES, [Series("Ada", {"a": value})], radius=100)
    top = ET.fromstring(svg).find(f"{SVG}g").find(f"{SVG}polygon").get("points").split()[0]
    assert float(top.split(",")[1]) == (150.0 if value < 0 else 50.0)


@pytest.mark.parametrize(
    ("axes", "series"),
    [(AXES[:2], [Series("A", {})]), (AXES, []),
     (AXES, [Series(str(n), {}) for n in range(MAX_SERIES + 1)])],
)
def test_radar_refuses_bad_shapes(axes: Any, series: Any) -> None:
    with pytest.raises(ValueError):
        radar_svg(axes, series)


def test_compare_page_shows_chart_and_table(app: Any, client: Any, auth: Any,
                                            make_user: Any, now: Any) -> None:
    env = review_env(app, make_user, now)
    ids = env.seeded.invitation_ids
    auth.login_as(env.interviewer)
    html = client.get(f"/review/compare?ids={ids[0]}&ids={ids[1]}&ids={ids[2]}").get_data(
        as_text=True)
    assert html.count('role="img"') == 1
    table = html.split('class="compare-table"', 1)[1].split("</table>", 1)[0]
    header = table.split("</thead>", 1)[0]
    assert re.findall(r'/review/candidates/\d+">([^<]+)</a>', header) == [
        "Ada Expert", "Bob Weak", "Cy Unsafe"]
    assert "Structured troubleshooting" in table


@pytest.mark.parametrize(
    "query",
    ["", "ids=1", "ids=abc&ids=", "ids=1&ids=1", "&".join(f"ids={n}" for n in range(1, 8)),
     "ids=99999999999&ids=1"],
)
def test_compare_needs_two_to_five_candidates(app: Any, client: Any, auth: Any,
                                              make_user: Any, now: Any, query: str) -> None:
    env = review_env(app, make_user, now)
    auth.login_as(env.interviewer)
    response = client.get(f"/review/compare?{query}")
    assert response.status_code == 400
    assert "Choose 2 to 5 candidates" in response.get_data(as_text=True)


def test_compare_with_someone_elses_candidate_is_404(app: Any, client: Any, auth: Any,
                                                     make_user: Any, now: Any) -> None:
    env = review_env(app, make_user, now)
    ids = env.seeded.invitation_ids
    auth.login_as(env.other)
    assert client.get(f"/review/compare?ids={ids[0]}&ids={ids[1]}").status_code == 404
