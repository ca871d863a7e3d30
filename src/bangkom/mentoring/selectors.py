"""Reads of programmes, pairs and sessions, scoped to the requesting user.

- admin instansi: every programme of their instansi, with its pairs and sessions;
- a participant: the programmes they take part in; of the pairs, only their own (as mentee or mentor), and
  only their own pairs' sessions;
- anyone else (an atasan included): nothing; a session is between the two people of the pair.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from bangkom.accounts.roles import roles_for
from bangkom.mentoring.models import Pairing, PairingStatus, Programme, ProgrammeStatus, Session, SessionStatus


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    roles = roles_for(user)
    q = Q(agency_id__in=roles.admin_agency_ids)
    if roles.employee_id is not None:
        q |= Q(participants__employee_id=roles.employee_id)
    return Programme.objects.filter(q).distinct().select_related("agency", "unit", "form")


def programme_get(user: Any, pk: int) -> Programme | None:
    return programmes_visible_to(user).filter(pk=pk).first()


def is_programme_admin(user: Any, programme: Programme) -> bool:
    return programme.agency_id in roles_for(user).admin_agency_ids


def pairings_visible_to(user: Any) -> QuerySet[Pairing]:
    roles = roles_for(user)
    q = Q(programme__agency_id__in=roles.admin_agency_ids)
    if roles.employee_id is not None:
        q |= Q(mentee_id=roles.employee_id) | Q(mentor_id=roles.employee_id)
    return Pairing.objects.filter(q).select_related("programme__form", "mentee__unit", "mentor__unit")


def pairing_get(user: Any, pk: int) -> Pairing | None:
    return pairings_visible_to(user).filter(pk=pk).first()


def sessions_visible_to(user: Any) -> QuerySet[Session]:
    return Session.objects.filter(pairing__in=pairings_visible_to(user).values("pk")).select_related(
        "pairing__programme", "pairing__mentee", "pairing__mentor", "record"
    )


def session_get(user: Any, pk: int) -> Session | None:
    return sessions_visible_to(user).filter(pk=pk).first()


def my_pairings(user: Any) -> QuerySet[Pairing]:
    """The user's own pairs (as mentee or mentor) in published programmes."""
    me = roles_for(user).employee_id
    if me is None:
        return Pairing.objects.none()
    return (
        Pairing.objects.filter(Q(mentee_id=me) | Q(mentor_id=me), programme__status=ProgrammeStatus.PUBLISHED)
        .exclude(status=PairingStatus.PROPOSED)
        .select_related("programme", "mentee", "mentor")
    )


@dataclass(frozen=True)
class ProgrammeStats:
    pairs: int
    pairs_proposed: int
    mentees: int
    mentors: int
    sessions_held: int
    sessions_confirmed: int
    jp_credited: Decimal
    pairs_met_this_month: int


def programme_stats(programme: Programme, today: dt.date | None = None) -> ProgrammeStats:
    today = today or timezone.localdate()
    pairs = programme.pairings.exclude(status=PairingStatus.ENDED)
    sessions = Session.objects.filter(pairing__programme=programme)
    agg = sessions.aggregate(
        held=Count("pk", filter=Q(status__in=[SessionStatus.HELD, SessionStatus.CONFIRMED])),
        confirmed=Count("pk", filter=Q(status=SessionStatus.CONFIRMED)),
        jp=Sum("jp", filter=Q(status=SessionStatus.CONFIRMED)),
    )
    counts = programme.participants.aggregate(
        mentees=Count("pk", filter=Q(role="mentee")), mentors=Count("pk", filter=Q(role="mentor"))
    )
    met = (
        sessions.filter(
            status__in=[SessionStatus.HELD, SessionStatus.CONFIRMED], date__year=today.year, date__month=today.month
        )
        .values("pairing_id")
        .distinct()
        .count()
    )
    return ProgrammeStats(
        pairs=pairs.exclude(status=PairingStatus.PROPOSED).count(),
        pairs_proposed=pairs.filter(status=PairingStatus.PROPOSED).count(),
        mentees=counts["mentees"],
        mentors=counts["mentors"],
        sessions_held=agg["held"],
        sessions_confirmed=agg["confirmed"],
        jp_credited=agg["jp"] or Decimal(0),
        pairs_met_this_month=met,
    )


@dataclass(frozen=True)
class Overdue:
    pairing: Pairing
    last: dt.date | None
    due: dt.date
    role: str  # "mentee" | "mentor"


def overdue_for(user: Any, today: dt.date | None = None) -> list[Overdue]:
    """The user's active pairs whose next session is overdue: no session held within the programme's rhythm
    (30 / sessions per month days, plus 7 days' grace) since the last one or since the programme began."""
    today = today or timezone.localdate()
    me = roles_for(user).employee_id
    if me is None:
        return []
    pairs = (
        my_pairings(user)
        .filter(status=PairingStatus.ACTIVE, programme__start_date__lte=today, programme__end_date__gte=today)
        .annotate(
            last=Max(
                "sessions__date",
                filter=Q(sessions__status__in=[SessionStatus.HELD, SessionStatus.CONFIRMED]),
            )
        )
    )
    out = []
    for p in pairs:
        every = dt.timedelta(days=30 // max(p.programme.sessions_per_month, 1) + 7)
        since = p.last or max(p.programme.start_date, (p.programme.published_at or timezone.now()).date())
        if today - since > every:
            out.append(Overdue(p, p.last, since + every, "mentee" if p.mentee_id == me else "mentor"))
    return out
