"""The admin instansi's AKPK page: aggregated needs per unit kerja and competency, with CSV/XLSX downloads,
and the two actions that start an AKPK (create it for a year, gather its needs as a background job)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangkom.accounts.roles import roles_for
from bangkom.engine.textnum import plain_int
from bangkom.org.models import Agency
from bangkom.planning.models import Akpk, NeedSource, NeedStatus
from bangkom.planning.selectors import need_aggregates, need_counts
from bangkom.planning.services import OutOfScope, RecordInvalid, akpk_create, akpk_gather_start
from bangkom.planning.views_needs import aggregates_download
from bangkom.web.downloads import FORMATS


def _admin_agencies(request: HttpRequest) -> list[Agency]:
    roles = roles_for(request.user)
    if not roles.is_admin_instansi:
        raise PermissionDenied
    return list(Agency.objects.filter(pk__in=roles.admin_agency_ids).order_by("code"))


@login_required
def akpk_view(request: HttpRequest) -> HttpResponse:
    agencies = _admin_agencies(request)
    chosen = request.GET.get("instansi", "")
    agency = next((a for a in agencies if str(a.pk) == chosen), None) if chosen else agencies[0]
    if agency is None:
        raise Http404
    akpks = list(Akpk.objects.filter(agency=agency).order_by("-year"))
    raw = request.GET.get("akpk", "")
    akpk = next((a for a in akpks if str(a.pk) == raw), None) if raw else (akpks[0] if akpks else None)
    if raw and akpk is None:
        raise Http404
    by_unit = request.GET.get("per", "unit") != "kompetensi"
    rows = need_aggregates(request.user, akpk, by_unit=by_unit) if akpk is not None else []
    fmt = request.GET.get("format", "")
    if akpk is not None and fmt in FORMATS:
        return aggregates_download(
            f"akpk-{agency.code}-{akpk.year}{'' if by_unit else '-kompetensi'}", rows, by_unit, fmt
        )
    counts = need_counts(request.user, akpk) if akpk is not None else {"status": {}, "source": {}}
    return render(
        request,
        "planning/akpk.html",
        {
            "agency": agency,
            "agencies": agencies,
            "akpks": akpks,
            "akpk": akpk,
            "rows": rows,
            "by_unit": by_unit,
            "next_year": timezone.localdate().year + 1,
            "status_counts": [(label, counts["status"].get(value, 0)) for value, label in NeedStatus.choices],
            "source_counts": [(label, counts["source"].get(value, 0)) for value, label in NeedSource.choices],
        },
    )


@login_required
@require_POST
def akpk_create_view(request: HttpRequest) -> HttpResponse:
    agencies = _admin_agencies(request)
    agency = next((a for a in agencies if str(a.pk) == request.POST.get("instansi", "")), None)
    raw_year = request.POST.get("tahun", "")
    if agency is None:
        raise Http404
    try:
        akpk = akpk_create(actor=request.user, agency=agency, year=plain_int(raw_year) or 0)
    except RecordInvalid as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect(f"{reverse('akpk')}?instansi={agency.pk}")
    messages.success(request, _("AKPK tahun %(year)s dibuat.") % {"year": akpk.year})
    return redirect(f"{reverse('akpk')}?instansi={agency.pk}&akpk={akpk.pk}")


@login_required
@require_POST
def akpk_gather_view(request: HttpRequest, pk: int) -> HttpResponse:
    agencies = _admin_agencies(request)
    akpk = Akpk.objects.filter(pk=pk, agency__in=agencies).first()
    if akpk is None:
        raise Http404
    try:
        job = akpk_gather_start(actor=request.user, akpk=akpk, lang=get_language() or "id")
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect(f"{reverse('akpk')}?instansi={akpk.agency_id}&akpk={akpk.pk}")
    return redirect("job_detail", job.pk)
