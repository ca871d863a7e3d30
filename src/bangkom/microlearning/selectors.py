"""Reads of micro-learning, always scoped to the requesting user.

- an admin instansi reads and authors the modules of their instansi;
- a pegawai reads the published modules of their own instansi and their own attempts;
- the direct atasan reads the submitted attempts of their direct subordinates (to confirm or return them).
Anything else is None or empty: callers answer 404, with no hint that the id exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from bangkom.accounts.roles import roles_for
from bangkom.learning.ledger import jp_summary
from bangkom.learning.models import LearningRecord
from bangkom.microlearning.models import Attempt, AttemptStatus, Module, ModulePage, ModuleStatus, Question
from bangkom.org.models import Employee

RECENT_RECORDS = 20


def admin_modules(user: Any, *, search: str = "") -> QuerySet[Module]:
    qs = Module.objects.filter(agency_id__in=roles_for(user).admin_agency_ids).select_related("agency", "competency")
    term = search.strip()
    if term:
        qs = qs.filter(Q(title__icontains=term) | Q(summary__icontains=term))
    return qs.order_by("-updated_at", "-pk")


def admin_module_get(user: Any, pk: int) -> Module | None:
    return admin_modules(user).filter(pk=pk).first()


def page_image_get(user: Any, pk: int) -> ModulePage | None:
    """A page whose image the user may see: a published module of their own instansi, or one they author."""
    roles = roles_for(user)
    q = Q(module__agency_id__in=roles.admin_agency_ids)
    if roles.employee_agency_id is not None:
        q |= Q(module__agency_id=roles.employee_agency_id, module__status=ModuleStatus.PUBLISHED)
    return ModulePage.objects.filter(q, pk=pk).exclude(image="").first()


def _content_prefetch() -> list[Prefetch[Any]]:
    return [
        Prefetch("pages", queryset=ModulePage.objects.order_by("order", "pk")),
        Prefetch("questions", queryset=Question.objects.order_by("order", "pk")),
    ]


def me_of(user: Any) -> Employee | None:
    roles = roles_for(user)
    if roles.employee_id is None:
        return None
    return Employee.objects.select_related("agency", "unit", "position").filter(pk=roles.employee_id).first()


def modules_for_pegawai(employee: Employee, *, ids: set[int] | None = None) -> list[Module]:
    """The published modules of the pegawai's instansi, with content; each has .my_attempt (or None)."""
    qs = Module.objects.filter(agency_id=employee.agency_id, status=ModuleStatus.PUBLISHED)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    mods = list(qs.prefetch_related(*_content_prefetch()).order_by("title", "pk"))
    mine = {a.module_id: a for a in Attempt.objects.filter(employee=employee, module__in=[m.pk for m in mods])}
    for m in mods:
        m.my_attempt = mine.get(m.pk)  # type: ignore[attr-defined]
    return mods


def score(attempt: Attempt, questions: list[Question]) -> tuple[int, int]:
    """(correct answers, questions) of the module's current questions."""
    right = sum(1 for q in questions if (attempt.answers.get(str(q.pk)) or {}).get("choice") == q.correct)
    return right, len(questions)


def confirmer_scope(user: Any) -> Q | None:
    """The attempts (as a condition on Attempt) whose reflection the user decides, whatever their status: those
    of their direct subordinates and, as admin instansi, those of the instansi's pegawai who have no direct atasan
    (a head of the instansi, a pegawai not yet placed); never the user's own. None: none at all. The one place
    for who confirms a module (services.attempt_confirm/attempt_return check it, the pages list by it)."""
    roles = roles_for(user)
    me = roles.employee_id
    scope = Q()
    if me is not None:
        scope |= Q(employee__supervisor_id=me)
    if roles.admin_agency_ids:
        scope |= Q(employee__supervisor__isnull=True, employee__agency_id__in=roles.admin_agency_ids)
    if not scope:
        return None
    return scope & ~Q(employee_id=me) if me is not None else scope


def attempts_to_confirm(user: Any, *, search: str = "", include_done: bool = False) -> QuerySet[Attempt]:
    """Submitted attempts the user decides (confirmer_scope), with the decided ones when asked."""
    scope = confirmer_scope(user)
    if scope is None:
        return Attempt.objects.none()
    statuses = [AttemptStatus.SUBMITTED]
    if include_done:
        statuses += [AttemptStatus.CONFIRMED, AttemptStatus.RETURNED]
    qs = Attempt.objects.filter(scope, status__in=statuses).select_related("module", "employee", "employee__position")
    term = search.strip()
    if term:
        qs = qs.filter(
            Q(employee__name__icontains=term) | Q(employee__nip__startswith=term) | Q(module__title__icontains=term)
        )
    return qs.order_by("status", "-submitted_at", "pk")


def attempt_for_atasan(user: Any, pk: int) -> Attempt | None:
    return (
        attempts_to_confirm(user, include_done=True)
        .prefetch_related(Prefetch("module__questions", queryset=Question.objects.order_by("order", "pk")))
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class JpFigures:
    year: int
    total: float
    minimum: float
    records: list[LearningRecord]


def jp_figures(employee: Employee, today: dt.date | None = None) -> JpFigures:
    """The pegawai's JP this year as the home page shows it, and their latest records."""
    today = today or timezone.localdate()
    summary = jp_summary(employee, today)
    records = list(
        LearningRecord.objects.filter(employee=employee)
        .order_by("-end_date", "-pk")
        .only("title", "jp", "status", "end_date")[:RECENT_RECORDS]
    )
    return JpFigures(summary.year, summary.total / 100, summary.minimum / 100, records)
