"""The single scoping rule for personal data (org.selectors), checked role by role."""

from __future__ import annotations

import pytest

from bangkom.org.models import Employee
from bangkom.org.selectors import employee_get, employees_visible_to, subordinates_of

from ..conftest import Org

# Who sees whom, by name of the conftest org: kepala <- kabid <- {staf1, staf2}; kepala <- kasubag.
EXPECTED = {
    "staf1": {"staf1"},
    "staf2": {"staf2"},
    "kabid": {"kabid", "staf1", "staf2"},
    "kasubag": {"kasubag"},
    "kepala": {"kepala", "kabid", "staf1", "staf2", "kasubag"},
    "pegawai_b": {"pegawai_b"},
    "admin_a": {"kepala", "kabid", "staf1", "staf2", "kasubag"},
    "admin_b": {"pegawai_b"},
    "nasional": set(),
    "penyelenggara_a": set(),
}


def _names(org: Org, employees: list[Employee]) -> set[str]:
    by_id = {
        e.pk: n
        for n in ("kepala", "kabid", "staf1", "staf2", "kasubag", "pegawai_b")
        for e in [getattr(org, n)]
    }
    return {by_id[e.pk] for e in employees}


@pytest.mark.parametrize(("user", "expected"), sorted(EXPECTED.items()))
def test_visible_employees(org: Org, user: str, expected: set[str]) -> None:
    visible = list(employees_visible_to(org.users[user]))
    assert _names(org, visible) == expected


@pytest.mark.parametrize(("user", "expected"), sorted(EXPECTED.items()))
def test_employee_get_by_id_respects_scope(org: Org, user: str, expected: set[str]) -> None:
    for name in ("kepala", "kabid", "staf1", "staf2", "kasubag", "pegawai_b"):
        found = employee_get(org.users[user], getattr(org, name).pk)
        assert (found is not None) == (name in expected), (user, name)


def test_subordinates_are_direct_and_indirect(org: Org) -> None:
    assert _names(org, list(subordinates_of(org.users["kepala"]))) == {"kabid", "staf1", "staf2", "kasubag"}
    assert _names(org, list(subordinates_of(org.users["kabid"]))) == {"staf1", "staf2"}
    assert list(subordinates_of(org.users["admin_a"])) == []


def test_chain_query_terminates_even_on_corrupt_cycle(org: Org) -> None:
    # The import refuses cycles; the recursive query must still stop if a cycle ever reached the database.
    Employee.objects.filter(pk=org.kepala.pk).update(supervisor=org.staf1)
    assert _names(org, list(subordinates_of(org.users["kabid"]))) == {
        "staf1",
        "staf2",
        "kepala",
        "kabid",
        "kasubag",
    }
