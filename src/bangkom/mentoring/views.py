"""Pages of coaching and mentoring: programmes (admin instansi), the pairs and why they were proposed, and the
pair's own page where mentee and mentor log sessions and the mentor confirms them.

Thin: rules in services, reads in selectors. Anything outside the user's scope answers 404 (no hint that it
exists); a page the user can see but that is not for their role answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangkom.accounts.roles import roles_for
from bangkom.engine.textnum import plain_int
from bangkom.mentoring import forms
from bangkom.mentoring.models import (
    Pairing,
    PairingStatus,
    Participant,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    Role,
    Session,
    SessionStatus,
    UnitRule,
)
from bangkom.mentoring.proposal import unmatched_mentees
from bangkom.mentoring.selectors import (
    is_programme_admin,
    my_pairings,
    overdue_for,
    pairing_get,
    pairings_visible_to,
    programme_get,
    programme_stats,
    programmes_visible_to,
    session_get,
)
from bangkom.mentoring.services import (
    OutOfScope,
    RecordInvalid,
    matching_start,
    pairing_end,
    pairing_set,
    participants_set,
    programme_publish,
    programme_save,
    session_cancel,
    session_confirm,
    session_save,
)
from bangkom.org.models import Agency, Employee, Unit
from bangkom.org.selectors import employee_list
from bangkom.web.charts import bars_svg
from bangkom.web.downloads import FORMATS, table_response
from bangkom.web.paging import querystring_base

PAGE_SIZE = 25
PAIRS_PAGE_SIZE = 50
UNMATCHED_SHOWN = 200


def _flash(request: HttpRequest, exc: RecordInvalid) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _programme_or_404(request: HttpRequest, pk: int) -> Programme:
    programme = programme_get(request.user, pk)
    if programme is None:
        raise Http404
    return programme


def _admin_programme(request: HttpRequest, pk: int) -> Programme:
    """The programme for its admin instansi: 404 outside scope, 403 for a participant who is not its admin."""
    programme = _programme_or_404(request, pk)
    if not is_programme_admin(request.user, programme):
        raise PermissionDenied
    return programme


def _admin_agencies(request: HttpRequest) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=roles_for(request.user).admin_agency_ids).order_by("name")


# --- reasons ---------------------------------------------------------------------------------------------------


def reason_lines(pairing: Pairing) -> list[str]:
    """Why this mentor for this mentee, in words: the competencies covered (gap and mentor level), same unit or
    location, seniority; or that the admin chose the pair (then the proposal's reasons no longer apply)."""
    why = pairing.reasons or {}
    if why.get("manual"):
        return [_("dipilih admin")]
    out = [
        _("%(code)s: kesenjangan %(gap)s level, level mentor %(level)s")
        % {"code": c.get("code") or c.get("competency"), "gap": c.get("gap"), "level": c.get("mentor_level")}
        for c in why.get("competencies", [])
    ]
    if why.get("same_unit"):
        out.append(_("unit kerja yang sama"))
    if why.get("same_location"):
        out.append(_("lokasi yang sama"))
    if why.get("seniority"):
        out.append(_("masa kerja mentor %(n)s tahun") % {"n": why["seniority"]})
    return out


def rules_lines(programme: Programme) -> list[str]:
    out = [
        _("%(n)s sesi per bulan") % {"n": programme.sessions_per_month},
        _("Asal mentor: %(rule)s") % {"rule": programme.get_unit_rule_display()},
        _("Level minimal mentor: %(n)s") % {"n": programme.mentor_min_level},
    ]
    if programme.same_location:
        out.append(_("Mentor di lokasi yang sama"))
    out.append(
        _("Atasan langsung boleh menjadi mentor")
        if programme.allow_direct_atasan
        else _("Atasan langsung tidak boleh menjadi mentor")
    )
    return out


# --- programmes ------------------------------------------------------------------------------------------------


@login_required
def programme_list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if not roles.is_admin_instansi and roles.employee_id is None:
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    qs = programmes_visible_to(request.user)
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs.order_by("-start_date", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    mine: dict[int, list[str]] = {}
    if roles.employee_id is not None:
        labels = dict(Role.choices)
        for prog_id, role in Participant.objects.filter(
            employee_id=roles.employee_id, programme_id__in=[p.pk for p in page.object_list]
        ).values_list("programme_id", "role"):
            mine.setdefault(prog_id, []).append(str(labels.get(role, role)))
    rows = [
        {"programme": p, "roles": mine.get(p.pk, []), "admin": p.agency_id in roles.admin_agency_ids}
        for p in page.object_list
    ]
    return render(
        request,
        "mentoring/programme_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "q": q,
            "is_admin": roles.is_admin_instansi,
            "querystring_base": querystring_base(request),
        },
    )


def _programme_form(request: HttpRequest, programme: Programme | None, agencies: QuerySet[Agency]) -> HttpResponse:
    agency_id = programme.agency_id if programme else None
    form = forms.programme_initial(programme)
    errors: forms.Errors = {}
    if request.method == "POST":
        form = forms.programme_posted(request.POST)
        agency = programme.agency if programme else None
        if agency is None:
            raw = request.POST.get("agency", "")
            agency = agencies.filter(pk=plain_int(raw) or 0).first() if raw else agencies.first()
        if agency is None:
            errors = {"agency": [_("Pilih instansi.")]}
        else:
            agency_id = agency.pk
            parsed: forms.Errors = {}
            data = forms.programme_data(form, parsed)
            try:
                saved = programme_save(actor=request.user, agency=agency, data=data, programme=programme)
            except OutOfScope as exc:
                raise Http404 from exc
            except RecordInvalid as exc:
                errors = forms.merge(exc.errors, parsed)
            else:
                messages.success(request, _("Program disimpan."))
                return redirect("programme_detail", saved.pk)
    agency_id = agency_id or (agencies[0].pk if agencies else None)
    units = Unit.objects.filter(agency_id=agency_id).order_by("name").only("pk", "name") if agency_id else []
    return render(
        request,
        "mentoring/programme_form.html",
        {
            "programme": programme,
            "form": form,
            "errors": errors,
            "all_errors": [m for msgs in errors.values() for m in msgs],
            "agencies": agencies if programme is None else [],
            "agency_id": agency_id,
            "units": units,
            "kinds": ProgrammeKind.choices,
            "unit_rules": UnitRule.choices,
            "levels": range(1, 6),
        },
        status=422 if errors else 200,
    )


@login_required
def programme_create_view(request: HttpRequest) -> HttpResponse:
    agencies = _admin_agencies(request)
    if not agencies.exists():
        raise PermissionDenied
    return _programme_form(request, None, agencies)


@login_required
def programme_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _admin_programme(request, pk)
    return _programme_form(request, programme, _admin_agencies(request))


def _stats_svg(programme: Programme, stats: Any) -> str:
    labels = [
        _("Pasangan berjalan"),
        _("Usulan pasangan"),
        _("Mentee"),
        _("Mentor"),
        _("Sesi berlangsung"),
        _("Sesi dikonfirmasi"),
        _("Bertemu bulan ini"),
    ]
    counts = [
        stats.pairs,
        stats.pairs_proposed,
        stats.mentees,
        stats.mentors,
        stats.sessions_held,
        stats.sessions_confirmed,
        stats.pairs_met_this_month,
    ]
    colours = ["#15803d", "#b45309", "#1d4ed8", "#1d4ed8", "#6b7280", "#15803d", "#15803d"]
    return bars_svg(
        labels,
        counts,
        colours,
        title=_("Ringkasan program %(name)s") % {"name": programme.name},
        chart_id="programme-stats",
    )


def _pairs_of(programme: Programme, q: str = "", status: str = "") -> QuerySet[Pairing]:
    qs = (
        Pairing.objects.filter(programme=programme)
        .select_related("mentee__unit", "mentor__unit")
        .order_by("mentee__name", "pk")
    )
    qs = qs.filter(status=status) if status in PairingStatus.values else qs.exclude(status=PairingStatus.ENDED)
    if q:
        qs = qs.filter(
            Q(mentee__name__icontains=q)
            | Q(mentee__nip__startswith=q)
            | Q(mentor__name__icontains=q)
            | Q(mentor__nip__startswith=q)
        )
    return qs


def _pairs_download(programme: Programme, q: str, status: str, fmt: str) -> HttpResponse:
    return table_response(
        f"pasangan-{programme.agency.code}-{programme.pk}",
        [
            "mentee_nip",
            "mentee_name",
            "mentee_unit",
            "mentor_nip",
            "mentor_name",
            "mentor_unit",
            "fit",
            "status",
            "reasons",
        ],
        (
            [
                p.mentee.nip,
                p.mentee.name,
                p.mentee.unit.name if p.mentee.unit else "",
                p.mentor.nip,
                p.mentor.name,
                p.mentor.unit.name if p.mentor.unit else "",
                round(p.fit, 3),
                p.get_status_display(),
                "; ".join(reason_lines(p)),
            ]
            for p in _pairs_of(programme, q, status).iterator(chunk_size=2000)
        ),
        fmt,
    )


@login_required
def programme_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    if not is_programme_admin(request.user, programme):
        # A participant: the programme's goal and rules, and their own pairs.
        pairs = list(
            pairings_visible_to(request.user)
            .filter(programme=programme)
            .exclude(status=PairingStatus.PROPOSED)
            .order_by("pk")
        )
        return render(
            request,
            "mentoring/programme_participant.html",
            {"programme": programme, "rules": rules_lines(programme), "pairs": pairs},
        )
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _pairs_download(programme, q, status, fmt)
    stats = programme_stats(programme)
    page = Paginator(_pairs_of(programme, q, status), PAIRS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"pair": p, "reasons": reason_lines(p)} for p in page.object_list]
    unmatched = unmatched_mentees(programme)
    return render(
        request,
        "mentoring/programme_detail.html",
        {
            "programme": programme,
            "rules": rules_lines(programme),
            "stats": stats,
            "stats_svg": _stats_svg(programme, stats),
            "page_obj": page,
            "rows": rows,
            "q": q,
            "status": status,
            "statuses": PairingStatus.choices,
            "unmatched": unmatched[:UNMATCHED_SHOWN],
            "unmatched_count": len(unmatched),
            "querystring_base": querystring_base(request),
        },
    )


@login_required
def participants_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mentees as NIP lines, mentors as "NIP;kapasitas" lines, with a search of the instansi's pegawai."""
    programme = _admin_programme(request, pk)
    current = list(programme.participants.select_related("employee__unit").order_by("role", "employee__name"))
    errors: forms.Errors = {}
    if request.method == "POST":
        mentees_text, mentors_text = request.POST.get("mentees", ""), request.POST.get("mentors", "")
        parsed = forms.parse_participants(mentees_text, mentors_text, programme.agency_id)
        errors = parsed.errors
        if not errors:
            try:
                result = participants_set(
                    actor=request.user, programme=programme, mentees=parsed.mentees, mentors=parsed.mentors
                )
            except OutOfScope as exc:
                raise Http404 from exc
            except RecordInvalid as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("Peserta disimpan: %(a)s ditambahkan, %(r)s dikeluarkan, %(u)s kapasitas diubah.")
                    % {"a": result.added, "r": result.removed, "u": result.updated},
                )
                return redirect("programme_detail", programme.pk)
    else:
        mentees_text = "\n".join(p.employee.nip for p in current if p.role == Role.MENTEE)
        mentors_text = "\n".join(f"{p.employee.nip};{p.capacity}" for p in current if p.role == Role.MENTOR)
    q = request.GET.get("q", "").strip()
    found: list[Employee] = []
    if q:
        found = list(employee_list(request.user, search=q, agency_id=programme.agency_id)[:30])
    return render(
        request,
        "mentoring/participants.html",
        {
            "programme": programme,
            "current": current,
            "mentees_text": mentees_text,
            "mentors_text": mentors_text,
            "errors": errors,
            "all_errors": [m for msgs in errors.values() for m in msgs],
            "q": q,
            "found": found,
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def matching_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _admin_programme(request, pk)
    try:
        job = matching_start(actor=request.user, programme=programme, lang=get_language() or "id")
    except OutOfScope as exc:
        raise Http404 from exc
    return redirect("job_detail", job.pk)


@login_required
def programme_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing does, and the confirmation button; POST: publish."""
    programme = _admin_programme(request, pk)
    if request.method != "POST":
        proposed = Pairing.objects.filter(programme=programme, status=PairingStatus.PROPOSED).count()
        return render(
            request,
            "mentoring/programme_publish.html",
            {"programme": programme, "proposed": proposed, "unmatched": len(unmatched_mentees(programme))},
        )
    try:
        active = programme_publish(actor=request.user, programme=programme)
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        _flash(request, exc)
    else:
        messages.success(
            request, _("Program diumumkan: %(n)s pasangan berjalan dan dapat mencatat sesi.") % {"n": active}
        )
    return redirect("programme_detail", programme.pk)


def _mentor_choices(programme: Programme) -> list[dict[str, Any]]:
    load = dict(
        Pairing.objects.filter(programme=programme)
        .exclude(status=PairingStatus.ENDED)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    return [
        {"employee": p.employee, "capacity": p.capacity, "load": load.get(p.employee_id, 0)}
        for p in programme.participants.filter(role=Role.MENTOR)
        .select_related("employee__unit")
        .order_by("employee__name")
    ]


@login_required
def pairing_edit_view(request: HttpRequest, pk: int, mentee_pk: int) -> HttpResponse:
    """Choose or change the mentor of one mentee (pairing_set checks the rules and the capacity)."""
    programme = _admin_programme(request, pk)
    mentee = (
        Employee.objects.filter(pk=mentee_pk, programme_roles__programme=programme, programme_roles__role=Role.MENTEE)
        .select_related("unit")
        .first()
    )
    if mentee is None:
        raise Http404
    current = (
        Pairing.objects.filter(programme=programme, mentee=mentee)
        .exclude(status=PairingStatus.ENDED)
        .select_related("mentor")
        .first()
    )
    errors: forms.Errors = {}
    if request.method == "POST":
        raw = request.POST.get("mentor", "")
        mentor = Employee.objects.filter(
            pk=plain_int(raw) or 0,
            programme_roles__programme=programme,
            programme_roles__role=Role.MENTOR,
        ).first()
        if mentor is None:
            errors = {"mentor": [_("Pilih salah satu mentor program ini.")]}
        else:
            try:
                pairing_set(actor=request.user, programme=programme, mentee=mentee, mentor=mentor)
            except OutOfScope as exc:
                raise Http404 from exc
            except RecordInvalid as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("%(mentee)s kini berpasangan dengan %(mentor)s.")
                    % {"mentee": mentee.name, "mentor": mentor.name},
                )
                return redirect("programme_detail", programme.pk)
    return render(
        request,
        "mentoring/pairing_edit.html",
        {
            "programme": programme,
            "mentee": mentee,
            "current": current,
            "mentors": _mentor_choices(programme),
            "all_errors": [m for msgs in errors.values() for m in msgs],
        },
        status=422 if errors else 200,
    )


@login_required
def pairing_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirm; POST: end the pair (a proposal without sessions is removed)."""
    pairing = pairing_get(request.user, pk)
    if pairing is None:
        raise Http404
    programme = pairing.programme
    if not is_programme_admin(request.user, programme):
        raise PermissionDenied
    if pairing.status == PairingStatus.ENDED:
        messages.error(request, _("Pasangan ini sudah berakhir."))
        return redirect("programme_detail", programme.pk)
    if request.method != "POST":
        return render(
            request,
            "mentoring/pairing_end.html",
            {"pairing": pairing, "programme": programme, "sessions": pairing.sessions.count()},
        )
    try:
        pairing_end(actor=request.user, pairing=pairing)
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("Pasangan %(mentee)s dan %(mentor)s diakhiri.")
            % {
                "mentee": pairing.mentee.name,
                "mentor": pairing.mentor.name,
            },
        )
    return redirect("programme_detail", programme.pk)


# --- the pair and its sessions -----------------------------------------------------------------------------------


def _side(request: HttpRequest, pairing: Pairing) -> str | None:
    me = roles_for(request.user).employee_id
    if me is not None and me == pairing.mentee_id:
        return Role.MENTEE
    if me is not None and me == pairing.mentor_id:
        return Role.MENTOR
    return None


def _pair_page(
    request: HttpRequest,
    pairing: Pairing,
    *,
    form: dict[str, Any] | None = None,
    errors: forms.Errors | None = None,
    session: Session | None = None,
) -> HttpResponse:
    side = _side(request, pairing)
    errors = errors or {}
    today = timezone.localdate()
    sessions = list(pairing.sessions.select_related("record").order_by("-date", "-pk"))
    can_log = (
        side is not None
        and pairing.status == PairingStatus.ACTIVE
        and pairing.programme.status == ProgrammeStatus.PUBLISHED
    )
    return render(
        request,
        "mentoring/pairing_detail.html",
        {
            "pairing": pairing,
            "programme": pairing.programme,
            "rules": rules_lines(pairing.programme),
            "side": side,
            "is_admin": is_programme_admin(request.user, pairing.programme),
            "sessions": sessions,
            "can_log": can_log,
            "is_coaching": pairing.programme.kind == ProgrammeKind.COACHING,
            "form": form or forms.session_initial(today),
            "today": today,
            "editing": session,
            "all_errors": [m for msgs in errors.values() for m in msgs],
            "errors": errors,
            "overdue": next((o for o in overdue_for(request.user) if o.pairing.pk == pairing.pk), None)
            if side is not None
            else None,
        },
        status=422 if errors else 200,
    )


def _save_session(request: HttpRequest, pairing: Pairing, session: Session | None) -> HttpResponse:
    form = forms.session_posted(request.POST)
    parsed: forms.Errors = {}
    data = forms.session_data(form, parsed)
    try:
        saved = session_save(actor=request.user, pairing=pairing, data=data, session=session)
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        return _pair_page(request, pairing, form=form, errors=forms.merge(exc.errors, parsed), session=session)
    if saved.status == SessionStatus.HELD:
        messages.success(request, _("Sesi dicatat; menunggu konfirmasi mentor."))
    else:
        messages.success(request, _("Sesi dijadwalkan."))
    return redirect("pairing_detail", pairing.pk)


@login_required
def pairing_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair's page: mentee and mentor log sessions here; the admin reads it."""
    pairing = pairing_get(request.user, pk)
    if pairing is None:
        raise Http404
    if pairing.status == PairingStatus.PROPOSED and not is_programme_admin(request.user, pairing.programme):
        raise Http404  # a proposal is the admin's draft until it is announced
    if request.method == "POST":
        if _side(request, pairing) is None:
            raise PermissionDenied
        return _save_session(request, pairing, None)
    return _pair_page(request, pairing)


def _session_or_404(request: HttpRequest, pk: int) -> Session:
    session = session_get(request.user, pk)
    if session is None:
        raise Http404
    return session


@login_required
def session_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One session in the pair's form: complete what happened, the reflection or the notes."""
    session = _session_or_404(request, pk)
    pairing = session.pairing
    if _side(request, pairing) is None:
        raise PermissionDenied
    if request.method == "POST":
        return _save_session(request, pairing, session)
    if session.status in (SessionStatus.CONFIRMED, SessionStatus.CANCELLED):
        messages.info(
            request,
            _("Sesi yang sudah dikonfirmasi tidak dapat diubah.")
            if session.status == SessionStatus.CONFIRMED
            else _("Sesi yang dibatalkan tidak dapat diubah."),
        )
        return redirect("pairing_detail", pairing.pk)
    form = {k: getattr(session, k) for k in forms.SESSION_FIELDS}
    form["date"] = session.date.isoformat()
    return _pair_page(request, pairing, form=form, session=session)


@login_required
@require_POST
def session_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if _side(request, session.pairing) != Role.MENTOR:
        raise PermissionDenied
    try:
        done = session_confirm(actor=request.user, session=session)
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        _flash(request, exc)
    else:
        if done.jp > 0:
            messages.success(
                request,
                _("Sesi dikonfirmasi: %(jp)s JP dicatat untuk %(name)s.")
                % {"jp": f"{done.jp.normalize():f}", "name": session.pairing.mentee.name},
            )
        else:
            messages.warning(
                request,
                _(
                    "Sesi dikonfirmasi, tetapi 0 JP: batas JP bulanan untuk bentuk ini sudah tercapai bulan itu, "
                    "sehingga sesi ini tidak menambah JP mentee."
                ),
            )
    return redirect("pairing_detail", session.pairing_id)


@login_required
@require_POST
def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if _side(request, session.pairing) is None:
        raise PermissionDenied
    try:
        session_cancel(actor=request.user, session=session)
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Sesi dibatalkan."))
    return redirect("pairing_detail", session.pairing_id)


@login_required
def my_pairs_view(request: HttpRequest) -> HttpResponse:
    me = roles_for(request.user).employee_id
    if me is None:
        raise PermissionDenied
    pairs = list(
        my_pairings(request.user)
        .annotate(
            held=Count("sessions", filter=Q(sessions__status__in=[SessionStatus.HELD, SessionStatus.CONFIRMED])),
            waiting=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)),
        )
        .order_by("-programme__start_date", "pk")
    )
    overdue = {o.pairing.pk: o for o in overdue_for(request.user)}
    rows = [
        {
            "pair": p,
            "role": Role.MENTEE if p.mentee_id == me else Role.MENTOR,
            "partner": p.mentor if p.mentee_id == me else p.mentee,
            "overdue": overdue.get(p.pk),
        }
        for p in pairs
    ]
    return render(
        request,
        "mentoring/my_pairs.html",
        {
            "as_mentee": [r for r in rows if r["role"] == Role.MENTEE],
            "as_mentor": [r for r in rows if r["role"] == Role.MENTOR],
            "overdue": list(overdue.values()),
        },
    )
