"""System checks of what the LRS needs from its database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import Error
from django.utils.translation import gettext as _

SQLITE_MINIMUM = (3, 35)  # INSERT ... RETURNING: the store and crediting learn the rows they made from it


def sqlite_too_old(engines: Iterable[str], version: str) -> list[Error]:
    """An error when one of the database engines is SQLite and its library older than SQLITE_MINIMUM."""
    found = tuple(int(part) for part in version.split(".")[:2])
    if not any(engine.endswith("sqlite3") for engine in engines) or found >= SQLITE_MINIMUM:
        return []
    return [
        Error(
            _("SQLite %(found)s terlalu lama: bangkom memerlukan SQLite %(needed)s atau lebih baru.")
            % {"found": version, "needed": ".".join(map(str, SQLITE_MINIMUM))},
            hint=_("Pakai Python 3.11 yang membawa SQLite baru (python.org, pyenv) atau PostgreSQL."),
            id="bangkom.E001",
        )
    ]


def sqlite_version(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Refuse to start on an SQLite library too old for the LRS (Django itself accepts 3.31)."""
    return sqlite_too_old((db.get("ENGINE", "") for db in settings.DATABASES.values()), sqlite3.sqlite_version)
