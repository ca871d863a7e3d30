"""Template filters of the planning pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from bangkom.planning.plan_services import reason_text

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    """1500000 -> 'Rp 1.500.000' (grouped as the active language writes numbers)."""
    if value is None or value == "":
        return "-"
    return f"Rp {number_format(round(float(value)), 0, force_grouping=True)}"


@register.filter
def need_reason(code: str) -> str:
    return reason_text("need", code)


@register.filter
def minimum_reason(code: str) -> str:
    return reason_text("minimum", code)


@register.filter
def percent_of(part: Any, whole: Any) -> float:
    try:
        return 100.0 * float(part) / float(whole) if float(whole) else 0.0
    except (TypeError, ValueError):
        return 0.0


@register.filter
def as_percent(value: Any, digits: int = 2) -> str:
    """0.0042 -> '0,42%' (a fraction written as a percentage, in the active language's format)."""
    if value is None or value == "":
        return "-"
    return f"{number_format(100 * float(value), digits)}%"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None
