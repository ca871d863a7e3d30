"""Migration 0005: the national default JP rules in the database are DOMAIN.md's, and credit as it says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bangkom.engine.hours import FormRule, credit_jp
from bangkom.learning.models import DevelopmentForm

D = dt.date
# DOMAIN.md "Forms of development", by SIASN id: (unit, JP per unit, at most units a month, at most JP a day)
DOMAIN_DEFAULTS = {
    10: ("kegiatan", Decimal(20), None, None),  # magang
    14: ("sesi", Decimal(2), 2, None),  # coaching
    15: ("sesi", Decimal(2), 2, None),  # mentoring
    16: ("modul", Decimal(3), None, None),  # e-learning
    18: ("kegiatan", Decimal(20), None, None),  # detasering
    20: ("kegiatan", Decimal(10), None, None),  # patok banding
    21: ("kegiatan", Decimal(20), None, None),  # pertukaran PNS
    22: ("jp", None, None, Decimal(2)),  # belajar mandiri
    23: ("jp", None, None, Decimal(2)),  # komunitas belajar
}


def _rule(form: DevelopmentForm) -> FormRule:
    def h(v: Decimal | None) -> int | None:
        return None if v is None else int(v * 100)

    return FormRule(
        unit=form.jp_unit,
        jp_per_unit=h(form.jp_per_unit),
        max_units_per_month=form.max_units_per_month,
        max_jp_per_day=h(form.max_jp_per_day),
    )


@pytest.mark.django_db
def test_every_form_has_the_domain_default() -> None:
    forms = {f.pk: f for f in DevelopmentForm.objects.all()}
    assert sorted(forms) == list(range(1, 26))
    for pk, form in forms.items():
        got = (form.jp_unit, form.jp_per_unit, form.max_units_per_month, form.max_jp_per_day)
        assert got == DOMAIN_DEFAULTS.get(pk, ("jp", None, None, None)), pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "start", "end", "quantity", "stated", "jp"),
    [
        (14, D(2026, 5, 4), D(2026, 5, 28), 5, None, 4),  # coaching: 5 sessions in one month
        (15, D(2026, 5, 4), D(2026, 7, 20), 5, None, 10),  # mentoring: 5 sessions across 3 months
        (22, D(2026, 2, 10), D(2026, 2, 10), None, 6, 2),  # belajar mandiri: at most 2 JP a day
        (23, D(2026, 2, 10), D(2026, 2, 14), None, 6, 6),
        (10, D(2026, 6, 1), D(2026, 8, 31), 1, None, 20),  # magang
        (18, D(2026, 6, 1), D(2026, 8, 31), 1, None, 20),  # detasering
        (21, D(2026, 6, 1), D(2026, 8, 31), 1, None, 20),  # pertukaran
        (20, D(2026, 9, 14), D(2026, 9, 15), 1, None, 10),  # patok banding
        (16, D(2026, 4, 1), D(2026, 4, 30), 2, None, 6),  # e-learning: 3 JP a module
        (16, D(2026, 4, 1), D(2026, 4, 30), 2, 4, 4),  # unless the module states its JP
        (3, D(2026, 3, 2), D(2026, 3, 6), None, 32, 32),  # diklat teknis: the certificate's JP
    ],
)
def test_default_rules_credit_as_domain_says(
    form: int, start: dt.date, end: dt.date, quantity: int | None, stated: int | None, jp: int
) -> None:
    rule = _rule(DevelopmentForm.objects.get(pk=form))
    credit = credit_jp(
        rule,
        start=start,
        end=end,
        quantity=None if quantity is None else quantity * 100,
        stated_jp=None if stated is None else stated * 100,
    )
    assert credit.jp == jp * 100
