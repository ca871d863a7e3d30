"""The API's page-number pagination: ninja's, with the page number bounded.

ninja checks only page >= 1; page 9223372036854775808 made an offset PostgreSQL cannot hold (bigint out of
range, a 500). No list here has anywhere near a million pages of even one row each.
"""

from __future__ import annotations

from ninja import Field
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

PAGE_MAX = 1_000_000


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(NinjaPageNumberPagination.Input):
        page: int = Field(1, ge=1, le=PAGE_MAX)
