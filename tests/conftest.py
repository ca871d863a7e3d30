"""Shared fixtures: a small two-instansi organisation with every role, built fast (one password hash)."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connections
from django.test import Client

from bangkom.accounts.models import Role, RoleAssignment, User
from bangkom.engine.nip import format_pns_nip, format_pppk_ni
from bangkom.org.models import Agency, Employee, Position, Unit

PASSWORD = "Rahasia-Uji-2026"
_seq = itertools.count(1)


@pytest.fixture(scope="session")
def password_hash() -> str:
    return make_password(PASSWORD)


def next_nip(kind: str = "pns", sex: int = 1) -> str:
    n = next(_seq)
    birth = dt.date(1980 + n % 15, 1 + n % 12, 1 + n % 28)
    # Appointed between 20 and 29 years of age, as the NIP/NI age rule requires (17..60).
    if kind == "pppk":
        return format_pppk_ni(birth, birth.year + 20 + n % 10, 1, sex, n % 1000)
    return format_pns_nip(birth, birth.year + 20 + n % 10, 1 + n % 12, sex, n % 1000)


@dataclass
class Org:
    """Two instansi A and B. In A: kepala <- kabid <- staf1, staf2; kepala <- kasubag; in B: one pegawai."""

    agency_a: Agency
    agency_b: Agency
    unit_a: Unit
    unit_a2: Unit
    unit_b: Unit
    pos_a: Position
    pos_a_staff: Position
    pos_b: Position
    kepala: Employee
    kabid: Employee
    staf1: Employee
    staf2: Employee
    kasubag: Employee
    pegawai_b: Employee
    users: dict[str, User]

    def client(self, name: str) -> Client:
        c = Client()
        c.force_login(self.users[name])
        return c


def make_user(username: str, password_hash: str, employee: Employee | None = None, **extra: Any) -> User:
    return User.objects.create(username=username, password=password_hash, employee=employee, **extra)


@pytest.fixture
def org(db: Any, password_hash: str) -> Org:
    a = Agency.objects.create(code="A", name="Kabupaten A", kind="kabupaten")
    b = Agency.objects.create(code="B", name="Kota B", kind="kota")
    ua = Unit.objects.create(agency=a, code="A-U0", name="Sekretariat A")
    ua2 = Unit.objects.create(agency=a, code="A-U1", name="Bidang A1", parent=ua)
    ub = Unit.objects.create(agency=b, code="B-U0", name="Sekretariat B")
    pa = Position.objects.create(agency=a, code="A-J1", name="Kepala Bidang", kind="administrator", unit=ua)
    pa_staff = Position.objects.create(agency=a, code="A-J2", name="Analis", kind="pelaksana", unit=ua2)
    pb = Position.objects.create(agency=b, code="B-J1", name="Kepala Seksi", kind="pengawas", unit=ub)

    def emp(
        name: str, agency: Agency, unit: Unit, pos: Position, sup: Employee | None = None, kind: str = "pns"
    ) -> Employee:
        return Employee.objects.create(
            nip=next_nip("pppk" if kind == "pppk" else "pns"),
            name=name,
            agency=agency,
            unit=unit,
            position=pos,
            employment_type=kind,
            supervisor=sup,
        )

    kepala = emp("Kepala A", a, ua, pa)
    kabid = emp("Kabid A", a, ua2, pa, kepala)
    staf1 = emp("Staf Satu", a, ua2, pa_staff, kabid)
    staf2 = emp("Staf Dua", a, ua2, pa_staff, kabid, kind="pppk")
    kasubag = emp("Kasubag A", a, ua, pa, kepala)
    pegawai_b = emp("Pegawai B", b, ub, pb)
    users = {
        "kepala": make_user("kepala", password_hash, kepala),
        "kabid": make_user("kabid", password_hash, kabid),
        "staf1": make_user("staf1", password_hash, staf1),
        "staf2": make_user("staf2", password_hash, staf2),
        "kasubag": make_user("kasubag", password_hash, kasubag),
        "pegawai_b": make_user("pegawai_b", password_hash, pegawai_b),
        "admin_a": make_user("admin_a", password_hash),
        "admin_b": make_user("admin_b", password_hash),
        "penyelenggara_a": make_user("penyelenggara_a", password_hash),
        "nasional": make_user("nasional", password_hash),
    }
    RoleAssignment.objects.create(user=users["admin_a"], role=Role.ADMIN_INSTANSI, agency=a)
    RoleAssignment.objects.create(user=users["admin_b"], role=Role.ADMIN_INSTANSI, agency=b)
    RoleAssignment.objects.create(user=users["penyelenggara_a"], role=Role.PENYELENGGARA, agency=a)
    RoleAssignment.objects.create(user=users["nasional"], role=Role.ADMIN_NASIONAL)
    return Org(a, b, ua, ua2, ub, pa, pa_staff, pb, kepala, kabid, staf1, staf2, kasubag, pegawai_b, users)


def restore_reference_rows() -> None:
    """The flush after every transactional test also empties the tables that data migrations fill (the 25
    development forms and their JP rules); this puts them back by running those migration steps again."""
    from django.apps import apps

    learning = "bangkom.learning.migrations."
    importlib.import_module(learning + "0002_development_forms").create(apps, None)
    importlib.import_module(learning + "0005_default_jp_rules").apply(apps, None)


@pytest.fixture
def reference_rows(transactional_db: Any) -> None:
    """For transactional tests (live server, threads): the reference rows, whatever ran before."""
    restore_reference_rows()


@pytest.fixture(scope="module")
def reference_rows_after(django_db_blocker: Any) -> Iterator[None]:
    """After a module of transactional tests (and its last flush), the reference rows again for the modules
    that follow."""
    yield
    with django_db_blocker.unblock():
        restore_reference_rows()
        connections.close_all()  # opened outside any test: left open, it kept the test database from being dropped
