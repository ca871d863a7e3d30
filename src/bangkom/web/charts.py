"""Charts drawn on the server as SVG: light, printable, and readable offline. Pure functions returning text.

Every piece of text is XML-escaped here, so templates may mark the result safe. Charts carry a viewBox and
no fixed width, so the stylesheet scales them to the card (phones included); fonts are left to the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

LEVEL_MAX = 5
NO_DATA_COLOUR = "#e5e7eb"
CHAR_WIDTH = 0.6  # average glyph width per font-size unit of a sans font: to keep labels inside the viewBox


def _f(x: float) -> str:
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text  # cos(pi/2) is 6e-17, not 0: keep the output tidy


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(
    kind: str,
    chart_id: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    min_x: float = 0,
    min_y: float = 0,
    min_width: float = 0,
) -> str:
    """The <svg> element with an accessible name (<title>) and description (<desc>) for screen readers.

    Ids are per chart so two charts on one page do not share an aria-labelledby target.
    """
    ids = f"{chart_id}-title" + (f" {chart_id}-desc" if desc else "")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_f(min_x)} {_f(min_y)} {_f(width)} {_f(height)}" '
        f'class="chart {kind}" role="img" aria-labelledby="{ids}"'
        + (f' style="min-width:{min_width:.0f}px"' if min_width else "")
        + ">"
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )
    if desc:
        head += f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    return head


def radar_svg(
    labels: Sequence[str],
    required: Sequence[int],
    current: Sequence[int | None],
    *,
    title: str,
    legend_required: str,
    legend_current: str,
    legend_unassessed: str = "",
    desc: str = "",
    chart_id: str = "radar",
) -> str:
    """Radar of current vs required levels (0..5), one axis per SKJ competency.

    A radar needs at least three axes to enclose an area; with fewer it returns "" and the page relies on
    the table under it. An unassessed competency is drawn at 0 (the polygon dips to the centre, which is
    what the gap is) and marked with a hollow circle so that it does not read as "assessed at level 0".
    The radius grows with the number of axes so 30 labels still have room; the viewBox is widened to
    the estimated extent of the labels so long codes are never cut at the edge.
    """
    n = len(labels)
    if n < 3 or len(required) != n or len(current) != n:
        return ""
    font = 11 if n <= 16 else 9
    radius = max(110.0, 7.5 * n)
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def point(i: int, level: float) -> tuple[float, float]:
        r = radius * level / LEVEL_MAX
        return r * math.cos(angles[i]), r * math.sin(angles[i])

    shown = [_short(label, 18) for label in labels]
    min_x, max_x, min_y, max_y = -radius, radius, -radius - font - 8, radius + font + 8
    body: list[str] = []
    for level in range(1, LEVEL_MAX + 1):
        ring = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, level) for i in range(n)))
        body.append(f'<polygon points="{ring}" fill="none" stroke="#d9dde3"/>')
    for i, label in enumerate(shown):
        x, y = point(i, LEVEL_MAX)
        lx, ly = point(i, LEVEL_MAX + 0.6)
        w = CHAR_WIDTH * font * len(label)
        if abs(lx) < 8:
            anchor, left = "middle", lx - w / 2
        elif lx > 0:
            anchor, left = "start", lx
        else:
            anchor, left = "end", lx - w
        min_x, max_x = min(min_x, left), max(max_x, left + w)
        min_y, max_y = min(min_y, ly - font), max(max_y, ly + font)
        body.append(f'<line x1="0" y1="0" x2="{_f(x)}" y2="{_f(y)}" stroke="#d9dde3"/>')
        body.append(
            f'<text x="{_f(lx)}" y="{_f(ly + font / 3)}" font-size="{font}" text-anchor="{anchor}">'
            f"{escape(label)}</text>"
        )
    req_pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, required[i]) for i in range(n)))
    cur_pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, current[i] or 0) for i in range(n)))
    body.append(
        f'<polygon class="required" points="{req_pts}" fill="none" stroke="#b42318" stroke-width="2" '
        'stroke-dasharray="5 3"/>'
    )
    body.append(f'<polygon class="current" points="{cur_pts}" fill="#0b5d7a33" stroke="#0b5d7a" stroke-width="2"/>')
    for i, value in enumerate(current):
        if value is None:
            x, y = point(i, 0.5)
            body.append(f'<circle class="unassessed" cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="#fff" stroke="#9a5b00"/>')
    # Legend under the chart, left-aligned with the widest extent.
    y0 = max_y + 14
    x0 = min_x + 4
    body.append(
        f'<line x1="{_f(x0)}" y1="{_f(y0)}" x2="{_f(x0 + 20)}" y2="{_f(y0)}" '
        'stroke="#b42318" stroke-width="2" stroke-dasharray="5 3"/>'
    )
    body.append(f'<text x="{_f(x0 + 24)}" y="{_f(y0 + 4)}" font-size="11">{escape(legend_required)}</text>')
    x1 = x0 + 34 + CHAR_WIDTH * 11 * len(legend_required)
    body.append(
        f'<rect x="{_f(x1)}" y="{_f(y0 - 6)}" width="20" height="12" fill="#0b5d7a33" stroke="#0b5d7a"/>'
        f'<text x="{_f(x1 + 24)}" y="{_f(y0 + 4)}" font-size="11">{escape(legend_current)}</text>'
    )
    legend_end = x1 + 24 + CHAR_WIDTH * 11 * len(legend_current)
    if legend_unassessed and any(v is None for v in current):
        x2 = legend_end + 12
        body.append(
            f'<circle cx="{_f(x2 + 4)}" cy="{_f(y0)}" r="3.5" fill="#fff" stroke="#9a5b00"/>'
            f'<text x="{_f(x2 + 12)}" y="{_f(y0 + 4)}" font-size="11">{escape(legend_unassessed)}</text>'
        )
        legend_end = x2 + 12 + CHAR_WIDTH * 11 * len(legend_unassessed)
    max_x = max(max_x, legend_end)
    head = _open("radar", chart_id, max_x - min_x + 8, y0 + 12 - min_y, title, desc, min_x - 4, min_y)
    return head + "".join(body) + "</svg>"


def share_colour(share: float | None) -> str:
    """Green (0% below standard) through amber to red (100%); grey when nothing was assessed."""
    if share is None or math.isnan(share):
        return NO_DATA_COLOUR
    s = min(1.0, max(0.0, share))
    if s <= 0.5:
        t = s / 0.5
        r, g, b = 30 + (230 - 30) * t, 122 + (170 - 122) * t, 60 + (40 - 60) * t
    else:
        t = (s - 0.5) / 0.5
        r, g, b = 230 + (180 - 230) * t, 170 + (35 - 170) * t, 40 + (24 - 40) * t
    return f"#{round(r):02x}{round(g):02x}{round(b):02x}"


def heatmap_svg(
    rows: Sequence[str],
    cols: Sequence[str],
    values: Sequence[Sequence[float | None]],
    links: Sequence[Sequence[str | None]],
    *,
    title: str,
    desc: str = "",
    legend_title: str = "",
    legend_none: str = "",
    chart_id: str = "heatmap",
    cell: int = 26,
) -> str:
    """Rows x columns coloured by share below standard; each cell links to the pegawai behind it.

    The share is also written in each cell's <title> (a tooltip, and read out by screen readers), so
    colour is never the only carrier of the number. Margins follow the longest labels.
    """
    row_labels = [_short(r) for r in rows]
    col_labels = [_short(c, 18) for c in cols]
    left = 12 + CHAR_WIDTH * 11 * max((len(r) for r in row_labels), default=4)
    # Column labels are rotated -60 degrees: their height is about sin(60) x their length.
    top = 16 + 0.87 * CHAR_WIDTH * 10 * max((len(c) for c in col_labels), default=4)
    grid_w = cell * len(cols)
    body: list[str] = []
    for j, col in enumerate(col_labels):
        x = left + j * cell + cell / 2
        body.append(
            f'<text x="{_f(x)}" y="{_f(top - 6)}" font-size="10" '
            f'transform="rotate(-60 {_f(x)} {_f(top - 6)})">{escape(col)}</text>'
        )
    for i, row in enumerate(row_labels):
        y = top + i * cell
        body.append(
            f'<text x="{_f(left - 6)}" y="{_f(y + cell / 2 + 4)}" font-size="11" text-anchor="end">{escape(row)}</text>'
        )
        for j in range(len(cols)):
            value = values[i][j]
            label = "-" if value is None or math.isnan(value) else f"{value * 100:.0f}%"
            rect = (
                f'<rect x="{_f(left + j * cell)}" y="{_f(y)}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{share_colour(value)}">'
                f"<title>{escape(rows[i])} · {escape(cols[j])}: {label}</title></rect>"
            )
            link = links[i][j]
            body.append(f"<a href={quoteattr(link)}>{rect}</a>" if link else rect)
    ly = top + cell * len(rows) + 10
    lx = left
    if legend_title:
        body.append(f'<text x="{_f(lx)}" y="{_f(ly + 10)}" font-size="11">{escape(legend_title)}</text>')
        ly += 16
    for k, share in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
        body.append(
            f'<rect x="{_f(lx + k * 44)}" y="{_f(ly)}" width="40" height="10" fill="{share_colour(share)}"/>'
            f'<text x="{_f(lx + k * 44)}" y="{_f(ly + 22)}" font-size="10">{share * 100:.0f}%</text>'
        )
    legend_w = 5 * 44.0
    if legend_none:
        nx = lx + legend_w + 12
        body.append(
            f'<rect x="{_f(nx)}" y="{_f(ly)}" width="20" height="10" fill="{NO_DATA_COLOUR}"/>'
            f'<text x="{_f(nx + 24)}" y="{_f(ly + 9)}" font-size="10">{escape(legend_none)}</text>'
        )
        legend_w += 36 + CHAR_WIDTH * 10 * len(legend_none)
    width = left + max(grid_w, legend_w) + 10
    height = ly + 30
    # Shrunk below ~3/4 of its size the cells get too small to read or tap: the page scrolls it instead.
    head = _open("heatmap", chart_id, width, height, title, desc, min_width=0.75 * width)
    return head + "".join(body) + "</svg>"


def bars_svg(
    labels: Sequence[str],
    counts: Sequence[int],
    colours: Sequence[str],
    *,
    title: str,
    desc: str = "",
    chart_id: str = "bars",
) -> str:
    """Horizontal bars, one per category, with the count written at the end of each bar."""
    total_max = max(counts) if counts and max(counts) > 0 else 1
    left = 12 + CHAR_WIDTH * 11 * max((len(label) for label in labels), default=4)
    bar_w, row = 220, 24
    height = row * len(labels) + 8
    body: list[str] = []
    for i, (label, count, colour) in enumerate(zip(labels, counts, colours, strict=True)):
        y = 4 + i * row
        w = bar_w * count / total_max
        body.append(f'<text x="{_f(left - 6)}" y="{y + 14}" font-size="11" text-anchor="end">{escape(label)}</text>')
        fill = escape(colour, {'"': "&quot;"})
        body.append(f'<rect class="bar" x="{_f(left)}" y="{y}" width="{_f(w)}" height="{row - 6}" fill="{fill}"/>')
        body.append(f'<text x="{_f(left + w + 4)}" y="{y + 14}" font-size="11">{count}</text>')
    return _open("bars", chart_id, left + bar_w + 60, height, title, desc) + "".join(body) + "</svg>"


def line_svg(
    xs: Sequence[float],
    ys: Sequence[float],
    *,
    x_labels: Sequence[str],
    y_max: float,
    y_suffix: str = "",
    title: str,
    desc: str = "",
    point_titles: Sequence[str] = (),
    highlight: int | None = None,
    chart_id: str = "line",
) -> str:
    """A line through (x, y) points (x ascending), each point labelled under the axis and titled on hover.

    y runs from 0 to y_max with five gridlines; `highlight` marks one point (the current setting).
    """
    left, right, top, bottom = 44.0, 16.0, 12.0, 34.0
    plot_w, plot_h = 420.0, 180.0
    x_lo = min(xs, default=0.0)
    x_span = (max(xs, default=1.0) - x_lo) or 1.0
    y_top = y_max if y_max > 0 else 1.0

    def px(x: float) -> float:
        return left + plot_w * (x - x_lo) / x_span

    def py(y: float) -> float:
        return top + plot_h * (1 - min(max(y, 0.0), y_top) / y_top)

    body: list[str] = []
    for k in range(6):
        value = y_top * k / 5
        y = py(value)
        body.append(
            f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(left + plot_w)}" y2="{_f(y)}" stroke="#e5e7eb"/>'
            f'<text x="{_f(left - 4)}" y="{_f(y + 4)}" font-size="10" text-anchor="end">'
            f"{escape(f'{value:.0f}{y_suffix}')}</text>"
        )
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{_f(px(x))},{_f(py(y))}" for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    )
    if path:
        body.append(f'<path class="line" d="{path}" fill="none" stroke="#1d4ed8" stroke-width="2"/>')
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        r = 5 if i == highlight else 3
        fill = "#b45309" if i == highlight else "#1d4ed8"
        tip = point_titles[i] if i < len(point_titles) else f"{x_labels[i]}: {y:.1f}{y_suffix}"
        body.append(
            f'<circle class="point" cx="{_f(px(x))}" cy="{_f(py(y))}" r="{r}" fill="{fill}">'
            f"<title>{escape(tip)}</title></circle>"
            f'<text x="{_f(px(x))}" y="{_f(top + plot_h + 16)}" font-size="9" text-anchor="middle">'
            f"{escape(x_labels[i])}</text>"
        )
    return _open("line", chart_id, left + plot_w + right, top + plot_h + bottom, title, desc) + "".join(body) + "</svg>"
