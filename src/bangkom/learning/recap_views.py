"""The JP recap PDF (scoped download) and its public verification page (no login).

The verification page is public on purpose: whoever holds the paper (an HR office, a selection committee)
checks it without an account. It shows only the summary printed on the paper, with the NIP masked.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bangkom.engine.hours import format_jp
from bangkom.learning.recap import mask_nip, normalize_code, recap_check, recap_download
from bangkom.org.selectors import employee_get

FIRST_YEAR = 1950


def public_url(request: HttpRequest, path: str) -> str:
    """Absolute URL of a path: BANGKOM_PUBLIC_URL when set (the address people outside can reach), else the
    address of this request."""
    base = settings.BANGKOM_PUBLIC_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
@require_GET
def recap_pdf_view(request: HttpRequest, employee_pk: int, year: int) -> HttpResponse:
    employee = employee_get(request.user, employee_pk)
    if employee is None or not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    _recap, pdf = recap_download(
        actor=request.user,
        employee=employee,
        year=year,
        verify_url_for=lambda code: public_url(request, reverse("recap_verify_code", args=[code])),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rekap-jp-{employee.nip}-{year}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _not_found(request: HttpRequest, typed: str) -> HttpResponse:
    return render(request, "learning/recap_verify.html", {"typed": typed, "not_found": True}, status=404)


@require_GET
def recap_verify(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("kode", "").strip()[:64]
    if not typed:
        return render(request, "learning/recap_verify.html", {"typed": ""})
    code = normalize_code(typed)
    if code is None:
        return _not_found(request, typed)
    return redirect("recap_verify_code", code=code)


@require_GET
def recap_verify_code(request: HttpRequest, code: str) -> HttpResponse:
    check = recap_check(code)
    if check is None:
        return _not_found(request, code[:64])
    if check.recap.code != code:
        return redirect("recap_verify_code", code=check.recap.code)  # one address per recap
    recap = check.recap
    return render(
        request,
        "learning/recap_result.html",
        {
            "recap": recap,
            "matches": check.matches,
            "agency": recap.employee.agency,
            "name": recap.employee.name,
            "nip": mask_nip(recap.employee.nip),
            "total": format_jp(recap.total_hundredths),
        },
    )
