"""The printable yearly JP recap of a pegawai and its public verification code.

A recap states what was verified for one pegawai in one year (a record counts in the year of its end date, as
in the ledger). Its code lets anyone holding the paper check it on the public page; the SHA-256 digest of a
canonical text of the records (and of the NIP and year) tells whether the data still match what was printed.
Printing the same data again gives the same code: a new code is issued only when the records changed, so the
table of recaps grows with real changes, not with clicks.

Callers resolve the pegawai through org.selectors (scope) before asking for a recap; the public check reveals
only the recap's own summary, never the records.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import segno
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf.fonts import FontFace

from bangkom.audit.services import record as audit
from bangkom.audit.services import snapshot
from bangkom.engine.hours import KURANG, MELEBIHI, format_jp, year_bounds, yearly_ledger
from bangkom.learning.ledger import jp_rules_for
from bangkom.learning.models import RECAP_ALPHABET, JpRecap, LearningRecord, RecordStatus
from bangkom.org.models import Employee
from bangkom.web.pdf import BrandedPdf

DIGEST_VERSION = "bangkom-rekap-jp/1"
CODE_LENGTH = 12  # characters of RECAP_ALPHABET, printed in groups of 4
_RECORD_FIELDS = ("pk", "form_id", "title", "provider", "start_date", "end_date", "jp", "certificate_no")


class RecapStale(Exception):
    """The verified records no longer match the recap's digest; print a newly issued recap instead."""


@dataclass(frozen=True)
class RecapCheck:
    recap: JpRecap
    matches: bool  # the current verified records still give the digest printed with the code


# --- content and digest -----------------------------------------------------------------------------------


def _hundredths(jp: Any) -> int:
    return int((jp * 100).to_integral_value())


def _canonical_digest(nip: str, year: int, rows: Iterable[Sequence[Any]]) -> str:
    """SHA-256 over one JSON line per record (sorted by id) after a line naming the version, NIP and year.

    JSON keeps titles with tabs, quotes or newlines unambiguous; JP are integer hundredths and dates ISO, so the
    text does not depend on the database backend or on the locale.
    """
    lines = [json.dumps([DIGEST_VERSION, nip, year], ensure_ascii=False)]
    for pk, form_id, title, provider, start, end, jp, cert in sorted(rows, key=lambda r: r[0]):
        lines.append(
            json.dumps(
                [pk, form_id, title, provider, start.isoformat(), end.isoformat(), _hundredths(jp), cert],
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _verified_in_year(employee_id: int, year: int) -> Any:
    first, last = year_bounds(year)
    return LearningRecord.objects.filter(
        employee_id=employee_id, status=RecordStatus.VERIFIED, end_date__gte=first, end_date__lte=last
    ).order_by("end_date", "start_date", "pk")


def recap_records(employee: Employee, year: int) -> list[LearningRecord]:
    """The verified records counted in the year, oldest first (the order of the printed table)."""
    return list(_verified_in_year(employee.pk, year).select_related("form"))


def records_digest(employee: Employee, year: int, records: Iterable[LearningRecord]) -> str:
    return _canonical_digest(employee.nip, year, ([getattr(r, f) for f in _RECORD_FIELDS] for r in records))


# --- issue and check --------------------------------------------------------------------------------------


def _issue(*, actor: Any, employee: Employee, year: int) -> tuple[JpRecap, list[LearningRecord]]:
    with transaction.atomic():
        # One issuer at a time per pegawai: two clicks at once must not mint two codes for the same data.
        Employee.objects.select_for_update().filter(pk=employee.pk).values_list("pk", flat=True).first()
        records = recap_records(employee, year)
        digest = records_digest(employee, year, records)
        recap = JpRecap.objects.filter(employee=employee, year=year, digest=digest).order_by("-issued_at").first()
        if recap is None:
            recap = JpRecap.objects.create(
                employee=employee,
                year=year,
                total_hundredths=sum(_hundredths(r.jp) for r in records),
                record_count=len(records),
                digest=digest,
                issued_at=timezone.now(),
                issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit(
                actor=actor,
                action="create",
                entity=JpRecap._meta.label_lower,
                object_id=recap.pk,
                agency_id=employee.agency_id,
                after=snapshot(recap),
                summary=f"Rekap JP {year} {employee.nip}: {recap.code}",
            )
    recap.employee = employee
    return recap, records


def recap_issue(*, actor: Any, employee: Employee, year: int) -> JpRecap:
    """The recap of the pegawai's verified records in the year: the existing one when the data are unchanged."""
    return _issue(actor=actor, employee=employee, year=year)[0]


def normalize_code(typed: str) -> str | None:
    """Typed "abcd efgh-jk mn" -> "ABCD-EFGH-JKMN"; None when it cannot be a code (wrong length or letters).

    Dashes of any kind (word processors turn "-" into en dashes) and spaces are separators, not part of the code.
    """
    raw = "".join(ch for ch in typed.upper() if not ch.isspace() and ch not in "-\u2010\u2011\u2013\u2014")
    if len(raw) != CODE_LENGTH or any(ch not in RECAP_ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def recap_check(code: str) -> RecapCheck | None:
    """The recap a typed code names and whether its data are unchanged since issue; None for an unknown code.

    Two queries: the recap with its pegawai and instansi, then the current records' canonical fields.
    """
    normalized = normalize_code(code)
    if normalized is None:
        return None
    recap = JpRecap.objects.select_related("employee__agency").filter(code=normalized).first()
    if recap is None:
        return None
    rows = _verified_in_year(recap.employee_id, recap.year).values_list(*_RECORD_FIELDS)
    return RecapCheck(recap=recap, matches=_canonical_digest(recap.employee.nip, recap.year, rows) == recap.digest)


def mask_nip(nip: str) -> str:
    """The first and last four digits, enough to match the paper without publishing the whole NIP."""
    if len(nip) <= 8:
        return "*" * len(nip)
    return nip[:4] + "*" * (len(nip) - 8) + nip[-4:]


# --- PDF --------------------------------------------------------------------------------------------------


def _status_label(status: int) -> str:
    if status == KURANG:
        return _("Belum memenuhi batas minimal")
    if status == MELEBIHI:
        return _("Melebihi batas maksimal")
    return _("Memenuhi")


def _day(d: date) -> str:
    return d.strftime("%d-%m-%Y")


class _RecapPdf(BrandedPdf):
    """A4 portrait with a footer carrying the code and the page number on every page."""

    def __init__(self, *, code: str) -> None:
        super().__init__(orientation="P", margin=15, bottom=18)
        self.code = code

    def footer(self) -> None:
        self.set_y(-13)
        self.font(8, color=self.MUTED)
        text = _("Kode verifikasi %(code)s · halaman %(page)s dari %(pages)s") % {
            "code": self.code,
            "page": self.page_no(),
            "pages": "{nb}",
        }
        self.cell(0, 5, self.t(text), align="C")


def _facts(pdf: _RecapPdf, rows: list[tuple[str, str]], *, label_width: float = 45) -> None:
    for label, value in rows:
        pdf.font(10, color=pdf.MUTED)
        pdf.cell(label_width, 6, pdf.t(label))
        pdf.font(10, bold=True)
        pdf.multi_cell(0, 6, pdf.t(value), new_x="LMARGIN", new_y="NEXT")


def recap_pdf(
    recap: JpRecap,
    *,
    verify_url: str,
    records: Sequence[LearningRecord] | None = None,
    compress: bool = True,
) -> bytes:
    """The recap as an A4 PDF. `records` are those the recap was issued from (recap_download passes them);
    without them the current records are loaded and must still match the digest, else RecapStale."""
    employee = recap.employee
    if records is None:
        records = recap_records(employee, recap.year)
        if records_digest(employee, recap.year, records) != recap.digest:
            raise RecapStale(recap.code)
    agency = employee.agency
    rules = jp_rules_for(agency)
    etype = employee.employment_type
    ledger = yearly_ledger(np.zeros(1, dtype=np.int64), np.array([recap.total_hundredths]), [etype], rules)
    minimum, maximum = int(ledger.minimum[0]), int(ledger.maximum[0])

    pdf = _RecapPdf(code=recap.code)
    pdf.set_compression(compress)
    title = _("Rekap Pengembangan Kompetensi Tahun %(year)s") % {"year": recap.year}
    pdf.set_title(pdf.t(title))
    pdf.set_author(pdf.t(agency.name))
    pdf.set_creator("bangkom")
    pdf.alias_nb_pages()
    pdf.add_page()

    # Header
    pdf.font(16, bold=True, color=pdf.BRAND)
    pdf.cell(0, 8, "bangkom", new_x="LMARGIN", new_y="NEXT")
    pdf.font(11)
    pdf.multi_cell(0, 6, pdf.t(agency.name), new_x="LMARGIN", new_y="NEXT")
    pdf.font(14, bold=True)
    pdf.multi_cell(0, 8, pdf.t(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*pdf.BRAND)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.ln(4)

    # Pegawai and JP
    _facts(
        pdf,
        [
            (_("Nama"), employee.name),
            (_("NIP"), employee.nip),
            (_("Unit kerja"), employee.unit.name),
            (_("Jabatan"), employee.position.name),
            (_("Jenis kepegawaian"), str(employee.get_employment_type_display())),
        ],
    )
    pdf.ln(2)
    jp_rows = [(_("Total JP terverifikasi"), f"{format_jp(recap.total_hundredths)} JP")]
    if minimum > 0:
        jp_rows.append((_("Batas minimal"), f"{format_jp(minimum)} JP"))
    if maximum >= 0:
        jp_rows.append((_("Batas maksimal"), f"{format_jp(maximum)} JP"))
    jp_rows.append((_("Status"), _status_label(int(ledger.status[0]))))
    jp_rows.append((_("Jumlah kegiatan"), str(recap.record_count)))
    _facts(pdf, jp_rows)
    pdf.ln(3)

    # Records
    pdf.font(12, bold=True)
    pdf.cell(0, 7, pdf.t(_("Pengembangan kompetensi terverifikasi")), new_x="LMARGIN", new_y="NEXT")
    if not records:
        pdf.font(10, color=pdf.MUTED)
        pdf.multi_cell(
            0,
            6,
            pdf.t(_("Belum ada pengembangan kompetensi terverifikasi pada tahun ini.")),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    else:
        pdf.font(8.5)
        pdf.set_draw_color(190, 196, 204)
        pdf.set_line_width(0.2)
        heading = FontFace(emphasis="BOLD", fill_color=(232, 243, 247))
        with pdf.table(
            col_widths=(9, 23, 34, 64, 38, 12),
            text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
            line_height=4.2,
            padding=1.2,
            headings_style=heading,
            v_align="TOP",
            repeat_headings=1,
        ) as table:
            head = table.row()
            for label in (_("No."), _("Tanggal"), _("Bentuk"), _("Judul"), _("Penyelenggara"), _("JP")):
                head.cell(pdf.t(label))
            for i, rec in enumerate(records, start=1):
                row = table.row()
                row.cell(str(i))
                dates = (
                    _day(rec.end_date)
                    if rec.start_date == rec.end_date
                    else "{}\n{} {}".format(_day(rec.start_date), _("s.d."), _day(rec.end_date))
                )
                row.cell(pdf.t(dates))
                row.cell(pdf.t(rec.form.name))
                cert_label = _("Sertifikat")
                title_text = rec.title + (f"\n{cert_label}: {rec.certificate_no}" if rec.certificate_no else "")
                row.cell(pdf.t(title_text))
                row.cell(pdf.t(rec.provider))
                row.cell(format_jp(_hundredths(rec.jp)))
            total = table.row()
            total.cell(pdf.t(_("Jumlah")), colspan=5, align="RIGHT", style=FontFace(emphasis="BOLD"))
            total.cell(format_jp(recap.total_hundredths), style=FontFace(emphasis="BOLD"))

    # Verification: code, public URL and its QR code, kept together on one page.
    block = 40
    if pdf.get_y() + block > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(6)
    top = pdf.get_y()
    qr = segno.make(verify_url, error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=6, border=2)
    png.seek(0)
    qr_size = 34
    pdf.image(png, x=pdf.l_margin, y=top, w=qr_size, h=qr_size)
    text_x = pdf.l_margin + qr_size + 5
    text_w = pdf.w - pdf.r_margin - text_x
    pdf.set_xy(text_x, top + 1)
    pdf.font(10, color=pdf.MUTED)
    pdf.cell(text_w, 5, pdf.t(_("Kode verifikasi")), new_x="LEFT", new_y="NEXT")
    pdf.font(16, bold=True)
    pdf.cell(text_w, 8, recap.code, new_x="LEFT", new_y="NEXT")
    pdf.font(9)
    pdf.multi_cell(
        text_w,
        4.5,
        pdf.t(_("Periksa keaslian rekap ini dengan memindai kode QR atau membuka alamat berikut:")),
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.font(9, color=pdf.BRAND)
    pdf.multi_cell(text_w, 4.5, pdf.t(verify_url), link=verify_url, new_x="LEFT", new_y="NEXT")
    pdf.font(9, color=pdf.MUTED)
    issued = timezone.localtime(recap.issued_at)
    pdf.multi_cell(
        text_w,
        4.5,
        pdf.t(_("Diterbitkan %(date)s oleh bangkom.") % {"date": date_format(issued, "j F Y, H:i")}),
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_y(max(pdf.get_y(), top + qr_size) + 2)
    return bytes(pdf.output())


def recap_download(
    *, actor: Any, employee: Employee, year: int, verify_url_for: Callable[[str], str]
) -> tuple[JpRecap, bytes]:
    """Issue (or reuse) the recap and print it from the very records it was issued from.

    `verify_url_for(code)` gives the absolute public URL printed and encoded in the QR code.
    """
    recap, records = _issue(actor=actor, employee=employee, year=year)
    return recap, recap_pdf(recap, verify_url=verify_url_for(recap.code), records=records)
