"""The base of the PDF documents bangkom issues (JP recap, AKPK document): fonts, brand colours, text helpers.

DejaVu Sans (Debian's fonts-dejavu-core and most distributions) covers every Indonesian name; without it the
PDF falls back to the core Helvetica and replaces what Latin-1 cannot hold.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from fpdf import FPDF

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)


def unicode_font() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def latin1(text: str) -> str:
    """Text the core fonts can draw: accents kept where Latin-1 has them, else stripped, else "?"."""
    out = []
    for ch in str(text).translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-"}):
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


class BrandedPdf(FPDF):
    """A4 in the house colours, DejaVu Sans when installed (else Helvetica with Latin-1 text)."""

    BRAND = (11, 93, 122)
    MUTED = (90, 100, 115)

    def __init__(self, *, orientation: str, margin: float, bottom: float) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        fonts = unicode_font()
        self.unicode = fonts is not None
        if fonts is not None:
            self.add_font("DejaVu", "", str(fonts[0]))
            self.add_font("DejaVu", "B", str(fonts[1]))
            self.face = "DejaVu"
        else:
            self.face = "Helvetica"
        self.set_margins(margin, margin, margin)
        self.set_auto_page_break(auto=True, margin=bottom)

    def t(self, text: Any) -> str:
        return str(text) if self.unicode else latin1(str(text))

    def font(self, size: float, *, bold: bool = False, color: tuple[int, int, int] = (29, 36, 48)) -> None:
        self.set_font(self.face, "B" if bold else "", size)
        self.set_text_color(*color)
