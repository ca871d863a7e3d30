"""The CONTRACT.md exports. Rows come from the bulk loader and the engine; this module only formats them."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkom.competency.loading import MappingData, load_mapping
from bangkom.engine.gaps import (
    FILLING_CATEGORIES,
    MAPPING_CATEGORIES,
    JpmSettings,
    jpm_by_employee,
    line_gaps,
)
from bangkom.engine.hours import STATUSES, format_jp, year_bounds
from bangkom.engine.talent import KINERJA, POTENSI
from bangkom.evaluation.talent import load_talent
from bangkom.learning.ledger import load_year_ledger
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.org.models import Agency, Employee


class ExportUsageError(Exception):
    pass


def jpm_settings_for(agency: Agency | None) -> JpmSettings:
    """The instansi's JPM settings (DOMAIN.md defaults unless the instansi overrides them)."""
    from django.conf import settings

    def get(key: str) -> Any:
        return agency.setting(key) if agency is not None else settings.BANGKOM_DEFAULTS[key]

    mapping: dict[str, float] = get("jpm_mapping_cutoffs")
    filling: dict[str, float] = get("jpm_filling_cutoffs")
    return JpmSettings(
        capped=bool(get("jpm_capped")),
        optimal=float(mapping["optimal"]),
        cukup_optimal=float(mapping["cukup_optimal"]),
        memenuhi_syarat=float(filling["memenuhi_syarat"]),
        masih_memenuhi_syarat=float(filling["masih_memenuhi_syarat"]),
    )


def _format_hundredths(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def gaps_rows(data: MappingData) -> Iterator[list[str]]:
    gaps = line_gaps(data.line_required, data.line_assessed)
    for e, c, req, ass, gap in zip(
        data.line_employee.tolist(),
        data.line_competency.tolist(),
        data.line_required.tolist(),
        data.line_assessed.tolist(),
        gaps.tolist(),
        strict=True,
    ):
        yield [
            data.nips[e],
            data.competency_codes[c],
            str(req),
            str(ass) if ass else "",
            str(gap) if gap >= 0 else "",
        ]


def jpm_rows(data: MappingData, settings: JpmSettings) -> Iterator[list[str]]:
    result = jpm_by_employee(data.line_employee, data.line_required, data.line_assessed, data.n_employees, settings)
    for i in range(data.n_employees):
        if not result.has_skj[i]:
            continue
        value = int(result.jpm_hundredths[i])
        yield [
            data.nips[i],
            data.position_codes[i],
            _format_hundredths(value) if value >= 0 else "",
            MAPPING_CATEGORIES[result.mapping[i]],
            FILLING_CATEGORIES[result.filling[i]],
        ]


def _agencies(agency_code: str | None) -> list[Agency]:
    if agency_code is None:
        return list(Agency.objects.order_by("code"))
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise ExportUsageError(_("instansi %(code)s tidak ditemukan") % {"code": agency_code})
    return [agency]


def _mapping_export(kind: str, agencies: list[Agency]) -> Iterator[list[str]]:
    """Per instansi (each has its own JPM settings), merged back into one NIP-sorted stream."""
    import heapq

    streams = []
    for agency in agencies:
        data = load_mapping(agency_ids=[agency.pk])
        rows = gaps_rows(data) if kind == "gaps" else jpm_rows(data, jpm_settings_for(agency))
        streams.append(rows)
    yield from heapq.merge(*streams, key=lambda r: (r[0], r[1]))


def talent_rows(agency: Agency, year: int) -> Iterator[list[str]]:
    """One row per pegawai: kinerja from the year's performance rating (predicate, PermenPANRB 6/2022), potensi
    from the JPM with the instansi's cut-offs, and the 9-box (PermenPANRB 3/2020); empty where unknown. The rule
    lives in evaluation.talent.load_talent, shared with the talent pages."""
    talent = load_talent(agency, year)
    boxes = talent.boxes
    for i in range(talent.mapping.n_employees):
        k, p, b = int(boxes.kinerja[i]), int(boxes.potensi[i]), int(boxes.box[i])
        yield [talent.mapping.nips[i], KINERJA[k] if k >= 0 else "", POTENSI[p] if p >= 0 else "", str(b) if b else ""]


def _hundredths(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _year_records(agency: Agency, year: int) -> QuerySet[LearningRecord]:
    """Verified records counted in the year: the year of the end date (CONTRACT.md)."""
    first, last = year_bounds(year)
    return LearningRecord.objects.filter(
        employee__agency=agency, status=RecordStatus.VERIFIED, end_date__gte=first, end_date__lte=last
    )


def jp_rows(agency: Agency, year: int) -> Iterator[list[str]]:
    data = load_year_ledger(agency, year, timezone.localdate())
    ledger = data.ledger
    nips = dict(Employee.objects.filter(agency=agency).values_list("id", "nip"))
    order = sorted(range(len(data.employee_ids)), key=lambda i: nips[int(data.employee_ids[i])])
    for i in order:
        maximum = int(ledger.maximum[i])
        yield [
            nips[int(data.employee_ids[i])],
            data.employment_type[i],
            format_jp(int(ledger.total[i])),
            format_jp(int(ledger.minimum[i])),
            format_jp(maximum) if maximum >= 0 else "",
            STATUSES[ledger.status[i]],
            format_jp(int(ledger.shortfall[i])),
        ]


def siasn_rows(agency: Agency, year: int) -> Iterator[list[str]]:
    """Verified records of the year in SIASN's riwayat kursus field names; dates as YYYY-MM-DD."""
    rows = _year_records(agency, year).values_list(
        "employee__nip", "form_id", "title", "provider", "jp", "certificate_no", "start_date", "end_date"
    )
    for nip, form, title, provider, jp, cert, start, end in sorted(rows, key=lambda r: (r[0], r[1], r[6], r[2])):
        yield [
            nip,
            str(form),
            title,
            provider,
            format_jp(_hundredths(jp)),
            cert,
            start.isoformat(),
            end.isoformat(),
            str(end.year),
        ]


def _per_agency(
    rows: Callable[[Agency, int], Iterator[list[str]]],
    agencies: list[Agency],
    year: int | None,
    key: Callable[[list[str]], Any],
) -> Iterator[list[str]]:
    import heapq

    the_year = year or timezone.localdate().year
    yield from heapq.merge(*(rows(a, the_year) for a in agencies), key=key)


HEADERS: dict[str, list[str]] = {
    "gaps": ["nip", "competency_code", "required_level", "assessed_level", "gap"],
    "jpm": ["nip", "position_code", "jpm", "category_mapping", "category_filling"],
    "jp": ["nip", "employment_type", "jp_total", "jp_minimum", "jp_maximum", "status", "shortfall"],
    "talent": ["nip", "kinerja", "potensi", "box"],
    "siasn-kursus": [
        "nip",
        "jenisDiklatId",
        "namaKursus",
        "institusiPenyelenggara",
        "jumlahJam",
        "nomorSertipikat",
        "tanggalKursus",
        "tanggalSelesaiKursus",
        "tahunKursus",
    ],
}
EXPORTS: dict[str, Callable[..., Iterator[list[str]]]] = {
    "gaps": lambda agencies, year: _mapping_export("gaps", agencies),
    "jpm": lambda agencies, year: _mapping_export("jpm", agencies),
    "jp": lambda agencies, year: _per_agency(jp_rows, agencies, year, key=lambda r: r[0]),
    "talent": lambda agencies, year: _per_agency(talent_rows, agencies, year, key=lambda r: r[0]),
    "siasn-kursus": lambda agencies, year: _per_agency(siasn_rows, agencies, year, key=lambda r: (r[0], int(r[1]))),
}


def write_export(kind: str, out: Path, *, agency_code: str | None = None, year: int | None = None) -> int:
    """Write one CONTRACT.md export to `out`; return the number of data rows."""
    if kind not in EXPORTS:
        raise ExportUsageError(_("jenis ekspor %(kind)s tidak dikenal") % {"kind": kind})
    agencies = _agencies(agency_code)
    count = 0
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADERS[kind])
        for row in EXPORTS[kind](agencies, year):
            writer.writerow(row)
            count += 1
    return count


__all__: list[Any] = ["EXPORTS", "ExportUsageError", "write_export"]
