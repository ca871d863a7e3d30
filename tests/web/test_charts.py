"""Server-side SVG charts: valid XML, the expected shapes, escaped text, colours at the bounds."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from bangkom.web.charts import NO_DATA_COLOUR, bars_svg, heatmap_svg, line_svg, radar_svg, share_colour

SVG = "{http://www.w3.org/2000/svg}"


def _radar(labels: list[str], required: list[int], current: list[int | None]) -> str:
    return radar_svg(
        labels,
        required,
        current,
        title="Radar <t> & co",
        desc="desc & <d>",
        legend_required="Standar",
        legend_current="Saat ini",
        legend_unassessed="Belum dinilai",
    )


def _view_box(root: ET.Element) -> tuple[float, ...]:
    return tuple(float(v) for v in root.attrib["viewBox"].split())


def test_radar_is_valid_svg_with_title_desc_and_escaping() -> None:
    svg = _radar(["M.1", "<A&B>", "M.3", "M.4"], [3, 3, 2, 4], [2, None, 2, 5])
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img" and "width" not in root.attrib  # scales with its container
    assert root.find(f"{SVG}title").text == "Radar <t> & co"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "desc & <d>"  # type: ignore[union-attr]
    assert len(root.findall(f"{SVG}polygon")) == 5 + 2  # five level rings, required and current
    assert len(root.findall(f"{SVG}circle")) == 1 + 1  # one unassessed marker and its legend entry
    assert "&lt;A&amp;B&gt;" in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<A&B>" in texts and "Belum dinilai" in texts


def test_radar_unassessed_is_drawn_at_zero() -> None:
    root = ET.fromstring(_radar(["a", "b", "c"], [2, 2, 2], [None, None, None]))
    current = next(p for p in root.iter(f"{SVG}polygon") if p.attrib.get("class") == "current")
    assert set(current.attrib["points"].split()) == {"0.0,0.0"}
    assert len(root.findall(f"{SVG}circle")) == 3 + 1


@pytest.mark.parametrize("n", [3, 8, 17, 30])
def test_radar_axes_and_labels_fit_in_the_view_box(n: int) -> None:
    labels = [f"KAB-SUNGAI.T{i:02d}" for i in range(n)]
    root = ET.fromstring(_radar(labels, [3] * n, [2] * n))
    required = next(p for p in root.iter(f"{SVG}polygon") if p.attrib.get("class") == "required")
    assert len(required.attrib["points"].split()) == n
    assert len(root.findall(f"{SVG}line")) == n + 1  # spokes and the legend line
    min_x, min_y, width, height = _view_box(root)
    for text in root.iter(f"{SVG}text"):
        x, y = float(text.attrib["x"]), float(text.attrib["y"])
        size = float(text.attrib["font-size"])
        extent = 0.6 * size * len(text.text or "")
        left = {"end": x - extent, "middle": x - extent / 2}.get(text.attrib.get("text-anchor", "start"), x)
        assert min_x <= left and left + extent <= min_x + width + 0.5, text.text
        assert min_y <= y <= min_y + height


def test_radar_needs_three_axes() -> None:
    assert _radar(["a", "b"], [1, 1], [1, 1]) == ""
    assert _radar([], [], []) == ""


def test_heatmap_cells_links_and_escaping() -> None:
    svg = heatmap_svg(
        ["U1 <&>", "U2"],
        ["M.1", "M&2", "M.3"],
        [[0.0, 0.5, None], [1.0, 0.25, math.nan]],
        [["/a?x=1&y=2", None, "/c"], ["/d", "/e", "/f"]],
        title="h & <x>",
        legend_title="Porsi",
        legend_none="belum ada penilaian",
    )
    root = ET.fromstring(svg)
    anchors = root.findall(f"{SVG}a")
    assert len(anchors) == 5
    assert anchors[0].attrib["href"] == "/a?x=1&y=2"  # the & survives as one, escaped in the markup
    assert "&amp;y=2" in svg
    rects = root.findall(f".//{SVG}rect")
    assert len(rects) == 6 + 5 + 1  # cells, the five-step scale, the no-data swatch
    cell_fills = [r.attrib["fill"] for r in rects[:6]]
    assert cell_fills == [
        share_colour(0.0),
        share_colour(0.5),
        NO_DATA_COLOUR,
        share_colour(1.0),
        share_colour(0.25),
        NO_DATA_COLOUR,
    ]
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "U1 <&> · M&2: 50%" in titles and "U2 · M.3: -" in titles
    assert "U1 &lt;&amp;&gt;" in svg


def test_heatmap_long_labels_are_shortened() -> None:
    svg = heatmap_svg(["x" * 80], ["y" * 40], [[0.1]], [[None]], title="t")
    root = ET.fromstring(svg)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert max(len(t) for t in texts) <= 30
    assert any(t.endswith("…") for t in texts)


def test_share_colour_bounds() -> None:
    assert share_colour(0.0) == "#1e7a3c"
    assert share_colour(0.5) == "#e6aa28"
    assert share_colour(1.0) == "#b42318"
    assert share_colour(-0.2) == share_colour(0.0) and share_colour(1.7) == share_colour(1.0)
    assert share_colour(None) == share_colour(math.nan) == NO_DATA_COLOUR
    assert all(re.fullmatch(r"#[0-9a-f]{6}", share_colour(k / 20)) for k in range(21))


def test_bars_one_bar_per_category_scaled_to_the_largest() -> None:
    svg = bars_svg(["Optimal", "<Cukup & x>", "Nol"], [6, 3, 0], ["#000", "#111", "#222"], title="b")
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.attrib.get("class") == "bar"]
    widths = [float(b.attrib["width"]) for b in bars]
    assert len(bars) == 3 and widths[0] == 2 * widths[1] and widths[2] == 0
    assert "&lt;Cukup &amp; x&gt;" in svg
    ET.fromstring(bars_svg(["a"], [0], ["#000"], title="all zero"))  # no division by zero


def test_line_points_follow_the_data_inside_the_view_box() -> None:
    svg = line_svg(
        [0, 5_000_000, 10_000_000, 20_000_000],
        [10.0, 40.0, 55.0, 120.0],  # above y_max: drawn at the top, not outside
        x_labels=["Rp 0", "Rp 5 jt", "Rp 10 jt", "Rp 20 jt"],
        y_max=100,
        y_suffix="%",
        title="Kurva <anggaran>",
        highlight=2,
    )
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Kurva <anggaran>"  # type: ignore[union-attr]
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == 4
    cx = [float(c.attrib["cx"]) for c in circles]
    cy = [float(c.attrib["cy"]) for c in circles]
    assert cx == sorted(cx) and cy[0] > cy[1] > cy[2] >= cy[3]  # higher coverage is drawn higher
    assert cx[1] - cx[0] == pytest.approx((cx[3] - cx[0]) / 4, abs=0.2)  # x is proportional to the budget
    assert [c.attrib["r"] for c in circles] == ["3", "3", "5", "3"]
    _, _, width, height = _view_box(root)
    assert all(0 <= x <= width for x in cx) and all(0 <= y <= height for y in cy)
    assert circles[1].find(f"{SVG}title").text == "Rp 5 jt: 40.0%"  # type: ignore[union-attr]
    assert "Rp 20 jt" in [t.text for t in root.iter(f"{SVG}text")]
