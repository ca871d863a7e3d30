"""Helpers for import tests: write files, count and dump the tables an import touches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.evaluation.models import PerformanceRating
from bangkom.learning.models import LearningRecord
from bangkom.org.models import Agency, Employee, Position, Unit

SAMPLE = Path("/work/shared/examples/small")
MODELS = [Agency, Unit, Position, Competency, Requirement, Employee, Assessment, LearningRecord, PerformanceRating]


def write(folder: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = folder / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in MODELS}


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every imported table, so two states can be compared whole."""
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in MODELS}
