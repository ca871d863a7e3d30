"""Charts drawn on the server as SVG: light, printable, and readable offline. Pure functions returning text."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

LEVEL_MAX = 5


def _f(x: float) -> str:
    return f"{x:.1f}"


def radar_svg(
    labels: Sequence[str],
    required: Sequence[int],
    current: Sequence[int | None],
    *,
    title: str,
    legend_required: str,
    legend_current: str,
    size: int = 320,
) -> str:
    """Radar of current vs required levels (0..5) over the SKJ competencies; unassessed axes marked hollow."""
    n = len(labels)
    if n < 3:
        return ""
    cx = cy = size / 2
    radius = size / 2 - 46
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def point(i: int, level: float) -> tuple[float, float]:
        r = radius * level / LEVEL_MAX
        return cx + r * math.cos(angles[i]), cy + r * math.sin(angles[i])

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + 28}" class="chart radar" '
        f'role="img" aria-labelledby="radar-title"><title id="radar-title">{escape(title)}</title>'
    ]
    for level in range(1, LEVEL_MAX + 1):
        ring = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#d9dde3"/>')
    for i, label in enumerate(labels):
        x, y = point(i, LEVEL_MAX)
        lx, ly = point(i, LEVEL_MAX + 0.9)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        parts.append(f'<line x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(x)}" y2="{_f(y)}" stroke="#d9dde3"/>')
        parts.append(
            f'<text x="{_f(lx)}" y="{_f(ly + 4)}" font-size="11" text-anchor="{anchor}">{escape(label)}</text>'
        )
    req_pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, required[i]) for i in range(n)))
    cur_pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, current[i] or 0) for i in range(n)))
    parts.append(
        f'<polygon class="required" points="{req_pts}" fill="none" stroke="#b42318" stroke-width="2" '
        'stroke-dasharray="5 3"/>'
    )
    parts.append(f'<polygon class="current" points="{cur_pts}" fill="#0b5d7a33" stroke="#0b5d7a" stroke-width="2"/>')
    for i, value in enumerate(current):
        if value is None:
            x, y = point(i, 0.35)
            parts.append(f'<circle class="unassessed" cx="{_f(x)}" cy="{_f(y)}" r="3" fill="#fff" stroke="#9a5b00"/>')
    y0 = size + 14
    parts.append(
        f'<line x1="10" y1="{y0}" x2="30" y2="{y0}" stroke="#b42318" stroke-width="2" stroke-dasharray="5 3"/>'
    )
    parts.append(f'<text x="34" y="{y0 + 4}" font-size="11">{escape(legend_required)}</text>')
    parts.append(f'<rect x="{size / 2}" y="{y0 - 6}" width="20" height="12" fill="#0b5d7a33" stroke="#0b5d7a"/>')
    parts.append(f'<text x="{size / 2 + 24}" y="{y0 + 4}" font-size="11">{escape(legend_current)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def share_colour(share: float | None) -> str:
    """Green (0% below standard) through amber to red (100%); grey when nothing was assessed."""
    if share is None or math.isnan(share):
        return "#e5e7eb"
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
    cell: int = 26,
) -> str:
    """Rows x columns coloured by share below standard; each cell links to the pegawai behind it."""
    left, top = 200, 110
    width, height = left + cell * len(cols) + 10, top + cell * len(rows) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart heatmap" '
        f'role="img" aria-labelledby="heat-title"><title id="heat-title">{escape(title)}</title>'
    ]
    for j, col in enumerate(cols):
        x = left + j * cell + cell / 2
        parts.append(
            f'<text x="{_f(x)}" y="{top - 6}" font-size="10" transform="rotate(-60 {_f(x)} {top - 6})">'
            f"{escape(col)}</text>"
        )
    for i, row in enumerate(rows):
        y = top + i * cell
        parts.append(
            f'<text x="{left - 6}" y="{y + cell / 2 + 4}" font-size="11" text-anchor="end">{escape(_short(row))}</text>'
        )
        for j in range(len(cols)):
            value = values[i][j]
            label = "-" if value is None or math.isnan(value) else f"{value * 100:.0f}%"
            rect = (
                f'<rect x="{left + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{share_colour(value)}"><title>{escape(row)} · {escape(cols[j])}: {label}</title></rect>'
            )
            link = links[i][j]
            parts.append(f"<a href={quoteattr(link)}>{rect}</a>" if link else rect)
    ly = top + cell * len(rows) + 14
    for k, share in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
        parts.append(f'<rect x="{left + k * 44}" y="{ly}" width="40" height="10" fill="{share_colour(share)}"/>')
        parts.append(f'<text x="{left + k * 44}" y="{ly + 22}" font-size="10">{share * 100:.0f}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(labels: Sequence[str], counts: Sequence[int], colours: Sequence[str], *, title: str) -> str:
    """Horizontal bars, one per category, with the count at the end of each bar."""
    total_max = max(counts) if counts and max(counts) > 0 else 1
    bar_w, left, row = 220, 150, 24
    height = row * len(labels) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + bar_w + 60} {height}" class="chart bars" '
        f'role="img" aria-labelledby="bars-title"><title id="bars-title">{escape(title)}</title>'
    ]
    for i, (label, count, colour) in enumerate(zip(labels, counts, colours, strict=True)):
        y = 4 + i * row
        w = bar_w * count / total_max
        parts.append(f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{_f(w)}" height="{row - 6}" fill="{colour}"/>')
        parts.append(f'<text x="{_f(left + w + 4)}" y="{y + 14}" font-size="11">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
