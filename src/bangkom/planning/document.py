"""The AKPK document: the approved needs analysis of an instansi as a PDF (to sign and send) and as an XLSX.

Both carry the same content: the needs aggregated per competency and per unit kerja, then the list of needs.
Rejected needs are left out (as on the AKPK page). The content is read through the planning selectors with
the requesting user, so a document never holds a need its reader could not see on the pages. The PDF uses
the Unicode font and the Latin-1 fallback of the JP recap (learning.recap).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from bangkom.planning.models import Akpk, Need, NeedStatus
from bangkom.planning.selectors import NeedAggregate, need_aggregates, need_list
from bangkom.web.pdf import BrandedPdf


@dataclass(frozen=True)
class AkpkDocument:
    akpk: Akpk
    agency_name: str
    per_competency: list[NeedAggregate]
    per_unit: list[NeedAggregate]
    needs: list[Need]

    @property
    def employees(self) -> int:
        return len({n.employee_id for n in self.needs})


def akpk_document(user: Any, akpk: Akpk) -> AkpkDocument:
    """The content of the document, within the user's scope (four queries)."""
    needs = list(
        need_list(user, akpk=akpk)
        .exclude(status=NeedStatus.REJECTED)
        .select_related("employee__unit")
        .order_by("employee__unit__code", "employee__name", "employee__nip", "competency__code", "source")
    )
    return AkpkDocument(
        akpk=akpk,
        agency_name=akpk.agency.name,
        per_competency=need_aggregates(user, akpk, by_unit=False),
        per_unit=need_aggregates(user, akpk, by_unit=True),
        needs=needs,
    )


def _title(doc: AkpkDocument) -> str:
    return _("Analisis Kebutuhan Pengembangan Kompetensi (AKPK) Tahun %(year)s") % {"year": doc.akpk.year}


def _gap(value: float | None) -> str:
    return "-" if value is None else number_format(value, 2)


def _level(value: int | None) -> str:
    return "-" if value is None else str(value)


def _approval(doc: AkpkDocument) -> str:
    if doc.akpk.approved_at is None:
        return str(doc.akpk.get_status_display())
    when = date_format(timezone.localtime(doc.akpk.approved_at), "j F Y")
    user = doc.akpk.approved_by
    if user is None:
        return _("Disetujui %(date)s") % {"date": when}
    name = user.get_full_name() or user.get_username()
    return _("Disetujui %(date)s oleh %(name)s") % {"date": when, "name": name}


# --- PDF ------------------------------------------------------------------------------------------------------


class _AkpkPdf(BrandedPdf):
    """A4 landscape; the footer names the instansi, the year and the page."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="L", margin=12, bottom=15)
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-11)
        self.font(8, color=self.MUTED)
        page = _("halaman %(page)s dari %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, self.t(f"{self.footer_text} · {page}"), align="C")

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(3)
        self.font(12, bold=True, color=self.BRAND)
        self.cell(0, 7, self.t(text), new_x="LMARGIN", new_y="NEXT")

    def grid(
        self, widths: tuple[float, ...], aligns: tuple[str, ...], header: list[str], rows: list[list[str]]
    ) -> None:
        self.font(8.5)
        self.set_draw_color(190, 196, 204)
        self.set_line_width(0.2)
        style = FontFace(emphasis="BOLD", fill_color=(232, 243, 247))
        with self.table(
            col_widths=widths,
            text_align=aligns,
            line_height=4.4,
            padding=1.2,
            headings_style=style,
            v_align="TOP",
            repeat_headings=1,
        ) as table:
            head = table.row()
            for label in header:
                head.cell(self.t(label))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(self.t(value))


def akpk_pdf(doc: AkpkDocument, *, compress: bool = True) -> bytes:
    title = _title(doc)
    pdf = _AkpkPdf(f"{doc.agency_name} · AKPK {doc.akpk.year}")
    pdf.set_compression(compress)
    pdf.set_title(pdf.t(title))
    pdf.set_author(pdf.t(doc.agency_name))
    pdf.set_creator("bangkom")
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.font(16, bold=True, color=pdf.BRAND)
    pdf.cell(0, 8, "bangkom", new_x="LMARGIN", new_y="NEXT")
    pdf.font(12)
    pdf.multi_cell(0, 6, pdf.t(doc.agency_name), new_x="LMARGIN", new_y="NEXT")
    pdf.font(14, bold=True)
    pdf.multi_cell(0, 8, pdf.t(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*pdf.BRAND)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.ln(4)
    for label, value in (
        (_("Status"), _approval(doc)),
        (_("Jumlah pegawai dengan kebutuhan"), str(doc.employees)),
        (_("Jumlah kebutuhan"), str(len(doc.needs))),
        (_("Jumlah kompetensi"), str(len(doc.per_competency))),
    ):
        pdf.font(10, color=pdf.MUTED)
        pdf.cell(80, 6, pdf.t(label))
        pdf.font(10, bold=True)
        pdf.cell(0, 6, pdf.t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.font(8.5, color=pdf.MUTED)
    pdf.multi_cell(
        0,
        4.5,
        pdf.t(
            _(
                "Kebutuhan yang ditolak tidak dihitung. Pegawai dihitung sekali per kompetensi walau kebutuhannya "
                "berasal dari beberapa sumber."
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )

    pdf.heading(_("Kebutuhan per kompetensi"))
    pdf.grid(
        (30, 150, 30, 30, 33),
        ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        [_("Kode"), _("Kompetensi"), _("Pegawai"), _("Kebutuhan"), _("Rata-rata kesenjangan")],
        [
            [r.competency_code, r.competency_name, str(r.employees), str(r.needs), _gap(r.mean_gap)]
            for r in doc.per_competency
        ],
    )

    pdf.heading(_("Kebutuhan per unit kerja dan kompetensi"))
    pdf.grid(
        (85, 95, 30, 30, 33),
        ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        [_("Unit kerja"), _("Kompetensi"), _("Pegawai"), _("Kebutuhan"), _("Rata-rata kesenjangan")],
        [
            [
                f"{r.unit_name} ({r.unit_code})",
                f"{r.competency_code} {r.competency_name}",
                str(r.employees),
                str(r.needs),
                _gap(r.mean_gap),
            ]
            for r in doc.per_unit
        ],
    )

    pdf.heading(_("Daftar kebutuhan"))
    if not doc.needs:
        pdf.font(10, color=pdf.MUTED)
        pdf.cell(0, 6, pdf.t(_("Belum ada kebutuhan.")), new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.grid(
            (10, 55, 38, 52, 18, 18, 18, 42, 22),
            ("RIGHT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT"),
            [
                _("No."),
                _("Pegawai"),
                _("Unit kerja"),
                _("Kompetensi"),
                _("Saat ini"),
                _("Sasaran"),
                _("Prioritas"),
                _("Sumber"),
                _("Status"),
            ],
            [
                [
                    str(i),
                    f"{n.employee.name}\n{n.employee.nip}",
                    n.employee.unit.name,
                    f"{n.competency.code} {n.competency.name}",
                    _level(n.current_level),
                    str(n.target_level),
                    str(n.priority),
                    str(n.get_source_display()),
                    str(n.get_status_display()),
                ]
                for i, n in enumerate(doc.needs, start=1)
            ],
        )
    return bytes(pdf.output())


# --- XLSX -----------------------------------------------------------------------------------------------------


def _safe(value: Any) -> Any:
    # A text cell starting with = + - @ would run as a formula in a spreadsheet: quote it (web.downloads).
    return f"'{value}" if isinstance(value, str) and value and value[0] in "=+-@" else value


def akpk_xlsx(doc: AkpkDocument) -> bytes:
    """Three sheets with a header row each: per competency, per unit kerja and competency, the needs."""
    wb = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]], *, first: bool = False) -> None:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None  # a new Workbook always has its active sheet
        ws.title = title[:31]
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([_safe(v) for v in row])
        ws.freeze_panes = "A2"

    sheet(
        _("Per kompetensi"),
        [_("Kode"), _("Kompetensi"), _("Pegawai"), _("Kebutuhan"), _("Rata-rata kesenjangan")],
        [[r.competency_code, r.competency_name, r.employees, r.needs, r.mean_gap] for r in doc.per_competency],
        first=True,
    )
    sheet(
        _("Per unit kerja"),
        [
            _("Kode unit"),
            _("Unit kerja"),
            _("Kode"),
            _("Kompetensi"),
            _("Pegawai"),
            _("Kebutuhan"),
            _("Rata-rata kesenjangan"),
        ],
        [
            [r.unit_code, r.unit_name, r.competency_code, r.competency_name, r.employees, r.needs, r.mean_gap]
            for r in doc.per_unit
        ],
    )
    sheet(
        _("Daftar kebutuhan"),
        [
            _("NIP"),
            _("Nama"),
            _("Unit kerja"),
            _("Kode"),
            _("Kompetensi"),
            _("Level saat ini"),
            _("Level sasaran"),
            _("Prioritas"),
            _("Sumber"),
            _("Status"),
            _("Catatan"),
        ],
        [
            [
                n.employee.nip,
                n.employee.name,
                n.employee.unit.name,
                n.competency.code,
                n.competency.name,
                n.current_level,
                n.target_level,
                n.priority,
                str(n.get_source_display()),
                str(n.get_status_display()),
                n.note,
            ]
            for n in doc.needs
        ],
    )
    info = wb.create_sheet(_("Keterangan"))
    for label, value in (
        (_("Instansi"), doc.agency_name),
        (_("Tahun"), doc.akpk.year),
        (_("Status"), _approval(doc)),
        (_("Jumlah pegawai dengan kebutuhan"), doc.employees),
        (_("Jumlah kebutuhan"), len(doc.needs)),
    ):
        info.append([label, _safe(value)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
