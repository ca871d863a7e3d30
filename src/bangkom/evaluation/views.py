"""Talent management pages of the admin instansi (PermenPANRB 3/2020): the 9-box of an instansi and year, the
pegawai of one box, and succession candidates for a key jabatan. Thin: loading in evaluation.talent, the rule
in engine.talent; every read is limited to an instansi the user administers (others: 403, or 404 for an id)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from bangkom.competency.models import Competency
from bangkom.engine.talent import BOX_ACTIONS, BOX_GRID, KINERJA, POTENSI, PREDICATES, READINESS
from bangkom.engine.textnum import plain_int
from bangkom.evaluation.talent import TalentData, load_succession, load_talent, rating_years
from bangkom.org.models import Agency, Employee, Position
from bangkom.org.selectors import employees_visible_to
from bangkom.web.downloads import FORMATS, table_response
from bangkom.web.paging import querystring_base
from bangkom.web.scope import administered_agency

PAGE_SIZE = 50
FIRST_YEAR = 1950

ACTION_TEXT: dict[str, Promise] = {
    "promosi": gettext_lazy("Promosi"),
    "kelompok_suksesi": gettext_lazy("Masuk kelompok rencana suksesi"),
    "retensi": gettext_lazy("Retensi (dipertahankan)"),
    "rotasi": gettext_lazy("Rotasi"),
    "pengembangan": gettext_lazy("Pengembangan kompetensi"),
    "penempatan": gettext_lazy("Penempatan yang sesuai"),
    "bimbingan_kinerja": gettext_lazy("Bimbingan kinerja"),
    "konseling_kinerja": gettext_lazy("Konseling kinerja"),
    "bimbingan": gettext_lazy("Bimbingan (coaching)"),
    "penegakan_disiplin": gettext_lazy("Ditangani sesuai ketentuan disiplin"),
}
KINERJA_TEXT: dict[str, Promise] = {
    "di_bawah_ekspektasi": gettext_lazy("Di bawah ekspektasi"),
    "sesuai_ekspektasi": gettext_lazy("Sesuai ekspektasi"),
    "di_atas_ekspektasi": gettext_lazy("Di atas ekspektasi"),
}
POTENSI_TEXT: dict[str, Promise] = {
    "rendah": gettext_lazy("Rendah"),
    "menengah": gettext_lazy("Menengah"),
    "tinggi": gettext_lazy("Tinggi"),
}
PREDICATE_TEXT: dict[str, Promise] = {
    "sangat_baik": gettext_lazy("Sangat Baik"),
    "baik": gettext_lazy("Baik"),
    "butuh_perbaikan": gettext_lazy("Butuh Perbaikan"),
    "kurang": gettext_lazy("Kurang/Misconduct"),
    "sangat_kurang": gettext_lazy("Sangat Kurang"),
}
READINESS_TEXT: dict[str, Promise] = {
    "siap_sekarang": gettext_lazy("Siap sekarang"),
    "siap_1_2_tahun": gettext_lazy("Siap dalam 1-2 tahun"),
    "perlu_pengembangan": gettext_lazy("Perlu pengembangan"),
    "belum_dinilai": gettext_lazy("Belum dinilai (lengkapi penilaian kompetensi)"),
}


def actions_of(box: int) -> list[str]:
    return [str(ACTION_TEXT[a]) for a in BOX_ACTIONS[box]]


def _hundredths(value: int) -> str:
    return f"{value // 100},{value % 100:02d}" if value >= 0 else ""


# --- scope ----------------------------------------------------------------------------------------------------


@dataclass
class Scope:
    agency: Agency
    agencies: list[Agency]
    year: int
    years: list[int]


def admin_scope(
    request: HttpRequest,
    years_of: Callable[[Agency], list[int]],
    *,
    foreign: type[Exception] = Http404,
) -> Scope:
    """The instansi (?instansi=, one the user administers) and year (?tahun=, default the latest of years_of).

    A user who administers no instansi gets 403; an instansi they do not administer raises `foreign`.
    """
    chosen = administered_agency(request, foreign=foreign)
    agency, agencies = chosen.agency, chosen.agencies
    years = years_of(agency)
    raw = request.GET.get("tahun", "")
    if raw:
        asked = plain_int(raw)
        if asked is None or not FIRST_YEAR <= asked <= timezone.localdate().year + 1:
            raise Http404
        year = asked
    else:
        year = years[0] if years else timezone.localdate().year
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return Scope(agency=agency, agencies=agencies, year=year, years=years)


def _scope(request: HttpRequest) -> Scope:
    return admin_scope(request, rating_years)


def _scope_query(scope: Scope) -> str:
    return f"instansi={scope.agency.pk}&tahun={scope.year}"


# --- 9-box grid -----------------------------------------------------------------------------------------------


def grid_svg(counts: dict[int, int], link: dict[int, str], *, title: str, desc: str) -> str:
    """The 9-box as a 3 x 3 SVG: potensi rows tinggi (top) to rendah, kinerja columns below to above; each cell
    shows its box number and count and links to its drill-down. Text XML-escaped here (templates mark it safe)."""
    cell, left, top = 150, 110, 10
    width, height = left + 3 * cell + 10, top + 3 * cell + 60
    fills = {9: "#15803d", 8: "#4d9c5a", 7: "#4d9c5a", 6: "#d9a400", 5: "#d9a400", 4: "#d9a400"}
    most = max(counts.values(), default=0) or 1
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart ninebox" role="img" '
        f'aria-labelledby="ninebox-title ninebox-desc"><title id="ninebox-title">{escape(title)}</title>'
        f'<desc id="ninebox-desc">{escape(desc)}</desc>'
    ]
    for row, potensi in enumerate((2, 1, 0)):
        y = top + row * cell
        body.append(
            f'<text x="{left - 8}" y="{y + cell // 2}" font-size="13" text-anchor="end">'
            f"{escape(str(POTENSI_TEXT[POTENSI[potensi]]))}</text>"
        )
        for col in range(3):
            box = BOX_GRID[potensi][col]
            x = left + col * cell
            n = counts.get(box, 0)
            opacity = 0.25 + 0.75 * n / most
            colour = fills.get(box, "#b42318")
            label = _("Kotak %(box)s: %(n)s pegawai") % {"box": box, "n": n}
            body.append(
                f"<a href={quoteattr(link[box])} aria-label={quoteattr(label)}>"
                f'<rect x="{x + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" fill="{colour}" '
                f'fill-opacity="{opacity:.2f}" stroke="#374151"/>'
                f'<text x="{x + 10}" y="{y + 22}" font-size="14" font-weight="bold">{box}</text>'
                f'<text class="count" x="{x + cell // 2}" y="{y + cell // 2 + 12}" font-size="32" '
                f'text-anchor="middle">{n}</text></a>'
            )
    for col in range(3):
        body.append(
            f'<text x="{left + col * cell + cell // 2}" y="{top + 3 * cell + 20}" font-size="13" '
            f'text-anchor="middle">{escape(str(KINERJA_TEXT[KINERJA[col]]))}</text>'
        )
    body.append(
        f'<text x="{left + 3 * cell // 2}" y="{top + 3 * cell + 45}" font-size="13" text-anchor="middle" '
        f'font-weight="bold">{escape(_("Kinerja"))}</text>'
        f'<text x="16" y="{top + 3 * cell // 2}" font-size="13" text-anchor="middle" font-weight="bold" '
        f'transform="rotate(-90 16 {top + 3 * cell // 2})">{escape(_("Potensi"))}</text></svg>'
    )
    return "".join(body)


def _employees(request: HttpRequest, scope: Scope) -> QuerySet[Employee]:
    """Pegawai of the instansi as org.selectors scopes them for the user (an admin instansi: all of them)."""
    return employees_visible_to(request.user).filter(agency=scope.agency)


def _download(request: HttpRequest, scope: Scope, talent: TalentData, fmt: str) -> HttpResponse:
    data, boxes = talent.mapping, talent.boxes
    rows = _employees(request, scope).values_list("id", "name", "unit__name")
    names = {e: (name, unit or "") for e, name, unit in rows.iterator(chunk_size=5000)}

    def lines() -> Any:
        for i in range(data.n_employees):
            k, p, b = int(boxes.kinerja[i]), int(boxes.potensi[i]), int(boxes.box[i])
            name, unit = names.get(int(data.employee_ids[i]), ("", ""))
            yield [data.nips[i], name, unit, KINERJA[k] if k >= 0 else "", POTENSI[p] if p >= 0 else "", b or ""]

    return table_response(
        f"talenta-{scope.agency.code}-{scope.year}",
        ["nip", "name", "unit", "kinerja", "potensi", "box"],
        lines(),
        fmt,
    )


@login_required
@require_GET
def talent_grid_view(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    talent = load_talent(scope.agency, scope.year)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _download(request, scope, talent, fmt)
    boxes = talent.boxes
    counts = {b: int(n) for b, n in enumerate(np.bincount(boxes.box.astype(np.int64), minlength=10))}
    query = _scope_query(scope)
    links = {b: f"{reverse('talent_box', args=[b])}?{query}" for b in range(1, 10)}
    no_rating = ~talent.rated
    no_potensi = boxes.potensi < 0
    context = {
        "scope": scope,
        "agency": scope.agency,
        "query": query,
        "grid_svg": grid_svg(
            {b: counts[b] for b in range(1, 10)},
            links,
            title=_("Matriks 9 kotak talenta %(a)s tahun %(y)s") % {"a": scope.agency.name, "y": scope.year},
            desc=_("Baris: potensi dari tinggi ke rendah; kolom: kinerja dari di bawah ke di atas ekspektasi."),
        ),
        "total": talent.mapping.n_employees,
        "in_boxes": talent.mapping.n_employees - counts[0],
        "no_box": counts[0],
        "no_rating": int(no_rating.sum()),
        "no_potensi": int(no_potensi.sum()),
        "no_both": int((no_rating & no_potensi).sum()),
        "boxes": [{"box": b, "count": counts[b], "actions": actions_of(b), "url": links[b]} for b in range(9, 0, -1)],
        "cutoffs": (talent.settings.potensi_menengah, talent.settings.potensi_tinggi),
    }
    return render(request, "evaluation/talent_grid.html", context)


# --- one box --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def talent_box_view(request: HttpRequest, box: int) -> HttpResponse:
    if not 1 <= box <= 9:
        raise Http404
    scope = _scope(request)
    talent = load_talent(scope.agency, scope.year)
    data, boxes = talent.mapping, talent.boxes
    members = np.flatnonzero(boxes.box == box)  # in NIP order
    q = request.GET.get("q", "").strip()
    if q:
        match = _employees(request, scope).filter(
            Q(nip__startswith=q) | Q(name__icontains=q) | Q(position__name__icontains=q)
        )
        found = np.fromiter(match.values_list("id", flat=True), dtype=np.int64)
        members = members[np.isin(data.employee_ids[members], found)]
    page = Paginator(members.tolist(), PAGE_SIZE).get_page(request.GET.get("page"))
    index = list(page.object_list)
    page_ids = [int(data.employee_ids[i]) for i in index]
    employees = _employees(request, scope).select_related("unit", "position").in_bulk(page_ids)
    rows = []
    for i in index:
        emp = employees[int(data.employee_ids[i])]
        pred = int(boxes.predicate[i])
        rows.append(
            {
                "employee": emp,
                "predicate": PREDICATE_TEXT[PREDICATES[pred]] if pred >= 0 else "",
                "jpm": _hundredths(int(talent.potensi_hundredths[i])),
            }
        )
    return render(
        request,
        "evaluation/talent_box.html",
        {
            "scope": scope,
            "agency": scope.agency,
            "box": box,
            "actions": actions_of(box),
            "page_obj": page,
            "rows": rows,
            "q": q,
            "query": _scope_query(scope),
            "querystring_base": querystring_base(request),
        },
    )


# --- succession -----------------------------------------------------------------------------------------------


@dataclass
class GapRow:
    competency: Competency
    required: int
    assessed: int | None  # None: not assessed
    gap: int  # -1: not assessed


@dataclass
class CandidateRow:
    rank: int
    employee: Employee
    readiness: str
    readiness_text: str
    box: int | None
    jpm: str
    gaps: list[GapRow]


@login_required
@require_GET
def talent_succession_view(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    positions = list(Position.objects.filter(agency=scope.agency).select_related("unit").order_by("code"))
    raw = request.GET.get("jabatan", "")
    position = next((p for p in positions if str(p.pk) == raw), None) if raw else None
    if raw and position is None:
        raise Http404
    context: dict[str, Any] = {
        "scope": scope,
        "agency": scope.agency,
        "positions": positions,
        "position": position,
        "query": _scope_query(scope),
    }
    if position is not None:
        result = load_succession(load_talent(scope.agency, scope.year), position)
        data = result.talent.mapping
        candidates = list(result.result.candidates(0)) if len(result.skj_competency_ids) else []
        ids = [int(data.employee_ids[c.pegawai]) for c in candidates]
        employees = _employees(request, scope).select_related("unit", "position").in_bulk(ids)
        comps = Competency.objects.in_bulk(result.skj_competency_ids.tolist())
        rows: list[CandidateRow] = []
        for c, emp_id in zip(candidates, ids, strict=True):
            gaps = [
                GapRow(
                    competency=comps[int(result.skj_competency_ids[g.competency])],
                    required=g.required,
                    assessed=g.assessed or None,
                    gap=g.gap,
                )
                for g in c.gaps
            ]
            rows.append(
                CandidateRow(
                    rank=c.rank + 1,
                    employee=employees[emp_id],
                    readiness=c.readiness,
                    readiness_text=str(READINESS_TEXT[c.readiness]),
                    box=c.box or None,
                    jpm=_hundredths(c.jpm_hundredths),
                    gaps=gaps,
                )
            )
        if request.GET.get("format", "") in FORMATS:
            return table_response(
                f"suksesi-{scope.agency.code}-{position.code}-{scope.year}",
                ["rank", "nip", "name", "unit", "jabatan", "readiness", "box", "jpm", "gaps"],
                (
                    [
                        r.rank,
                        r.employee.nip,
                        r.employee.name,
                        r.employee.unit.name if r.employee.unit else "",
                        r.employee.position.name,
                        r.readiness,
                        r.box or "",
                        r.jpm.replace(",", "."),
                        "; ".join(f"{g.competency.code} {g.assessed or 0}/{g.required}" for g in r.gaps),
                    ]
                    for r in rows
                ),
                request.GET["format"],
            )
        context.update(rows=rows, no_skj=not len(result.skj_competency_ids), readiness_codes=READINESS)
    return render(request, "evaluation/talent_succession.html", context)
