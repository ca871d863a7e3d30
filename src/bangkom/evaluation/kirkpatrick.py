"""Kirkpatrick evaluation of an offering (issue 7): writes with their rules, and reads scoped to the user.

Who may do what:
- the admin instansi or the penyelenggara of the offering's instansi: add participants (pegawai of that
  instansi) and enter their pre/post test scores (level 2); see the offering's report (all four levels);
- a participant: answer the reaction survey (level 1) of their own participation, once;
- an atasan anywhere up the participant's supervisor chain: rate behaviour at work (level 3), once, from the
  completion date on. The rating is due `kirkpatrick_l3_days` days (instansi setting, default 90) after
  completion and overdue `OVERDUE_GRACE_DAYS` later; the atasan sees the list.
Level 4 is computed, never entered: engine.impact.estimate_impact on SKP predicate scores, participants against
the other pegawai of the same instansi (see `impact_of`). National offerings (no instansi) have no manager here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangkom.accounts.roles import roles_for
from bangkom.audit.services import record as audit
from bangkom.competency.loading import MappingData, load_mapping
from bangkom.engine import impact
from bangkom.engine.gaps import line_gaps
from bangkom.engine.talent import RATINGS
from bangkom.evaluation.models import (
    BEHAVIOUR_STATEMENTS,
    LIKERT_MAX,
    LIKERT_MIN,
    REACTION_QUESTIONS,
    SCORE_MAX,
    SCORE_MIN,
    BehaviourRating,
    EvaluationParticipant,
    PerformanceRating,
    ReactionResponse,
)
from bangkom.learning.services import OutOfScope, RecordInvalid
from bangkom.org.models import Employee
from bangkom.org.selectors import subordinate_ids_sql
from bangkom.planning.models import Offering

__all__ = ["OutOfScope", "RecordInvalid"]

L3_DAYS_DEFAULT = 90
OVERDUE_GRACE_DAYS = 30
COMMENT_MAX = 2000

VERDICT_TEXT: dict[str, Any] = {
    "too_few": gettext_lazy("Data belum cukup untuk menyimpulkan"),
    "improved": gettext_lazy("Kinerja peserta meningkat dibanding pegawai serupa yang tidak ikut"),
    "worsened": gettext_lazy("Kinerja peserta menurun dibanding pegawai serupa yang tidak ikut"),
    "no_clear_effect": gettext_lazy("Belum terlihat pengaruh yang jelas pada kinerja"),
}


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def manager_agency_ids(user: Any) -> frozenset[int]:
    roles = roles_for(user)
    return roles.admin_agency_ids | roles.penyelenggara_agency_ids


def can_manage(user: Any, offering: Offering) -> bool:
    return offering.agency_id is not None and offering.agency_id in manager_agency_ids(user)


def l3_days(offering: Offering) -> int:
    agency = offering.agency
    value = agency.settings.get("kirkpatrick_l3_days", L3_DAYS_DEFAULT) if agency is not None else L3_DAYS_DEFAULT
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return L3_DAYS_DEFAULT


# --- selectors ---------------------------------------------------------------------------------------------


def offering_get(user: Any, pk: int) -> Offering | None:
    """The offering for its manager; None for anyone else (including participants: see `is_participant`)."""
    return Offering.objects.filter(pk=pk, agency_id__in=manager_agency_ids(user)).select_related("agency").first()


def offerings_managed(user: Any) -> QuerySet[Offering]:
    """Offerings of the user's instansi (as admin or penyelenggara) that have evaluation participants."""
    return (
        Offering.objects.filter(agency_id__in=manager_agency_ids(user), evaluation_participants__isnull=False)
        .annotate(n_participants=Count("evaluation_participants"))
        .order_by("-n_participants", "title")
    )


def is_participant(user: Any, offering_pk: int) -> bool:
    me = roles_for(user).employee_id
    return me is not None and EvaluationParticipant.objects.filter(offering_id=offering_pk, employee_id=me).exists()


def participants_of(offering: Offering) -> QuerySet[EvaluationParticipant]:
    return (
        EvaluationParticipant.objects.filter(offering=offering)
        .select_related("employee__unit", "reaction", "behaviour")
        .order_by("employee__name", "pk")
    )


def own_participation_get(user: Any, pk: int) -> EvaluationParticipant | None:
    me = roles_for(user).employee_id
    if me is None:
        return None
    return EvaluationParticipant.objects.filter(pk=pk, employee_id=me).select_related("offering", "reaction").first()


def rated_participation_get(user: Any, pk: int) -> EvaluationParticipant | None:
    """A participation the user may rate at level 3: the participant is in the user's supervisor chain."""
    roles = roles_for(user)
    if roles.employee_id is None or not roles.is_atasan:
        return None
    return (
        EvaluationParticipant.objects.filter(pk=pk, employee_id__in=subordinate_ids_sql(roles.employee_id))
        .exclude(employee_id=roles.employee_id)
        .select_related("offering__agency", "employee", "behaviour")
        .first()
    )


@dataclass(frozen=True)
class BehaviourDue:
    participant: EvaluationParticipant
    due: dt.date
    status: str  # "upcoming" | "due" | "overdue"


def behaviour_due_for(user: Any, today: dt.date | None = None) -> list[BehaviourDue]:
    """Level 3 ratings still open in the user's chain (completed, not yet rated), soonest due first."""
    today = today or timezone.localdate()
    roles = roles_for(user)
    if roles.employee_id is None or not roles.is_atasan:
        return []
    rows = (
        EvaluationParticipant.objects.filter(
            employee_id__in=subordinate_ids_sql(roles.employee_id), completed_on__lte=today, behaviour__isnull=True
        )
        .exclude(employee_id=roles.employee_id)
        .select_related("offering__agency", "employee")
    )
    out = []
    for p in rows:
        due = p.completed_on + dt.timedelta(days=l3_days(p.offering))
        if today < due:
            status = "upcoming"
        elif today <= due + dt.timedelta(days=OVERDUE_GRACE_DAYS):
            status = "due"
        else:
            status = "overdue"
        out.append(BehaviourDue(p, due, status))
    out.sort(key=lambda d: (d.due, d.participant.pk))
    return out


def reactions_open_for(user: Any) -> QuerySet[EvaluationParticipant]:
    me = roles_for(user).employee_id
    if me is None:
        return EvaluationParticipant.objects.none()
    return EvaluationParticipant.objects.filter(employee_id=me, reaction__isnull=True).select_related("offering")


# --- services ----------------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _likert(
    errors: dict[str, list[str]], answers: Mapping[str, Any], items: tuple[tuple[str, Any], ...]
) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, text in items:
        value = _int(answers.get(key, ""))
        if value is None or not LIKERT_MIN <= value <= LIKERT_MAX:
            _add(errors, key, _("Pilih nilai 1 sampai 5 untuk: %(q)s") % {"q": text})
        else:
            out[key] = value
    return out


def _comment(errors: dict[str, list[str]], comment: str) -> str:
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        _add(errors, "comment", _("Komentar terlalu panjang (paling banyak %(n)s karakter).") % {"n": COMMENT_MAX})
    return text


@transaction.atomic
def participant_add(
    *, actor: Any, offering: Offering, employee: Employee, completed_on: dt.date | None
) -> EvaluationParticipant:
    if not can_manage(actor, offering):
        raise OutOfScope
    errors: dict[str, list[str]] = {}
    if employee.agency_id != offering.agency_id:
        _add(errors, "employee", _("Pegawai harus berasal dari instansi pemilik penawaran."))
    if completed_on is None:
        _add(errors, "completed_on", _("Tanggal selesai wajib diisi."))
    elif completed_on > timezone.localdate():
        _add(errors, "completed_on", _("Tanggal selesai tidak boleh di masa depan."))
    elif offering.start_date is not None and completed_on < offering.start_date:
        _add(errors, "completed_on", _("Tanggal selesai tidak boleh sebelum kegiatan dimulai."))
    if not errors and EvaluationParticipant.objects.filter(offering=offering, employee=employee).exists():
        _add(errors, "employee", _("Pegawai ini sudah terdaftar sebagai peserta."))
    if errors:
        raise RecordInvalid(errors)
    assert completed_on is not None  # checked above; for mypy
    participant = EvaluationParticipant.objects.create(offering=offering, employee=employee, completed_on=completed_on)
    audit(
        actor=actor,
        action="create",
        entity="evaluation_participant",
        object_id=participant.pk,
        agency_id=offering.agency_id,
        after={"offering": offering.pk, "employee": employee.pk, "completed_on": completed_on.isoformat()},
    )
    return participant


@transaction.atomic
def participant_remove(*, actor: Any, participant: EvaluationParticipant) -> None:
    """Undo a wrong entry; a participant who already has an answer or a rating stays (their data is evidence)."""
    if not can_manage(actor, participant.offering):
        raise OutOfScope
    if (
        ReactionResponse.objects.filter(participant=participant).exists()
        or BehaviourRating.objects.filter(participant=participant).exists()
    ):
        raise RecordInvalid(
            {"__all__": [_("Peserta yang sudah mengisi survei atau sudah dinilai atasan tidak dapat dihapus.")]}
        )
    before = {
        "offering": participant.offering_id,
        "employee": participant.employee_id,
        "completed_on": participant.completed_on.isoformat(),
        "pre_score": participant.pre_score,
        "post_score": participant.post_score,
    }
    pk = participant.pk
    participant.delete()
    audit(
        actor=actor,
        action="delete",
        entity="evaluation_participant",
        object_id=pk,
        agency_id=participant.offering.agency_id,
        before=before,
    )


@transaction.atomic
def test_scores_set(*, actor: Any, participant: EvaluationParticipant, pre: Any, post: Any) -> EvaluationParticipant:
    """Level 2; an empty value clears the score (not taken)."""
    if not can_manage(actor, participant.offering):
        raise OutOfScope
    errors: dict[str, list[str]] = {}
    values: dict[str, int | None] = {}
    for key, raw, label in (("pre_score", pre, _("Nilai pre-test")), ("post_score", post, _("Nilai post-test"))):
        if raw is None or str(raw).strip() == "":
            values[key] = None
            continue
        value = _int(raw)
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            _add(errors, key, _("%(f)s harus bilangan bulat 0 sampai 100.") % {"f": label})
        else:
            values[key] = value
    if errors:
        raise RecordInvalid(errors)
    before = {"pre_score": participant.pre_score, "post_score": participant.post_score}
    participant.pre_score, participant.post_score = values["pre_score"], values["post_score"]
    participant.save(update_fields=["pre_score", "post_score"])
    audit(
        actor=actor,
        action="update",
        entity="evaluation_participant",
        object_id=participant.pk,
        agency_id=participant.offering.agency_id,
        before=before,
        after=values,
    )
    return participant


def reaction_submit(
    *, actor: Any, participant: EvaluationParticipant, answers: Mapping[str, Any], comment: str = ""
) -> ReactionResponse:
    if participant.employee_id != roles_for(actor).employee_id:
        raise OutOfScope
    errors: dict[str, list[str]] = {}
    values = _likert(errors, answers, REACTION_QUESTIONS)
    text = _comment(errors, comment)
    if ReactionResponse.objects.filter(participant=participant).exists():
        _add(errors, "__all__", _("Survei reaksi untuk kegiatan ini sudah Anda isi."))
    if errors:
        raise RecordInvalid(errors)
    try:
        with transaction.atomic():
            response = ReactionResponse.objects.create(participant=participant, comment=text, **values)
    except IntegrityError as exc:  # a second answer sent at the same moment
        raise RecordInvalid({"__all__": [_("Survei reaksi untuk kegiatan ini sudah Anda isi.")]}) from exc
    return response


def behaviour_rate(
    *,
    actor: Any,
    participant: EvaluationParticipant,
    answers: Mapping[str, Any],
    comment: str = "",
    today: dt.date | None = None,
) -> BehaviourRating:
    roles = roles_for(actor)
    me = roles.employee_id
    if (
        me is None
        or me == participant.employee_id
        or not Employee.objects.filter(pk=participant.employee_id, pk__in=subordinate_ids_sql(me)).exists()
    ):
        raise OutOfScope
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    values = _likert(errors, answers, BEHAVIOUR_STATEMENTS)
    text = _comment(errors, comment)
    if participant.completed_on > today:
        _add(errors, "__all__", _("Perilaku baru dapat dinilai setelah kegiatan selesai."))
    if BehaviourRating.objects.filter(participant=participant).exists():
        _add(errors, "__all__", _("Perilaku peserta ini sudah dinilai."))
    if errors:
        raise RecordInvalid(errors)
    try:
        with transaction.atomic():
            rating = BehaviourRating.objects.create(participant=participant, rater_id=me, comment=text, **values)
            audit(
                actor=actor,
                action="create",
                entity="behaviour_rating",
                object_id=rating.pk,
                agency_id=participant.offering.agency_id,
                after={"participant": participant.pk, **values},
            )
    except IntegrityError as exc:
        raise RecordInvalid({"__all__": [_("Perilaku peserta ini sudah dinilai.")]}) from exc
    return rating


# --- the report --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LikertItem:
    key: str
    text: str
    n: int
    mean: float | None
    counts: tuple[int, ...]  # answers 1..5


@dataclass(frozen=True)
class TestSummary:
    n_pre: int
    n_post: int
    n_paired: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None  # over participants with both scores


@dataclass(frozen=True)
class Level4:
    result: impact.ImpactResult
    year: int | None
    verdict_text: str
    shown: bool  # the figures are a finding (not "too_few")


@dataclass(frozen=True)
class Report:
    participants: int
    reaction: list[LikertItem]
    reaction_n: int
    reaction_mean: float | None
    tests: TestSummary
    behaviour: list[LikertItem]
    behaviour_n: int
    behaviour_mean: float | None
    impact: Level4


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _likert_items(rows: list[dict[str, int]], items: tuple[tuple[str, Any], ...]) -> list[LikertItem]:
    out = []
    for key, text in items:
        values = [r[key] for r in rows]
        c = Counter(values)
        out.append(LikertItem(key, str(text), len(values), _mean(values), tuple(c[v] for v in range(1, 6))))
    return out


def offering_report(offering: Offering, settings: impact.ImpactSettings | None = None) -> Report:
    """All four levels in a fixed number of queries (participants, answers, ratings; level 4 in three)."""
    parts = list(EvaluationParticipant.objects.filter(offering=offering).values("pk", "pre_score", "post_score"))
    keys_r = [k for k, _t in REACTION_QUESTIONS]
    keys_b = [k for k, _t in BEHAVIOUR_STATEMENTS]
    reactions = list(ReactionResponse.objects.filter(participant__offering=offering).values(*keys_r))
    behaviours = list(BehaviourRating.objects.filter(participant__offering=offering).values(*keys_b))
    pre = [p["pre_score"] for p in parts if p["pre_score"] is not None]
    post = [p["post_score"] for p in parts if p["post_score"] is not None]
    pairs = [(p["pre_score"], p["post_score"]) for p in parts]
    gains = [b - a for a, b in pairs if a is not None and b is not None]
    r_all = [r[k] for r in reactions for k in keys_r]
    b_all = [b[k] for b in behaviours for k in keys_b]
    return Report(
        participants=len(parts),
        reaction=_likert_items(reactions, REACTION_QUESTIONS),
        reaction_n=len(reactions),
        reaction_mean=_mean(r_all),
        tests=TestSummary(len(pre), len(post), len(gains), _mean(pre), _mean(post), _mean(gains)),
        behaviour=_likert_items(behaviours, BEHAVIOUR_STATEMENTS),
        behaviour_n=len(behaviours),
        behaviour_mean=_mean(b_all),
        impact=impact_of(offering, settings),
    )


def impact_of(offering: Offering, settings: impact.ImpactSettings | None = None) -> Level4:
    """Level 4: matched difference in differences of the SKP predicate score, participants vs the rest.

    Reference year Y = the most common completion year of the participants (the latest on a tie); before = the
    rating of Y-1, after = the rating of Y, for everyone, so participants and comparison pegawai are measured
    over the same two years. Matching: exact on jabatan kind, soft on unit, nearest on the before score and the
    total SKJ gap. The gap is today's (latest assessments), not the one before the activity: a participant
    whose gap closed looks less needy than they were, which the caveat on the page covers only loosely.
    Loads in bulk (participants, competency.loading's pegawai/SKJ/assessments, the two years' ratings).
    """
    years = list(
        EvaluationParticipant.objects.filter(offering=offering).values_list("employee_id", "completed_on__year")
    )
    if not years or offering.agency_id is None:
        return _nothing_to_estimate(len(years), None)
    count = Counter(y for _e, y in years)
    year = max(count, key=lambda y: (count[y], y))
    treated_ids = {e for e, _y in years}
    mapping = load_mapping(agency_ids=[offering.agency_id])
    order = np.argsort(mapping.employee_ids, kind="stable")  # by pk: the result must not depend on NIP order
    ids = mapping.employee_ids[order]
    n = int(ids.size)
    index = {int(pk): i for i, pk in enumerate(ids.tolist())}
    kind = mapping.position_kind[order].astype(np.int64)
    unit = mapping.unit_ids[order].astype(np.int64)
    treated = np.isin(ids, np.fromiter(treated_ids, dtype=np.int64, count=len(treated_ids)))
    gap = _total_gaps(mapping)[order]
    hasil = np.full((2, n), -1, dtype=np.int64)
    perilaku = np.full((2, n), -1, dtype=np.int64)
    ratings = PerformanceRating.objects.filter(
        employee__agency_id=offering.agency_id, year__in=[year - 1, year]
    ).values_list("employee_id", "year", "hasil_kerja", "perilaku_kerja")
    for emp, y, h, p in ratings:
        i = index.get(emp)
        if i is not None:
            row = y - (year - 1)
            hasil[row, i], perilaku[row, i] = RATINGS.index(h), RATINGS.index(p)
    scores = []
    for row in (0, 1):
        rated = hasil[row] >= 0
        s = np.full(n, np.nan)
        if rated.any():
            s[rated] = impact.skp_scores(hasil[row][rated], perilaku[row][rated])
        scores.append(s)
    if not (np.isfinite(scores[0]) & np.isfinite(scores[1])).any():
        # engine.impact.match fails on data with no usable row at all; nothing to estimate anyway.
        return _nothing_to_estimate(int(treated.sum()), year)
    data = impact.ImpactData(treated, scores[0], scores[1], kind, unit, gap)
    result = impact.estimate_impact(data, settings)
    return Level4(result, year, str(VERDICT_TEXT[result.verdict]), result.verdict != "too_few")


def _total_gaps(mapping: MappingData) -> np.ndarray:
    """Total SKJ gap per pegawai (float64, mapping order): the sum of max(0, required - current) over the SKJ
    lines, an unassessed line counting as one level (as the mentoring proposal ranks gaps); no SKJ gives 0."""
    g = line_gaps(mapping.line_required, mapping.line_assessed).astype(np.int64)
    g[g < 0] = 1
    return np.bincount(mapping.line_employee, weights=g, minlength=mapping.n_employees).astype(np.float64)


def _nothing_to_estimate(n_treated: int, year: int | None) -> Level4:
    nan = float("nan")
    none = np.zeros(0, dtype=np.int64)
    result = impact.ImpactResult(
        estimate=nan,
        ci_low=nan,
        ci_high=nan,
        std_error=nan,
        n_treated=n_treated,
        n_matched=0,
        n_dropped=0,
        n_incomplete=n_treated,
        n_controls_used=0,
        naive=nan,
        verdict="too_few",
        method="analytical",
        matches=impact.Matches(none, np.zeros(1, dtype=np.int64), none, np.zeros(0), none),
    )
    return Level4(result, year, str(VERDICT_TEXT["too_few"]), False)


def participant_by_nip(offering: Offering, nip: str) -> Employee | None:
    if offering.agency_id is None:
        return None
    return Employee.objects.filter(agency_id=offering.agency_id, nip=nip.strip()).first()


def participant_of_offering(offering: Offering, pk: int) -> EvaluationParticipant | None:
    return EvaluationParticipant.objects.filter(Q(pk=pk), offering=offering).select_related("offering").first()
