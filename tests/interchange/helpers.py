"""Helpers for import tests: write files, count and dump the tables an import touches."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.evaluation.models import PerformanceRating
from bangkom.learning.models import LearningRecord
from bangkom.org.models import Agency, Employee, Position, Unit

# shared/ sits beside the checkout (CI clones it there too); BANGKOM_SHARED overrides.
SAMPLE = (
    Path(os.environ.get("BANGKOM_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))
    / "examples"
    / "small"
)
MODELS = [
    Agency,
    Unit,
    Position,
    Competency,
    Requirement,
    Employee,
    Assessment,
    LearningRecord,
    PerformanceRating,
]


def write(folder: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = folder / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in MODELS}


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every imported table, so two states can be compared whole."""
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in MODELS}


def give_valid_nips(org: Any) -> None:
    """tests/conftest.py's next_nip() can yield NIPs with an impossible age at appointment (e.g. birth 1994,
    TMT 2008), depending on test order; tests that re-import fixture employees need valid ones."""
    import datetime as dt

    from bangkom.engine.nip import format_pns_nip, format_pppk_ni

    people = [org.kepala, org.kabid, org.staf1, org.kasubag, org.pegawai_b]
    for i, e in enumerate(people):
        e.nip = format_pns_nip(dt.date(1970 + i, 2, 3), 2000, 4, 1, 500 + i)
        e.save(update_fields=["nip"])
    org.staf2.nip = format_pppk_ni(dt.date(1985, 2, 3), 2022, 1, 2, 600)
    org.staf2.save(update_fields=["nip"])
