from django import template

from bangkom.engine.hours import format_jp

register = template.Library()


@register.filter(name="jp")
def jp_filter(hundredths: int) -> str:
    """JP held as integer hundredths, printed without trailing zeros."""
    return format_jp(int(hundredths))
