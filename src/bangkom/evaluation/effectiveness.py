"""Programme effectiveness of an instansi for a year: what each offering cost, delivered and closed.

Participants of an offering in year Y = pegawai with an EvaluationParticipant completed in Y, plus pegawai with a
done IDP item (plan item of an adopted run whose learning record is verified) whose record ends in Y; a pegawai
counts once per offering even when both apply. Cost and JP follow from the offering's cost_per_participant and jp.
Levels of gap closed = the sum of `closed` over the `closes` of those done IDP items: only the plan says which gap
an activity closed, so an offering taken outside a plan shows none (and no cost per level).
Level 4 reuses kirkpatrick.impact_of, which loads the whole instansi: it runs only for an offering with at least
`min_matched` evaluation participants (fewer could never give a finding), so a page costs little when few do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from bangkom.engine import impact
from bangkom.evaluation.kirkpatrick import Level4, impact_of
from bangkom.evaluation.models import EvaluationParticipant
from bangkom.learning.models import RecordStatus
from bangkom.org.models import Agency
from bangkom.planning.models import Offering, PlanItem

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    offering: Offering
    participants: int
    cost: int
    jp: Decimal
    cost_per_jp: Decimal | None
    levels_closed: float
    cost_per_level: Decimal | None
    level4: Level4 | None  # None: fewer evaluation participants than min_matched


@dataclass(frozen=True)
class Totals:
    participants: int
    cost: int
    jp: Decimal
    cost_per_jp: Decimal | None
    levels_closed: float
    cost_per_level: Decimal | None


def _ratio(cost: int, per: Decimal | float) -> Decimal | None:
    return (Decimal(cost) / Decimal(str(per))).quantize(CENT) if per else None


def effectiveness(agency: Agency, year: int, settings: impact.ImpactSettings | None = None) -> tuple[list[Row], Totals]:
    """Rows ordered by total cost (highest first), then title. Three queries plus level 4 where measurable."""
    s = settings or impact.ImpactSettings()
    people: dict[int, set[int]] = defaultdict(set)
    evaluated: dict[int, int] = defaultdict(int)
    for off, emp in EvaluationParticipant.objects.filter(
        offering__agency_id=agency.pk, completed_on__year=year
    ).values_list("offering_id", "employee_id"):
        people[off].add(emp)
    closed: dict[int, float] = defaultdict(float)
    for off, emp, closes in PlanItem.objects.filter(
        offering__agency_id=agency.pk,
        run__adopted_at__isnull=False,
        record__status=RecordStatus.VERIFIED,
        record__end_date__year=year,
    ).values_list("offering_id", "employee_id", "closes"):
        people[off].add(emp)
        closed[off] += sum(float(c.get("closed") or 0) for c in closes or [])
    offerings = Offering.objects.filter(pk__in=list(people)).order_by("title", "pk") if people else []
    if people:
        # all evaluation participants (any year): impact_of takes them all
        for off in EvaluationParticipant.objects.filter(offering_id__in=list(people)).values_list(
            "offering_id", flat=True
        ):
            evaluated[off] += 1
    rows = []
    for o in offerings:
        n = len(people[o.pk])
        cost = o.cost_per_participant * n
        jp = o.jp * n
        levels = closed[o.pk]
        l4 = impact_of(o, s) if evaluated[o.pk] >= s.min_matched else None
        rows.append(Row(o, n, cost, jp, _ratio(cost, jp), levels, _ratio(cost, levels), l4))
    rows.sort(key=lambda r: -r.cost)
    cost = sum(r.cost for r in rows)
    jp = sum((r.jp for r in rows), Decimal(0))
    levels = sum(r.levels_closed for r in rows)
    totals = Totals(sum(r.participants for r in rows), cost, jp, _ratio(cost, jp), levels, _ratio(cost, levels))
    return rows, totals


def years_of(agency: Agency) -> list[int]:
    """Years with evaluation participants or done IDP items of the instansi's offerings, latest first."""
    a = EvaluationParticipant.objects.filter(offering__agency_id=agency.pk).dates("completed_on", "year")
    b = PlanItem.objects.filter(
        offering__agency_id=agency.pk, run__adopted_at__isnull=False, record__status=RecordStatus.VERIFIED
    ).values_list("record__end_date__year", flat=True)
    return sorted({d.year for d in a} | {y for y in b if y is not None}, reverse=True)
