"""The competency profile read: latest level by date, gaps, level descriptions, scope and query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from bangkom.competency.models import Assessment, Competency, CompetencyLevel, Requirement
from bangkom.competency.selectors import employee_competency_profile, position_skj
from bangkom.org.models import Employee

from ..conftest import Org


def _assess(employee: Employee, comp: Competency, on: dt.date, level: int) -> None:
    Assessment.objects.create(employee=employee, competency=comp, assessed_on=on, level=level, method="atasan")


@pytest.fixture
def comps(org: Org) -> dict[str, Competency]:
    out = {c.code: c for c in Competency.objects.filter(code__in=["M.1", "M.2", "M.3", "SK.1"])}
    for code, level in {"M.1": 3, "M.2": 2, "M.3": 4, "SK.1": 2}.items():
        Requirement.objects.create(position=org.pos_a_staff, competency=out[code], required_level=level)
    # Inserted newest first: the current level must follow assessed_on, not insertion order or id.
    _assess(org.staf1, out["M.1"], dt.date(2025, 6, 1), 2)
    _assess(org.staf1, out["M.1"], dt.date(2023, 1, 1), 4)
    _assess(org.staf1, out["M.2"], dt.date(2024, 1, 1), 1)
    _assess(org.staf1, out["M.2"], dt.date(2024, 12, 31), 3)
    _assess(org.staf1, out["SK.1"], dt.date(2024, 5, 5), 2)
    # A colleague's assessment of the same competency must not leak into staf1's line.
    _assess(org.staf2, out["M.3"], dt.date(2025, 1, 1), 5)
    return out


def test_current_level_is_the_latest_by_assessed_on(org: Org, comps: dict[str, Competency]) -> None:
    profile = employee_competency_profile(org.users["staf1"], org.staf1.pk)
    assert profile is not None and profile.employee == org.staf1
    lines = {line.code: line for line in profile.lines}
    assert set(lines) == {"M.1", "M.2", "M.3", "SK.1"}
    assert (lines["M.1"].current_level, lines["M.1"].assessed_on) == (2, dt.date(2025, 6, 1))
    assert (lines["M.2"].current_level, lines["M.2"].assessed_on) == (3, dt.date(2024, 12, 31))
    assert lines["M.3"].current_level is None and lines["M.3"].assessed_on is None


def test_gap_meets_and_summary(org: Org, comps: dict[str, Competency]) -> None:
    profile = employee_competency_profile(org.users["staf1"], org.staf1.pk)
    assert profile is not None
    got = {line.code: (line.required_level, line.current_level, line.gap, line.meets) for line in profile.lines}
    assert got == {
        "M.1": (3, 2, 1, False),
        "M.2": (2, 3, 0, True),  # above standard: gap 0, never negative
        "M.3": (4, None, None, False),
        "SK.1": (2, 2, 0, True),
    }
    assert (profile.total, profile.met, profile.unassessed) == (4, 2, 1)
    # Manajerial before sosial kultural, then by code.
    assert [line.code for line in profile.lines] == ["M.1", "M.2", "M.3", "SK.1"]


def test_level_descriptions_follow_the_language(org: Org, comps: dict[str, Competency]) -> None:
    m1 = comps["M.1"]
    level3 = CompetencyLevel.objects.get(competency=m1, level=3)
    with translation.override("id"):
        profile = employee_competency_profile(org.users["staf1"], org.staf1.pk)
    assert profile is not None
    line = next(line for line in profile.lines if line.code == "M.1")
    assert line.required_description == level3.description != ""
    assert line.next_description == level3.description  # current 2: the next level is the required one
    with translation.override("en"):
        profile_en = employee_competency_profile(org.users["staf1"], org.staf1.pk)
    assert profile_en is not None
    line_en = next(line for line in profile_en.lines if line.code == "M.1")
    assert line_en.required_description == level3.description_en != level3.description
    assert line_en.name == m1.name_en


@pytest.mark.parametrize(
    ("viewer", "target", "visible"),
    [
        ("staf1", "staf1", True),
        ("staf1", "staf2", False),  # colleague
        ("kabid", "staf1", True),  # direct subordinate
        ("kepala", "staf1", True),  # indirect subordinate
        ("kasubag", "staf1", False),  # a peer's subordinate
        ("admin_a", "staf1", True),
        ("admin_b", "staf1", False),  # another instansi
        ("nasional", "staf1", False),  # aggregates only
        ("penyelenggara_a", "staf1", False),
    ],
)
def test_profile_is_scoped(
    org: Org, comps: dict[str, Competency], viewer: str, target: str, visible: bool
) -> None:
    profile = employee_competency_profile(org.users[viewer], getattr(org, target).pk)
    assert (profile is not None) == visible


def test_unknown_id_is_none_like_an_out_of_scope_one(org: Org) -> None:
    assert employee_competency_profile(org.users["admin_a"], 987654321) is None


@pytest.mark.parametrize("n_lines", [2, 9])
def test_profile_takes_the_same_queries_whatever_the_skj_size(
    org: Org, django_assert_num_queries: Any, n_lines: int
) -> None:
    for i, comp in enumerate(Competency.objects.filter(agency__isnull=True).order_by("code")[:n_lines]):
        Requirement.objects.create(position=org.pos_a_staff, competency=comp, required_level=2)
        _assess(org.staf1, comp, dt.date(2024, 1, 1), 1 + i % 5)
        _assess(org.staf1, comp, dt.date(2025, 1, 1), 1 + (i + 1) % 5)
    user = org.users["admin_a"]
    user.__dict__.pop("_bangkom_roles", None)
    # role grants, the scoped pegawai, the SKJ with latest levels, the level descriptions
    with django_assert_num_queries(4):
        profile = employee_competency_profile(user, org.staf1.pk)
    assert profile is not None and profile.total == n_lines


@pytest.mark.parametrize(
    ("viewer", "position", "visible"),
    [("admin_a", "pos_a", True), ("admin_a", "pos_b", False), ("nasional", "pos_b", True)],
)
def test_position_skj_is_scoped(org: Org, viewer: str, position: str, visible: bool) -> None:
    pos = getattr(org, position)
    Requirement.objects.create(position=pos, competency=Competency.objects.get(code="M.5"), required_level=3)
    skj = position_skj(org.users[viewer], pos.pk)
    assert (skj is not None) == visible
    if skj is not None:
        assert [(r.competency.code, r.required_level) for r in skj.requirements] == [("M.5", 3)]
