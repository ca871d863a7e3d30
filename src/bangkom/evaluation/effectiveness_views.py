"""Programme effectiveness page of the admin instansi (/evaluasi/efektivitas/): per offering of a year, what it
cost, the JP it delivered, the gap levels it closed and its level 4 finding. Thin: figures in
evaluation.effectiveness; only an instansi the user administers (anyone else: 403)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bangkom.evaluation.effectiveness import Row, Totals, effectiveness, years_of
from bangkom.evaluation.views import admin_scope
from bangkom.org.models import Agency
from bangkom.web.downloads import FORMATS, table_response

FIRST_YEAR = 1950


def _verdict(row: Row) -> str:
    if row.level4 is None:
        return _("Data belum cukup")
    return row.level4.verdict_text


def _num(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _download(agency: Agency, year: int, rows: list[Row], totals: Totals, fmt: str) -> HttpResponse:
    header = [
        "offering_id",
        "title",
        "participants",
        "cost",
        "jp",
        "cost_per_jp",
        "levels_closed",
        "cost_per_level",
        "level4",
    ]
    lines: list[list[Any]] = [
        [
            r.offering.pk,
            r.offering.title,
            r.participants,
            r.cost,
            str(r.jp),
            _num(r.cost_per_jp),
            r.levels_closed,
            _num(r.cost_per_level),
            _verdict(r),
        ]
        for r in rows
    ]
    lines.append(
        [
            "",
            _("Jumlah"),
            totals.participants,
            totals.cost,
            str(totals.jp),
            _num(totals.cost_per_jp),
            totals.levels_closed,
            _num(totals.cost_per_level),
            "",
        ]
    )
    return table_response(f"efektivitas-{agency.code}-{year}", header, lines, fmt)


@login_required
@require_GET
def effectiveness_view(request: HttpRequest) -> HttpResponse:
    scope = admin_scope(request, years_of, foreign=PermissionDenied)
    agency, agencies, year, years = scope.agency, scope.agencies, scope.year, scope.years
    rows, totals = effectiveness(agency, year)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _download(agency, year, rows, totals, fmt)
    context = {
        "agency": agency,
        "agencies": agencies,
        "year": year,
        "years": years,
        "rows": [{"row": r, "verdict": _verdict(r)} for r in rows],
        "totals": totals,
    }
    return render(request, "evaluation/effectiveness.html", context)
