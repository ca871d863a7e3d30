"""Pages of the admin instansi for the LRS: client platforms (keys) and the JP mapping of activities.

Thin views: the rules are in lrs.services; every object is looked up within the instansi the user
administers (another instansi's key or mapping answers 404)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangkom.engine.textnum import plain_int
from bangkom.lrs import selectors
from bangkom.lrs.forms import ClientForm, CreditForm
from bangkom.lrs.models import ActivityCredit, Client
from bangkom.lrs.services import SettingInvalid, client_create, client_revoke, credit_delete, credit_save
from bangkom.web.downloads import FORMATS, table_response
from bangkom.web.paging import querystring_base
from bangkom.web.scope import administered_agency

PAGE_SIZE = 50


def _back(agency_id: int) -> str:
    return reverse("lrs_settings") + f"?instansi={agency_id}"


def _refused(request: HttpRequest, agency_id: int, problems: Iterable[object]) -> HttpResponse:
    """Back to the settings page with every problem shown; nothing was written."""
    for problem in problems:
        messages.error(request, str(problem))
    return redirect(_back(agency_id))


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    scope = administered_agency(request)
    agency = scope.agency
    q = request.GET.get("q", "").strip()
    credits = selectors.credits_of(agency.pk, q)
    counts = selectors.credit_counts(agency.pk)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return table_response(
            f"pemetaan-jp-xapi-{agency.code}",
            [
                _("IRI aktivitas"),
                _("Judul"),
                _("JP"),
                _("Bentuk"),
                _("Penyelenggara"),
                _("Catatan pembelajaran dibuat"),
            ],
            ([c.activity_id, c.title, c.jp, c.form.name, c.provider, counts.get(c.activity_id, 0)] for c in credits),
            fmt,
        )
    page = Paginator(credits, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(c, counts.get(c.activity_id, 0)) for c in page.object_list]
    edit = None
    if (chosen := plain_int(request.GET.get("ubah"))) is not None:
        edit = ActivityCredit.objects.filter(agency=agency, pk=chosen).first()
    initial = (
        {
            "activity_id": edit.activity_id,
            "title": edit.title,
            "jp": f"{edit.jp:f}".rstrip("0").rstrip("."),
            "form_code": edit.form_id,
            "provider": edit.provider,
        }
        if edit
        else {"form_code": 16}
    )
    return render(
        request,
        "lrs/settings.html",
        {
            "scope": scope,
            "clients": selectors.clients_of(agency.pk),
            "client_form": ClientForm(),
            "credit_form": CreditForm(initial=initial),
            "editing": edit,
            "rows": rows,
            "page_obj": page,
            "q": q,
            "qs_base": querystring_base(request),
            "activities": selectors.known_activities(agency.pk),
            "statement_count": selectors.statement_count(agency.pk),
            "endpoint": request.build_absolute_uri("/xapi/"),
        },
    )


@login_required
@require_POST
def client_create_view(request: HttpRequest) -> HttpResponse:
    scope = administered_agency(request)
    form = ClientForm(request.POST)
    if not form.is_valid():
        return _refused(request, scope.agency.pk, [_("Nama platform wajib diisi.")])
    try:
        client, secret = client_create(actor=request.user, agency=scope.agency, name=form.cleaned_data["name"])
    except SettingInvalid as exc:
        return _refused(request, scope.agency.pk, exc.messages)
    return render(
        request,
        "lrs/client_created.html",
        {"scope": scope, "client": client, "secret": secret, "endpoint": request.build_absolute_uri("/xapi/")},
    )


@login_required
def client_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = administered_agency(request)
    client = get_object_or_404(Client, pk=pk, agency=scope.agency)
    if request.method == "POST":
        client_revoke(actor=request.user, client=client)
        messages.success(request, _("Kunci %(name)s dicabut.") % {"name": client.name})
        return redirect(_back(scope.agency.pk))
    return render(request, "lrs/confirm.html", {"scope": scope, "client": client})


@login_required
@require_POST
def credit_save_view(request: HttpRequest) -> HttpResponse:
    scope = administered_agency(request)
    form = CreditForm(request.POST)
    if not form.is_valid():
        return _refused(request, scope.agency.pk, [e for errors in form.errors.values() for e in errors])
    data = form.cleaned_data
    try:
        credit_save(
            actor=request.user,
            agency=scope.agency,
            activity_id=data["activity_id"],
            title=data["title"],
            jp=data["jp"],
            form_code=data["form_code"],
            provider=data["provider"],
        )
    except SettingInvalid as exc:
        return _refused(request, scope.agency.pk, exc.messages)
    messages.success(request, _("Pemetaan JP disimpan."))
    return redirect(_back(scope.agency.pk))


@login_required
def credit_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = administered_agency(request)
    credit = get_object_or_404(ActivityCredit, pk=pk, agency=scope.agency)
    if request.method == "POST":
        credit_delete(actor=request.user, credit=credit)
        messages.success(request, _("Pemetaan JP dihapus; catatan yang sudah dibuat tetap ada."))
        return redirect(_back(scope.agency.pk))
    return render(request, "lrs/confirm.html", {"scope": scope, "credit": credit})
