from django import template
from django.utils.formats import get_format

from bangkom.engine.hours import format_jp

register = template.Library()


def jp_display(hundredths: int) -> str:
    """JP for reading on a page: no trailing zeros, the active language's decimal separator (12,5 in Indonesian).
    Files (CSV, XLSX, API) keep format_jp's dot."""
    return format_jp(int(hundredths)).replace(".", str(get_format("DECIMAL_SEPARATOR")))


@register.filter(name="jp")
def jp_filter(hundredths: int) -> str:
    return jp_display(hundredths)
