"""Reads of learning records and JP rules, always scoped to the requesting user (org.selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from bangkom.accounts.roles import roles_for
from bangkom.engine.hours import FormRule
from bangkom.learning.models import AgencyJpRule, DevelopmentForm, JpRuleFields, LearningRecord, RecordStatus
from bangkom.org.models import Agency, Employee
from bangkom.org.selectors import employee_scope_q, is_atasan_of, subordinate_ids_sql


def _h(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def form_rule_of(fields: JpRuleFields) -> FormRule:
    return FormRule(
        unit=fields.jp_unit,
        jp_per_unit=_h(fields.jp_per_unit),
        max_units_per_month=fields.max_units_per_month,
        max_jp_per_day=_h(fields.max_jp_per_day),
    )


@dataclass(frozen=True)
class RuleRow:
    form: DevelopmentForm
    rule: JpRuleFields  # the instansi's own row, or the form itself (national default)
    is_default: bool


def jp_rule_table(agency: Agency | None) -> list[RuleRow]:
    """The 25 forms with the rule that applies in the instansi (its own where set, else DOMAIN.md's)."""
    own = {r.form_id: r for r in AgencyJpRule.objects.filter(agency=agency)} if agency else {}
    return [
        RuleRow(form=f, rule=own.get(f.pk, f), is_default=f.pk not in own) for f in DevelopmentForm.objects.all()
    ]


def form_rule_for(form: DevelopmentForm, agency_id: int | None) -> FormRule:
    own = AgencyJpRule.objects.filter(agency_id=agency_id, form=form).first() if agency_id else None
    return form_rule_of(own or form)


def can_verify(user: Any, employee: Employee) -> bool:
    """Admin instansi of the pegawai's instansi, or an atasan up the pegawai's chain; never the pegawai."""
    roles = roles_for(user)
    if roles.employee_id == employee.pk:
        return False
    return employee.agency_id in roles.admin_agency_ids or is_atasan_of(user, employee)


def records_visible_to(user: Any) -> QuerySet[LearningRecord]:
    return LearningRecord.objects.filter(employee__in=Employee.objects.filter(employee_scope_q(user)))


def record_get(user: Any, pk: int) -> LearningRecord | None:
    """One record if the user may see its pegawai, else None (callers answer 404)."""
    return records_visible_to(user).select_related("employee", "form").filter(pk=pk).first()


def employee_records(user: Any, employee: Employee, *, year: int | None = None) -> QuerySet[LearningRecord]:
    qs = records_visible_to(user).filter(employee=employee).select_related("form")
    if year is not None:
        qs = qs.filter(end_date__year=year)
    return qs.order_by("-end_date", "-pk")


def verification_queue(user: Any, *, search: str = "") -> QuerySet[LearningRecord]:
    """Submitted records the user may verify: their chain as atasan, their instansi as admin; never their own."""
    roles = roles_for(user)
    q = Q(pk__in=[])
    if roles.admin_agency_ids:
        q |= Q(employee__agency_id__in=roles.admin_agency_ids)
    if roles.employee_id is not None and roles.is_atasan:
        q |= Q(employee_id__in=subordinate_ids_sql(roles.employee_id))
    qs = LearningRecord.objects.filter(q, status=RecordStatus.SUBMITTED)
    if roles.employee_id is not None:
        qs = qs.exclude(employee_id=roles.employee_id)
    if search:
        term = search.strip()
        qs = qs.filter(Q(employee__nip__startswith=term) | Q(employee__name__icontains=term) | Q(title__icontains=term))
    return qs.select_related("employee", "employee__unit", "form").order_by("created_at", "pk")


def duplicates_of(
    employee: Employee,
    *,
    title: str,
    start_date: Any,
    end_date: Any,
    certificate_no: str,
    exclude_pk: int | None = None,
) -> QuerySet[LearningRecord]:
    """Records of the same pegawai that are the same activity: same certificate number, or same title (any case)
    with the same dates, or same title and start date (the import's natural key)."""
    same = Q(title__iexact=title.strip(), start_date=start_date, end_date=end_date) | Q(
        title=title, start_date=start_date
    )
    if certificate_no.strip():
        same |= Q(certificate_no__iexact=certificate_no.strip())
    qs = LearningRecord.objects.filter(same, employee=employee)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs
