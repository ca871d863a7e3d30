"""Pages of the catalogue of development offerings: list (search, filters, downloads), detail, create and edit,
activate and deactivate (with a confirmation).

Everyone logged in reads the national catalogue and the offerings of their own instansi (the catalogue holds no
personal data); who may edit is planning.services' rule (admin nasional for the national catalogue, the admin
instansi and the penyelenggara of an instansi for its offerings).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bangkom.accounts.roles import roles_for
from bangkom.engine.textnum import plain_int
from bangkom.learning.models import DevelopmentForm
from bangkom.org.models import Agency, PositionKind
from bangkom.org.selectors import agencies_visible_to
from bangkom.planning.forms import (
    NATIONAL,
    OfferingCompetencyFormSet,
    OfferingForm,
    apply_errors,
    competency_rows,
    offering_initial,
)
from bangkom.planning.models import Modality, Offering
from bangkom.planning.selectors import competencies_for, offering_get, offering_search
from bangkom.planning.services import (
    OutOfScope,
    RecordInvalid,
    may_edit_offering,
    offering_save,
    offering_set_active,
)
from bangkom.web.downloads import FORMATS, table_response
from bangkom.web.paging import querystring_base

PAGE_SIZE = 50
ACTIVE_FILTERS = {"ya": True, "tidak": False, "semua": None}


def _editable_agencies(user: Any) -> dict[str, Agency | None]:
    """Owners the user may add offerings for: "nasional" (None) and instansi ids, in the order shown."""
    roles = roles_for(user)
    out: dict[str, Agency | None] = {}
    if may_edit_offering(user, None):
        out[NATIONAL] = None
    ids = set(roles.admin_agency_ids) | set(roles.penyelenggara_agency_ids)
    for agency in Agency.objects.filter(pk__in=ids).order_by("code"):
        if may_edit_offering(user, agency.pk):
            out[str(agency.pk)] = agency
    return out


def _owner_label(key: str, agency: Agency | None) -> str:
    return _("Katalog nasional") if agency is None else f"{agency.code} {agency.name}"


def _jp(value: Any) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") if value is not None else ""


@login_required
def offering_list_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    raw_form = request.GET.get("bentuk", "")
    form_id = plain_int(raw_form)
    modality = request.GET.get("moda", "")
    modality = modality if modality in Modality.values else ""
    provider = request.GET.get("penyelenggara", "").strip()
    active_key = request.GET.get("aktif", "ya")
    active_key = active_key if active_key in ACTIVE_FILTERS else "ya"
    owner = request.GET.get("pemilik", "")
    offerings = offering_search(
        request.user,
        search=q,
        form_id=form_id,
        modality=modality,
        provider=provider,
        active=ACTIVE_FILTERS[active_key],
        owner=owner,
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return table_response(
            "katalog",
            [
                "id",
                "owner",
                "form_id",
                "form",
                "title",
                "provider",
                "jp",
                "cost_per_participant",
                "seats",
                "start_date",
                "end_date",
                "modality",
                "location",
                "eligible_position_kinds",
                "min_level",
                "competencies",
                "active",
            ],
            (
                [
                    o.pk,
                    o.agency.code if o.agency else "nasional",
                    o.form_id,
                    o.form.name,
                    o.title,
                    o.provider,
                    _jp(o.jp),
                    o.cost_per_participant,
                    "" if o.seats is None else o.seats,
                    o.start_date.isoformat() if o.start_date else "",
                    o.end_date.isoformat() if o.end_date else "",
                    o.modality,
                    o.location,
                    " ".join(o.eligible_position_kinds or []),
                    "" if o.min_level is None else o.min_level,
                    " ".join(f"{c.competency.code}+{c.level_increase}" for c in o.competencies.all()),
                    "1" if o.active else "0",
                ]
                for o in offerings
            ),
            fmt,
        )
    page = Paginator(offerings, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [(o, may_edit_offering(request.user, o.agency_id)) for o in page.object_list]
    owners = _editable_agencies(request.user)
    return render(
        request,
        "planning/offering_list.html",
        {
            "page_obj": page,
            "items": items,
            "q": q,
            "form_id": form_id,
            "modality": modality,
            "provider": provider,
            "active_key": active_key,
            "owner": owner,
            "forms": list(DevelopmentForm.objects.order_by("pk").values_list("pk", "name")),
            "modalities": Modality.choices,
            "owner_choices": [
                (str(pk), f"{code} {name}")
                for pk, code, name in agencies_visible_to(request.user)
                .order_by("code")
                .values_list("pk", "code", "name")
            ],
            "can_create": bool(owners),
            "querystring_base": querystring_base(request),
        },
    )


@login_required
def offering_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    offering = offering_get(request.user, pk)
    if offering is None:
        raise Http404
    return render(
        request,
        "planning/offering_detail.html",
        {
            "offering": offering,
            "can_edit": may_edit_offering(request.user, offering.agency_id),
            "kinds": [str(label) for value, label in PositionKind.choices if value in offering.eligible_position_kinds],
        },
    )


def _offering_form(request: HttpRequest, offering: Offering | None) -> HttpResponse:
    if offering is None:
        owners = _editable_agencies(request.user)
        if not owners:
            raise PermissionDenied
    else:
        if not may_edit_offering(request.user, offering.agency_id):
            raise PermissionDenied
        key = str(offering.agency_id) if offering.agency_id else NATIONAL
        owners = {key: offering.agency}
    agency_ids = [a.pk for a in owners.values() if a is not None]
    competencies = [(c.pk, f"{c.code} {c.name}") for c in competencies_for(agency_ids)]
    initial: dict[str, Any] = {"active": True, "modality": Modality.OFFLINE, "cost_per_participant": "0"}
    rows: list[dict[str, str]] = []
    if offering is not None:
        initial = offering_initial(offering)
        rows = [
            {"competency": str(c.competency_id), "level_increase": str(c.level_increase)}
            for c in offering.competencies.all()
        ]
    post = request.POST if request.method == "POST" else None
    form = OfferingForm(post, initial=initial, owners=[(k, _owner_label(k, a)) for k, a in owners.items()])
    if offering is not None:
        del form.fields["active"]  # (de)activation has its own page with a confirmation
    formset = OfferingCompetencyFormSet(post, initial=rows, prefix="komp", form_kwargs={"competencies": competencies})
    if post is not None and form.is_valid() and formset.is_valid():
        data = form.offering_data(competency_rows(formset), owners)
        if offering is not None:
            data.active = offering.active
        try:
            saved = offering_save(actor=request.user, data=data, offering=offering)
        except RecordInvalid as exc:
            apply_errors(form, exc)
        except OutOfScope as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("Penawaran tersimpan: %(title)s.") % {"title": saved.title})
            return redirect("offering_detail", saved.pk)
    return render(
        request,
        "planning/offering_form.html",
        {"form": form, "formset": formset, "offering": offering},
    )


@login_required
def offering_create_view(request: HttpRequest) -> HttpResponse:
    return _offering_form(request, None)


@login_required
def offering_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    offering = offering_get(request.user, pk)
    if offering is None:
        raise Http404
    return _offering_form(request, offering)


@login_required
def offering_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation page (GET), then the change (POST aktif=1 or 0: a repeated submit changes nothing more)."""
    offering = offering_get(request.user, pk)
    if offering is None:
        raise Http404
    if not may_edit_offering(request.user, offering.agency_id):
        raise PermissionDenied
    if request.method == "POST":
        active = request.POST.get("aktif") == "1"
        try:
            offering = offering_set_active(actor=request.user, offering=offering, active=active)
        except OutOfScope as exc:
            raise PermissionDenied from exc
        if offering.active:
            messages.success(request, _("Penawaran diaktifkan: %(title)s.") % {"title": offering.title})
        else:
            messages.success(request, _("Penawaran dinonaktifkan: %(title)s.") % {"title": offering.title})
        return redirect(reverse("offering_detail", args=[offering.pk]))
    return render(request, "planning/offering_active.html", {"offering": offering})
