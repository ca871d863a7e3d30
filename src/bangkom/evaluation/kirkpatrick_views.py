"""Pages of the Kirkpatrick evaluation: the offering's report and participants (admin instansi/penyelenggara),
the participant's reaction survey, the atasan's behaviour rating and the list of ratings due.

Thin: rules and reads in evaluation.kirkpatrick. Outside the user's scope answers 404; the offering's page seen
by one of its participants (who may know it exists) answers 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangkom.evaluation import kirkpatrick as k
from bangkom.evaluation.models import BEHAVIOUR_STATEMENTS, REACTION_QUESTIONS
from bangkom.planning.models import Offering
from bangkom.web.charts import bars_svg

LIKERT_COLOURS = ("#b91c1c", "#f97316", "#eab308", "#65a30d", "#15803d")


def _flash(request: HttpRequest, exc: k.RecordInvalid) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _managed_offering(request: HttpRequest, pk: int) -> Offering:
    offering = k.offering_get(request.user, pk)
    if offering is None:
        if k.is_participant(request.user, pk):
            raise PermissionDenied
        raise Http404
    return offering


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _items(items: tuple[tuple[str, Any], ...], posted: Any) -> list[dict[str, Any]]:
    return [{"key": key, "text": text, "value": posted.get(key, "")} for key, text in items]


@login_required
def offering_evaluation_view(request: HttpRequest, offering_pk: int) -> HttpResponse:
    offering = _managed_offering(request, offering_pk)
    report = k.offering_report(offering)
    labels = [str(v) for v in range(1, 6)]
    reaction_svg = [
        bars_svg(
            labels,
            list(item.counts),
            LIKERT_COLOURS,
            title=item.text,
            desc=_("Sebaran jawaban 1 sampai 5"),
            chart_id=f"l1-{item.key}",
        )
        for item in report.reaction
    ]
    behaviour_svg = [
        bars_svg(
            labels,
            list(item.counts),
            LIKERT_COLOURS,
            title=item.text,
            desc=_("Sebaran penilaian 1 sampai 5"),
            chart_id=f"l3-{item.key}",
        )
        for item in report.behaviour
    ]
    return render(
        request,
        "evaluation/kirkpatrick_offering.html",
        {
            "offering": offering,
            "report": report,
            "reaction_rows": list(zip(report.reaction, reaction_svg, strict=True)),
            "behaviour_rows": list(zip(report.behaviour, behaviour_svg, strict=True)),
            "participants": list(k.participants_of(offering)),
            "l3_days": k.l3_days(offering),
        },
    )


@login_required
@require_POST
def participant_add_view(request: HttpRequest, offering_pk: int) -> HttpResponse:
    offering = _managed_offering(request, offering_pk)
    nip = request.POST.get("nip", "")
    employee = k.participant_by_nip(offering, nip)
    if employee is None:
        messages.error(request, _("Pegawai dengan NIP %(nip)s tidak ditemukan di instansi ini.") % {"nip": nip.strip()})
        return redirect("kirkpatrick_offering", offering.pk)
    try:
        k.participant_add(
            actor=request.user,
            offering=offering,
            employee=employee,
            completed_on=_date(request.POST.get("completed_on", "")),
        )
    except k.OutOfScope as exc:
        raise Http404 from exc
    except k.RecordInvalid as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Peserta ditambahkan: %(name)s.") % {"name": employee.name})
    return redirect("kirkpatrick_offering", offering.pk)


@login_required
@require_POST
def test_scores_view(request: HttpRequest, offering_pk: int, pk: int) -> HttpResponse:
    offering = _managed_offering(request, offering_pk)
    participant = k.participant_of_offering(offering, pk)
    if participant is None:
        raise Http404
    try:
        k.test_scores_set(
            actor=request.user,
            participant=participant,
            pre=request.POST.get("pre_score", ""),
            post=request.POST.get("post_score", ""),
        )
    except k.OutOfScope as exc:
        raise Http404 from exc
    except k.RecordInvalid as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Nilai pre-test dan post-test disimpan."))
    return redirect("kirkpatrick_offering", offering.pk)


@login_required
@require_POST
def participant_remove_view(request: HttpRequest, offering_pk: int, pk: int) -> HttpResponse:
    offering = _managed_offering(request, offering_pk)
    participant = k.participant_of_offering(offering, pk)
    if participant is None:
        raise Http404
    try:
        k.participant_remove(actor=request.user, participant=participant)
    except k.OutOfScope as exc:
        raise Http404 from exc
    except k.RecordInvalid as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Peserta dihapus."))
    return redirect("kirkpatrick_offering", offering.pk)


def _likert_form(
    request: HttpRequest,
    participant: Any,
    *,
    done: bool,
    submit: Callable[..., Any],
    items: Any,
    template: str,
    saved: str,
) -> HttpResponse:
    """One Likert form (level 1 or 3): on POST the service records the answers once, else the form again."""
    posted: Any = {}
    if request.method == "POST" and not done:
        posted = request.POST
        try:
            submit(
                actor=request.user,
                participant=participant,
                answers=request.POST,
                comment=request.POST.get("comment", ""),
            )
        except k.OutOfScope as exc:
            raise Http404 from exc
        except k.RecordInvalid as exc:
            _flash(request, exc)
        else:
            messages.success(request, saved)
            return redirect("kirkpatrick_tasks")
    return render(
        request,
        template,
        {
            "participant": participant,
            "done": done,
            "items": _items(items, posted),
            "comment": posted.get("comment", "") if posted else "",
            "scale": range(1, 6),
        },
    )


@login_required
def reaction_view(request: HttpRequest, pk: int) -> HttpResponse:
    participant = k.own_participation_get(request.user, pk)
    if participant is None:
        raise Http404
    return _likert_form(
        request,
        participant,
        done=hasattr(participant, "reaction"),
        submit=k.reaction_submit,
        items=REACTION_QUESTIONS,
        template="evaluation/kirkpatrick_reaction.html",
        saved=_("Terima kasih, jawaban survei reaksi Anda tersimpan."),
    )


@login_required
def behaviour_view(request: HttpRequest, pk: int) -> HttpResponse:
    participant = k.rated_participation_get(request.user, pk)
    if participant is None:
        raise Http404
    return _likert_form(
        request,
        participant,
        done=hasattr(participant, "behaviour"),
        submit=k.behaviour_rate,
        items=BEHAVIOUR_STATEMENTS,
        template="evaluation/kirkpatrick_behaviour.html",
        saved=_("Penilaian perilaku tersimpan."),
    )


@login_required
def tasks_view(request: HttpRequest) -> HttpResponse:
    """The user's evaluation work: their own reaction surveys, behaviour ratings due (atasan), and the offerings
    they evaluate (admin instansi, penyelenggara)."""
    return render(
        request,
        "evaluation/kirkpatrick_tasks.html",
        {
            "reactions": list(k.reactions_open_for(request.user)),
            "due": k.behaviour_due_for(request.user),
            "offerings": list(k.offerings_managed(request.user)),
        },
    )
