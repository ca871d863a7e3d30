"""The CONTRACT.md import: validate every file of an import completely, then write it all in one transaction.

Validation works on natural keys (codes, NIPs) held in dictionaries loaded with one query per table and
extended by the rows of earlier files of the same import, so a row may refer to a unit created a few files
before. Nothing touches the database until every row of every file has passed; then each kind is written
in bulk (writers.py) and ids are resolved with one query per table.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from bangkom.audit.services import record
from bangkom.competency.models import Assessment, AssessmentMethod, Competency, CompetencyType, Requirement
from bangkom.engine.nip import NipError, check_nip_for_employment, parse_nip
from bangkom.engine.textnum import plain_int
from bangkom.evaluation.models import PerformanceRating, Rating
from bangkom.interchange import messages as msg
from bangkom.interchange.reading import Table, TableError, parse_bool, parse_date, parse_decimal, read_table
from bangkom.interchange.writers import UpsertResult, Writer, get_writer
from bangkom.learning.models import DevelopmentForm, LearningRecord, RecordStatus
from bangkom.org.models import (
    Agency,
    AgencyKind,
    Employee,
    EmploymentType,
    FunctionalLevel,
    Position,
    PositionKind,
    Unit,
)

ProgressFn = Callable[[int, str], None]

KINDS: tuple[str, ...] = (
    "agencies",
    "units",
    "positions",
    "competencies",
    "requirements",
    "employees",
    "assessments",
    "learning_records",
    "performance",
)
EXTENSIONS = (".csv", ".xlsx")

# kind -> (required columns, optional columns), as in CONTRACT.md.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "agencies": (("code", "name", "kind"), ("region_code", "underdeveloped")),
    "units": (("agency_code", "code", "name"), ("parent_code",)),
    "positions": (("agency_code", "code", "name", "kind", "unit_code"), ("functional_level",)),
    "competencies": (("code", "name", "type"), ("agency_code",)),
    "requirements": (("agency_code", "position_code", "competency_code", "required_level"), ()),
    "employees": (
        ("nip", "name", "agency_code", "unit_code", "position_code", "employment_type"),
        ("supervisor_nip", "email"),
    ),
    "assessments": (("nip", "competency_code", "assessed_on", "level", "method"), ()),
    "learning_records": (
        ("nip", "title", "start_date", "form", "provider", "end_date", "jp"),
        ("certificate_no", "status"),
    ),
    "performance": (("nip", "year", "hasil_kerja", "perilaku_kerja"), ()),
}

AUDIT_ENTITY = {
    "agencies": "org.agency",
    "units": "org.unit",
    "positions": "org.position",
    "competencies": "competency.competency",
    "requirements": "competency.requirement",
    "employees": "org.employee",
    "assessments": "competency.assessment",
    "learning_records": "learning.learningrecord",
    "performance": "evaluation.performancerating",
}
# Changed values of these kinds go into the audit event (before/after), at most this many rows each.
AUDIT_CHANGE_CAP = 1000

LEVELS = {str(i): i for i in range(1, 6)}
MAX_LEN = {"code": 50, "name": 255, "region_code": 20, "title": 500, "provider": 255, "certificate_no": 100}
YEAR_MIN = 1950


class ImportUsageError(Exception):
    """Wrong usage (no such path, no recognisable file): exit code 2, not a refusal of the data."""


@dataclass
class ImportResult:
    ok: bool = True
    errors: list[tuple[str, int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def error_lines(self) -> list[str]:
        return [f"{f}:{line}: {m}" for f, line, m in self.errors]

    def summary_lines(self) -> list[str]:
        return [
            msg.kind_counts(k, c["created"], c["updated"], c["unchanged"]) for k, c in self.counts.items()
        ]


def find_files(path: Path) -> list[tuple[str, Path]]:
    """(kind, file) in import order, for a folder or a single file recognised by its stem."""
    names = ", ".join(KINDS)
    if not path.exists():
        raise ImportUsageError(msg.usage_path_missing(str(path)))
    if path.is_file():
        kind = path.stem.lower()
        if kind not in KINDS or path.suffix.lower() not in EXTENSIONS:
            raise ImportUsageError(msg.usage_bad_file(str(path), names))
        return [(kind, path)]
    by_name = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
    found: list[tuple[str, Path]] = []
    for kind in KINDS:
        for ext in EXTENSIONS:
            p = by_name.get(kind + ext)
            if p is not None:
                found.append((kind, p))
    if not found:
        raise ImportUsageError(msg.usage_no_files(str(path), names))
    return found


def _join_chain(nodes: Sequence[object]) -> str:
    return " -> ".join(str(n[1]) if isinstance(n, tuple) else str(n) for n in nodes)


def find_cycles(parent: dict[Any, Any], starts: Iterable[Any]) -> list[list[Any]]:
    """Cycles of a graph where each node has at most one parent, reachable from `starts`. O(nodes)."""
    state: dict[Any, int] = {}  # 1 on the current path, 2 finished
    cycles: list[list[Any]] = []
    for start in starts:
        if start in state:
            continue
        path: list[Any] = []
        pos: dict[Any, int] = {}
        node = start
        while node is not None and node not in state:
            state[node] = 1
            pos[node] = len(path)
            path.append(node)
            node = parent.get(node)
        if node is not None and state.get(node) == 1:
            cycles.append(path[pos[node] :])
        for n in path:
            state[n] = 2
    return cycles


class Importer:
    """One import run: state shared across its files, first validated, then written."""

    def __init__(
        self,
        files: list[tuple[str, Path]],
        *,
        actor: Any = None,
        restrict_agency_ids: set[int] | None = None,
        progress: ProgressFn | None = None,
    ) -> None:
        self.files = files
        self.actor = actor
        self.restrict_ids = restrict_agency_ids
        self.progress = progress or (lambda percent, message: None)
        self.result = ImportResult(files=[p.name for _, p in files])
        self._errors: list[tuple[int, int, str, str]] = []
        self.clean: dict[str, list[tuple[Any, ...]]] = {}
        self._file_index = 0
        self._file = ""
        self._emp_ids: dict[str, int] | None = None

    # ---- helpers -------------------------------------------------------------------------------------
    def err(self, line: int, message: str) -> None:
        self._errors.append((self._file_index, line, self._file, message))

    def _load_state(self) -> None:
        """Every lookup map, one query per table; later extended by the rows of this import."""
        kinds = {k for k, _ in self.files}
        self.agency_codes: dict[str, int | None] = dict(Agency.objects.values_list("code", "id"))
        agency_by_id = {v: k for k, v in self.agency_codes.items()}
        self.allowed: set[str] | None = None
        if self.restrict_ids is not None:
            self.allowed = {agency_by_id[i] for i in self.restrict_ids if i in agency_by_id}
        # Units and positions: (agency_code, code) -> parent code / True; code -> agencies for messages.
        self.units: dict[tuple[str, str], str | None] = {}
        self.unit_agencies: dict[str, set[str]] = {}
        if kinds & {"units", "positions", "employees"}:
            for ag_id, code, parent in Unit.objects.values_list("agency_id", "code", "parent__code"):
                ag = agency_by_id[ag_id]
                self.units[(ag, code)] = parent
                self.unit_agencies.setdefault(code, set()).add(ag)
        self.positions: set[tuple[str, str]] = set()
        self.position_agencies: dict[str, set[str]] = {}
        if kinds & {"positions", "requirements", "employees"}:
            for ag_id, code in Position.objects.values_list("agency_id", "code"):
                ag = agency_by_id[ag_id]
                self.positions.add((ag, code))
                self.position_agencies.setdefault(code, set()).add(ag)
        self.competencies: dict[str, str | None] = {
            code: (agency_by_id[ag_id] if ag_id is not None else None)
            for code, ag_id in Competency.objects.values_list("code", "agency_id")
        }
        # nip -> [agency_code, supervisor_nip]; the DB state, overridden by employees.csv rows.
        self.employees: dict[str, list[Any]] = {}
        self.db_employee_agency: dict[str, str] = {}
        if kinds & {"employees", "assessments", "learning_records", "performance"}:
            for nip, ag_id, sup in Employee.objects.values_list("nip", "agency_id", "supervisor__nip"):
                ag = agency_by_id[ag_id]
                self.employees[nip] = [ag, sup]
                self.db_employee_agency[nip] = ag
        self.forms = {str(i) for i in DevelopmentForm.objects.values_list("id", flat=True)}

    def _not_allowed(self, agency_code: str) -> bool:
        return self.allowed is not None and agency_code not in self.allowed

    def _columns(self, kind: str, table: Table) -> dict[str, int | None] | None:
        required, optional = COLUMNS[kind]
        index: dict[str, int | None] = {}
        for i, name in enumerate(table.header):
            if name and name not in index:
                index[name] = i
        missing = [c for c in required if c not in index]
        for c in missing:
            self.err(1, msg.missing_column(c))
        unknown = [n for n in table.header if n and n not in required and n not in optional]
        if unknown:
            self.result.warnings.append(msg.unknown_columns(self._file, ", ".join(unknown)))
        if missing:
            return None
        return {c: index.get(c) for c in (*required, *optional)}

    # ---- validation ------------------------------------------------------------------------------
    def validate(self) -> None:
        self._load_state()
        n = len(self.files)
        for i, (kind, path) in enumerate(self.files):
            self._file_index, self._file = i, path.name
            self.progress(int(50 * i / n), msg.progress_reading(path.name))
            try:
                table = read_table(path)
            except TableError as exc:
                self.err(exc.line, exc.message)
                continue
            cols = self._columns(kind, table)
            if cols is None:
                continue
            width = len(table.header)
            getattr(self, f"_check_{kind}")(table, cols, width)
            for line, message in table.errors:
                self.err(line, message)
        self._errors.sort(key=lambda e: (e[0], e[1]))
        self.result.errors = [(f, line, m) for _, line, f, m in self._errors]
        self.result.ok = not self.result.errors

    def _rows(self, table: Table, width: int) -> Iterable[tuple[int, list[str]]]:
        pad = [""] * width
        for line, cells in table.rows:
            if len(cells) < width:
                yield line, cells + pad[len(cells) :]
            else:
                yield line, cells

    def _required(self, line: int, values: Sequence[tuple[str, str]]) -> bool:
        ok = True
        for column, value in values:
            if not value:
                self.err(line, msg.required_empty(column))
                ok = False
            elif column in MAX_LEN and len(value) > MAX_LEN[column]:
                self.err(line, msg.too_long(column, len(value), MAX_LEN[column]))
                ok = False
        return ok

    def _choice(self, line: int, column: str, value: str, allowed: Iterable[str]) -> str | None:
        v = value.lower()
        allowed = list(allowed)
        if v not in allowed:
            self.err(line, msg.not_in_set(column, value, ", ".join(allowed)))
            return None
        return v

    def _dup(self, seen: dict[Any, int], key: Any, line: int, label: str) -> bool:
        first = seen.setdefault(key, line)
        if first != line:
            self.err(line, msg.duplicate_key(label, first))
            return True
        return False

    def _agency(self, line: int, code: str) -> bool:
        if code not in self.agency_codes:
            self.err(line, msg.agency_missing(code))
            return False
        if self._not_allowed(code):
            self.err(line, msg.agency_not_allowed(code))
            return False
        return True

    def _check_agencies(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("agencies", [])
        seen: dict[Any, int] = {}
        kinds = AgencyKind.values
        i_code, i_name, i_kind = c["code"], c["name"], c["kind"]
        i_reg, i_und = c["region_code"], c["underdeveloped"]
        for line, r in self._rows(table, width):
            code, name, kind = r[i_code].strip(), r[i_name].strip(), r[i_kind].strip()  # type: ignore[index]
            region = r[i_reg].strip() if i_reg is not None else ""
            und_s = r[i_und].strip() if i_und is not None else ""
            ok = self._required(line, [("code", code), ("name", name), ("kind", kind)])
            if code and self._dup(seen, code, line, code):
                continue
            if kind and (kind := self._choice(line, "kind", kind, kinds) or "") == "":
                ok = False
            if len(region) > MAX_LEN["region_code"]:
                self.err(line, msg.too_long("region_code", len(region), MAX_LEN["region_code"]))
                ok = False
            und = False
            if und_s:
                b = parse_bool(und_s)
                if b is None:
                    self.err(line, msg.bad_bool("underdeveloped", und_s))
                    ok = False
                else:
                    und = b
            if code and self._not_allowed(code):
                self.err(line, msg.agency_not_allowed(code))
                ok = False
            if code:
                self.agency_codes.setdefault(code, None)
            if ok:
                out.append((code, name, kind, region, und))

    def _check_units(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("units", [])
        seen: dict[Any, int] = {}
        lines: dict[tuple[str, str], int] = {}
        pending: list[tuple[int, str, str, str]] = []
        i_ag, i_code, i_name, i_par = c["agency_code"], c["code"], c["name"], c["parent_code"]
        for line, r in self._rows(table, width):
            ag, code, name = r[i_ag].strip(), r[i_code].strip(), r[i_name].strip()  # type: ignore[index]
            parent = r[i_par].strip() if i_par is not None else ""
            ok = self._required(line, [("agency_code", ag), ("code", code), ("name", name)])
            if ag and code and self._dup(seen, (ag, code), line, f"{ag}/{code}"):
                continue
            if ag and not self._agency(line, ag):
                ok = False
            if ag and code:
                self.units[(ag, code)] = parent or None
                self.unit_agencies.setdefault(code, set()).add(ag)
                lines[(ag, code)] = line
            if ok:
                out.append((ag, code, name, parent or None))
                if parent:
                    pending.append((line, ag, code, parent))
        # Parents may come later in the file: checked once the whole file is known.
        bad: set[tuple[str, str]] = set()
        for line, ag, code, parent in pending:
            if (ag, parent) not in self.units:
                others = self.unit_agencies.get(parent, set()) - {ag}
                if others:
                    self.err(line, msg.parent_other_agency(parent, ag, ", ".join(sorted(others))))
                else:
                    self.err(line, msg.parent_missing(parent, ag))
                bad.add((ag, code))
        graph = {k: ((k[0], p) if p is not None else None) for k, p in self.units.items()}
        for cycle in find_cycles(graph, lines):
            chain = _join_chain([*cycle, cycle[0]])
            for node in cycle:
                if node in lines:
                    self.err(lines[node], msg.unit_cycle(chain))
                    bad.add(node)
        if bad:
            self.clean["units"] = [row for row in out if (row[0], row[1]) not in bad]

    def _unit_ref(self, line: int, ag: str, unit: str) -> bool:
        if (ag, unit) in self.units:
            return True
        others = self.unit_agencies.get(unit, set()) - {ag}
        if others:
            self.err(line, msg.unit_other_agency(unit, ag, ", ".join(sorted(others))))
        else:
            self.err(line, msg.unit_missing(unit, ag))
        return False

    def _position_ref(self, line: int, ag: str, pos: str) -> bool:
        if (ag, pos) in self.positions:
            return True
        others = self.position_agencies.get(pos, set()) - {ag}
        if others:
            self.err(line, msg.position_other_agency(pos, ag, ", ".join(sorted(others))))
        else:
            self.err(line, msg.position_missing(pos, ag))
        return False

    def _check_positions(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("positions", [])
        seen: dict[Any, int] = {}
        kinds = PositionKind.values
        levels = FunctionalLevel.values
        i_ag, i_code, i_name, i_kind, i_unit = (
            c["agency_code"],
            c["code"],
            c["name"],
            c["kind"],
            c["unit_code"],
        )
        i_fl = c["functional_level"]
        for line, r in self._rows(table, width):
            ag, code, name = r[i_ag].strip(), r[i_code].strip(), r[i_name].strip()  # type: ignore[index]
            kind, unit = r[i_kind].strip(), r[i_unit].strip()  # type: ignore[index]
            fl = r[i_fl].strip() if i_fl is not None else ""
            ok = self._required(
                line,
                [("agency_code", ag), ("code", code), ("name", name), ("kind", kind), ("unit_code", unit)],
            )
            if ag and code and self._dup(seen, (ag, code), line, f"{ag}/{code}"):
                continue
            if kind and (kind := self._choice(line, "kind", kind, kinds) or "") == "":
                ok = False
            if fl and (fl := self._choice(line, "functional_level", fl, levels) or "") == "":
                ok = False
            if ag and (not self._agency(line, ag) or (unit and not self._unit_ref(line, ag, unit))):
                ok = False
            if ag and code:
                self.positions.add((ag, code))
                self.position_agencies.setdefault(code, set()).add(ag)
            if ok:
                out.append((ag, code, name, kind, unit, fl))

    def _check_competencies(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("competencies", [])
        seen: dict[Any, int] = {}
        types = CompetencyType.values
        i_code, i_name, i_type, i_ag = c["code"], c["name"], c["type"], c["agency_code"]
        for line, r in self._rows(table, width):
            code, name, typ = r[i_code].strip(), r[i_name].strip(), r[i_type].strip()  # type: ignore[index]
            ag = r[i_ag].strip() if i_ag is not None else ""
            ok = self._required(line, [("code", code), ("name", name), ("type", typ)])
            if code and self._dup(seen, code, line, code):
                continue
            if typ and (typ := self._choice(line, "type", typ, types) or "") == "":
                ok = False
            if ag:
                if not self._agency(line, ag):
                    ok = False
            elif self.allowed is not None:
                self.err(line, msg.national_not_allowed())
                ok = False
            if code and code in self.competencies and self.allowed is not None:
                owner = self.competencies[code]
                if owner is None:
                    if ag:  # turning a national competency into an agency one
                        self.err(line, msg.competency_national_change(code))
                        ok = False
                elif owner not in self.allowed:
                    self.err(line, msg.agency_not_allowed(owner))
                    ok = False
            if code:
                self.competencies[code] = ag or None
            if ok:
                out.append((code, name, typ, ag or None))

    def _check_requirements(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("requirements", [])
        seen: dict[Any, int] = {}
        i_ag, i_pos, i_comp, i_lv = (
            c["agency_code"],
            c["position_code"],
            c["competency_code"],
            c["required_level"],
        )
        comps = self.competencies
        for line, r in self._rows(table, width):
            ag, pos, comp, lv = r[i_ag].strip(), r[i_pos].strip(), r[i_comp].strip(), r[i_lv].strip()  # type: ignore[index]
            ok = self._required(
                line,
                [
                    ("agency_code", ag),
                    ("position_code", pos),
                    ("competency_code", comp),
                    ("required_level", lv),
                ],
            )
            if ag and pos and comp and self._dup(seen, (ag, pos, comp), line, f"{ag}/{pos}/{comp}"):
                continue
            level = LEVELS.get(lv)
            if lv and level is None:
                self.err(line, msg.out_of_range("required_level", lv, 1, 5))
                ok = False
            if ag and (not self._agency(line, ag) or (pos and not self._position_ref(line, ag, pos))):
                ok = False
            if comp:
                if comp not in comps:
                    self.err(line, msg.competency_missing(comp))
                    ok = False
                else:
                    owner = comps[comp]
                    if owner is not None and ag and owner != ag:
                        self.err(line, msg.competency_other_agency(comp, ag, owner))
                        ok = False
            if ok:
                out.append((ag, pos, comp, level))

    def _nip_message(self, nip: str, employment_type: str | None) -> str | None:
        if not nip.isdigit() and ("e" in nip.lower() or "." in nip):
            return msg.nip_float(nip)
        try:
            if employment_type is None:
                parse_nip(nip)
            else:
                check_nip_for_employment(nip, employment_type)
        except NipError as exc:
            return msg.nip_error(exc)
        return None

    def _check_employees(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("employees", [])
        seen: dict[Any, int] = {}
        types = EmploymentType.values
        i_nip, i_name, i_ag = c["nip"], c["name"], c["agency_code"]
        i_unit, i_pos, i_et = c["unit_code"], c["position_code"], c["employment_type"]
        i_sup, i_mail = c["supervisor_nip"], c["email"]
        emps = self.employees
        lines: dict[str, int] = {}
        pending: list[tuple[int, str, str, str]] = []
        for line, r in self._rows(table, width):
            nip, name, ag = r[i_nip].strip(), r[i_name].strip(), r[i_ag].strip()  # type: ignore[index]
            unit, pos, et = r[i_unit].strip(), r[i_pos].strip(), r[i_et].strip()  # type: ignore[index]
            sup = r[i_sup].strip() if i_sup is not None else ""
            mail = r[i_mail].strip() if i_mail is not None else ""
            ok = self._required(
                line,
                [
                    ("nip", nip),
                    ("name", name),
                    ("agency_code", ag),
                    ("unit_code", unit),
                    ("position_code", pos),
                    ("employment_type", et),
                ],
            )
            if nip and self._dup(seen, nip, line, nip):
                continue
            et_ok: str | None = None
            if et:
                et_ok = self._choice(line, "employment_type", et, types)
                ok = ok and et_ok is not None
            nip_valid = False
            if nip:
                problem = self._nip_message(nip, et_ok)
                if problem is not None:
                    self.err(line, problem)
                    ok = False
                else:
                    nip_valid = True
            if ag:
                if not self._agency(line, ag):
                    ok = False
                else:
                    if unit and not self._unit_ref(line, ag, unit):
                        ok = False
                    if pos and not self._position_ref(line, ag, pos):
                        ok = False
                    old = self.db_employee_agency.get(nip)
                    if old is not None and old != ag and self._not_allowed(old):
                        self.err(line, msg.agency_not_allowed(old))
                        ok = False
            if mail:
                try:
                    validate_email(mail)
                except ValidationError:
                    self.err(line, msg.bad_email(mail))
                    ok = False
            if nip_valid:
                emps[nip] = [ag, sup or None]
                lines[nip] = line
            if ok:
                out.append((nip, name, ag, unit, pos, et_ok, sup or None, mail))
                if sup:
                    pending.append((line, nip, ag, sup))
        bad: set[str] = set()
        for line, nip, ag, sup in pending:
            boss = emps.get(sup)
            if boss is None:
                self.err(line, msg.supervisor_missing(sup))
                bad.add(nip)
            elif boss[0] != ag:
                self.err(line, msg.supervisor_other_agency(sup, ag, boss[0]))
                bad.add(nip)
        graph = {nip: (e[1] if e[1] in emps else None) for nip, e in emps.items()}
        for cycle in find_cycles(graph, lines):
            chain = _join_chain([*cycle, cycle[0]])
            for node in cycle:
                if node in lines:
                    self.err(lines[node], msg.supervisor_cycle(chain))
                    bad.add(node)
        if bad:
            self.clean["employees"] = [row for row in out if row[0] not in bad]

    def _employee_ref(self, line: int, nip: str) -> bool:
        e = self.employees.get(nip)
        if e is None:
            self.err(line, msg.employee_missing(nip))
            return False
        if self.allowed is not None and e[0] not in self.allowed:
            self.err(line, msg.agency_not_allowed(e[0]))
            return False
        return True

    def _check_assessments(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("assessments", [])
        append = out.append
        seen: dict[Any, int] = {}
        setdefault = seen.setdefault
        methods = set(AssessmentMethod.values)
        i_nip, i_comp, i_on, i_lv, i_m = (
            c["nip"],
            c["competency_code"],
            c["assessed_on"],
            c["level"],
            c["method"],
        )
        emps, comps, allowed = self.employees, self.competencies, self.allowed
        dates: dict[str, dt.date | None] = {}
        for line, r in self._rows(table, width):
            nip, comp, on = r[i_nip].strip(), r[i_comp].strip(), r[i_on].strip()  # type: ignore[index]
            lv, method = r[i_lv].strip(), r[i_m].strip()  # type: ignore[index]
            try:
                d = dates[on]
            except KeyError:
                d = dates[on] = parse_date(on)
            level = LEVELS.get(lv)
            e = emps.get(nip)
            if (
                d is not None
                and level is not None
                and method in methods
                and comp in comps
                and e is not None
                and (allowed is None or e[0] in allowed)
            ):
                first = setdefault((nip, comp, d), line)
                if first == line:
                    append((nip, comp, d, level, method))
                else:
                    self.err(line, msg.duplicate_key(f"{nip}/{comp}/{on}", first))
                continue
            # Slow path for anything unusual (upper-case method, refused rows): say every reason.
            ok = self._required(
                line,
                [
                    ("nip", nip),
                    ("competency_code", comp),
                    ("assessed_on", on),
                    ("level", lv),
                    ("method", method),
                ],
            )
            if on and d is None:
                self.err(line, msg.bad_date("assessed_on", on))
                ok = False
            if lv and level is None:
                self.err(line, msg.out_of_range("level", lv, 1, 5))
                ok = False
            m2 = self._choice(line, "method", method, AssessmentMethod.values) if method else None
            ok = ok and m2 is not None
            if comp and comp not in comps:
                self.err(line, msg.competency_missing(comp))
                ok = False
            if nip and not self._employee_ref(line, nip):
                ok = False
            if ok and not self._dup(seen, (nip, comp, d), line, f"{nip}/{comp}/{on}"):
                append((nip, comp, d, level, m2))

    def _check_learning_records(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("learning_records", [])
        seen: dict[Any, int] = {}
        # CONTRACT.md: verified, submitted, rejected (planned activities are entered on the pages or the API).
        statuses = [RecordStatus.VERIFIED, RecordStatus.SUBMITTED, RecordStatus.REJECTED]
        i_nip, i_title, i_start = c["nip"], c["title"], c["start_date"]
        i_form, i_prov, i_end, i_jp = c["form"], c["provider"], c["end_date"], c["jp"]
        i_cert, i_st = c["certificate_no"], c["status"]
        dates: dict[str, dt.date | None] = {}
        jps: dict[str, decimal.Decimal | None] = {}
        forms = self.forms
        max_jp = decimal.Decimal("99999.99")
        for line, r in self._rows(table, width):
            nip, title, start = r[i_nip].strip(), r[i_title].strip(), r[i_start].strip()  # type: ignore[index]
            form, prov, end, jp_s = r[i_form].strip(), r[i_prov].strip(), r[i_end].strip(), r[i_jp].strip()  # type: ignore[index]
            cert = r[i_cert].strip() if i_cert is not None else ""
            st = r[i_st].strip() if i_st is not None else ""
            ok = self._required(
                line,
                [
                    ("nip", nip),
                    ("title", title),
                    ("start_date", start),
                    ("form", form),
                    ("provider", prov),
                    ("end_date", end),
                    ("jp", jp_s),
                ],
            )
            if len(cert) > MAX_LEN["certificate_no"]:
                self.err(line, msg.too_long("certificate_no", len(cert), MAX_LEN["certificate_no"]))
                ok = False
            sd = ed = None
            if start:
                sd = dates[start] if start in dates else dates.setdefault(start, parse_date(start))
                if sd is None:
                    self.err(line, msg.bad_date("start_date", start))
                    ok = False
            if (
                nip
                and title
                and sd is not None
                and self._dup(seen, (nip, title, sd), line, f"{nip}/{title}/{start}")
            ):
                continue
            if end:
                ed = dates[end] if end in dates else dates.setdefault(end, parse_date(end))
                if ed is None:
                    self.err(line, msg.bad_date("end_date", end))
                    ok = False
            if sd is not None and ed is not None and ed < sd:
                self.err(line, msg.end_before_start(end, start))
                ok = False
            if form and form not in forms:
                self.err(line, msg.form_invalid(form))
                ok = False
            jp = None
            if jp_s:
                jp = jps[jp_s] if jp_s in jps else jps.setdefault(jp_s, parse_decimal(jp_s))
                if jp is None:
                    self.err(line, msg.jp_not_number(jp_s))
                    ok = False
                elif jp < 0:
                    self.err(line, msg.jp_negative(jp_s))
                    ok = False
                elif jp > max_jp:
                    self.err(line, msg.jp_too_large(jp_s))
                    ok = False
            status = "verified"
            if st:
                s2 = self._choice(line, "status", st, statuses)
                if s2 is None:
                    ok = False
                else:
                    status = s2
            if nip and not self._employee_ref(line, nip):
                ok = False
            if ok:
                out.append((nip, title, sd, ed, int(form), prov, jp, cert, status))

    def _check_performance(self, table: Table, c: dict[str, int | None], width: int) -> None:
        out = self.clean.setdefault("performance", [])
        seen: dict[Any, int] = {}
        ratings = Rating.values
        i_nip, i_year, i_h, i_p = c["nip"], c["year"], c["hasil_kerja"], c["perilaku_kerja"]
        high = dt.date.today().year + 1  # noqa: DTZ011 - a calendar year, the zone does not matter
        for line, r in self._rows(table, width):
            nip, ys, h, p = r[i_nip].strip(), r[i_year].strip(), r[i_h].strip(), r[i_p].strip()  # type: ignore[index]
            ok = self._required(line, [("nip", nip), ("year", ys), ("hasil_kerja", h), ("perilaku_kerja", p)])
            year = None
            if ys:
                asked = plain_int(ys)
                if asked is not None and YEAR_MIN <= asked <= high:
                    year = asked
                else:
                    self.err(line, msg.year_invalid(ys, YEAR_MIN, high))
                    ok = False
            if nip and year is not None and self._dup(seen, (nip, year), line, f"{nip}/{ys}"):
                continue
            if h and (h := self._choice(line, "hasil_kerja", h, ratings) or "") == "":
                ok = False
            if p and (p := self._choice(line, "perilaku_kerja", p, ratings) or "") == "":
                ok = False
            if nip and not self._employee_ref(line, nip):
                ok = False
            if ok:
                out.append((nip, year, h, p))

    # ---- writing --------------------------------------------------------------------------------------
    def write(self) -> None:
        writer = get_writer()
        kinds = [k for k in KINDS if k in self.clean]
        n = len(kinds)
        for i, kind in enumerate(kinds):
            self.progress(50 + int(50 * i / n), msg.progress_writing(kind))
            res = getattr(self, f"_write_{kind}")(writer, self.clean[kind])
            self.result.counts[kind] = {
                "created": res.created,
                "updated": res.updated,
                "unchanged": res.unchanged,
            }
            self._audit(kind, res)
        self.progress(100, msg.done_summary())

    def _audit(self, kind: str, res: UpsertResult) -> None:
        summary = msg.kind_counts(kind, res.created, res.updated, res.unchanged)
        before = after = None
        if res.changes:
            total = res.updated
            summary += "; " + msg.audit_truncated(len(res.changes), total)
            keys, cols = self._change_columns[kind]
            before = {
                "rows": [
                    dict(zip(keys + cols, [_js(v) for v in k + o], strict=True)) for k, o, _ in res.changes
                ]
            }
            after = {
                "rows": [
                    dict(zip(keys + cols, [_js(v) for v in k + nw], strict=True)) for k, _, nw in res.changes
                ]
            }
        agency_id = (
            next(iter(self.restrict_ids)) if self.restrict_ids and len(self.restrict_ids) == 1 else None
        )
        record(
            actor=self.actor,
            action="import",
            entity=AUDIT_ENTITY[kind],
            agency_id=agency_id,
            before=before,
            after=after,
            summary=summary,
        )

    _change_columns = {
        "requirements": (["position_id", "competency_id"], ["required_level"]),
        "assessments": (["employee_id", "competency_id", "assessed_on"], ["level", "method"]),
    }

    def _agency_ids(self) -> dict[str, int]:
        return dict(Agency.objects.values_list("code", "id"))

    def _unit_ids(self) -> dict[tuple[str, str], int]:
        return {(ag, code): pk for pk, ag, code in Unit.objects.values_list("id", "agency__code", "code")}

    def _employee_ids(self) -> dict[str, int]:
        if self._emp_ids is None:
            self._emp_ids = dict(Employee.objects.values_list("nip", "id"))
        return self._emp_ids

    def _competency_ids(self) -> dict[str, int]:
        return dict(Competency.objects.values_list("code", "id"))

    def _write_agencies(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        return w.upsert(
            Agency._meta.db_table,
            columns=["code", "name", "kind", "region_code", "underdeveloped", "settings"],
            key=["code"],
            update=["name", "kind", "region_code", "underdeveloped"],
            rows=((*r, "{}") for r in rows),
        )

    def _write_units(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        ag = self._agency_ids()
        res = w.upsert(
            Unit._meta.db_table,
            columns=["agency_id", "code", "name"],
            key=["agency_id", "code"],
            update=["name"],
            rows=((ag[r[0]], r[1], r[2]) for r in rows),
        )
        ids = self._unit_ids()
        w.update_column(
            Unit._meta.db_table,
            "parent_id",
            ((ids[(r[0], r[1])], ids[(r[0], r[3])] if r[3] else None) for r in rows),
        )
        return res

    def _write_positions(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        ag, units = self._agency_ids(), self._unit_ids()
        return w.upsert(
            Position._meta.db_table,
            columns=["agency_id", "code", "name", "kind", "unit_id", "functional_level"],
            key=["agency_id", "code"],
            update=["name", "kind", "unit_id", "functional_level"],
            rows=((ag[r[0]], r[1], r[2], r[3], units[(r[0], r[4])], r[5]) for r in rows),
        )

    def _write_competencies(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        ag = self._agency_ids()
        return w.upsert(
            Competency._meta.db_table,
            columns=["code", "name", "type", "agency_id", "name_en", "definition"],
            key=["code"],
            update=["name", "type", "agency_id"],
            rows=((r[0], r[1], r[2], ag[r[3]] if r[3] else None, "", "") for r in rows),
        )

    def _write_requirements(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        pos = {(ag, code): pk for pk, ag, code in Position.objects.values_list("id", "agency__code", "code")}
        comps = self._competency_ids()
        return w.upsert(
            Requirement._meta.db_table,
            columns=["position_id", "competency_id", "required_level"],
            key=["position_id", "competency_id"],
            update=["required_level"],
            rows=((pos[(r[0], r[1])], comps[r[2]], r[3]) for r in rows),
            sample=AUDIT_CHANGE_CAP,
        )

    def _write_employees(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        ag, units = self._agency_ids(), self._unit_ids()
        pos = {(a, code): pk for pk, a, code in Position.objects.values_list("id", "agency__code", "code")}
        # Supervisors that exist already go in with the upsert (so a changed supervisor counts as an
        # update); supervisors created by this same file are set by the second statement.
        before = self._employee_ids()
        res = w.upsert(
            Employee._meta.db_table,
            columns=[
                "nip",
                "name",
                "agency_id",
                "unit_id",
                "position_id",
                "employment_type",
                "email",
                "supervisor_id",
            ],
            key=["nip"],
            update=[
                "name",
                "agency_id",
                "unit_id",
                "position_id",
                "employment_type",
                "email",
                "supervisor_id",
            ],
            rows=(
                (r[0], r[1], ag[r[2]], units[(r[2], r[3])], pos[(r[2], r[4])], r[5], r[7], before.get(r[6]))
                for r in rows
            ),
        )
        self._emp_ids = None
        ids = self._employee_ids()
        w.update_column(
            Employee._meta.db_table, "supervisor_id", ((ids[r[0]], ids[r[6]] if r[6] else None) for r in rows)
        )
        return res

    def _write_assessments(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        emp, comps = self._employee_ids(), self._competency_ids()
        return w.upsert(
            Assessment._meta.db_table,
            columns=["employee_id", "competency_id", "assessed_on", "level", "method", "note"],
            key=["employee_id", "competency_id", "assessed_on"],
            update=["level", "method"],
            rows=((emp[r[0]], comps[r[1]], r[2], r[3], r[4], "") for r in rows),
            sample=AUDIT_CHANGE_CAP,
        )

    def _write_learning_records(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        emp = self._employee_ids()
        return w.upsert(
            LearningRecord._meta.db_table,
            columns=[
                "employee_id",
                "title",
                "start_date",
                "end_date",
                "form_id",
                "provider",
                "jp",
                "certificate_no",
                "status",
            ],
            key=["employee_id", "title", "start_date"],
            update=["end_date", "form_id", "provider", "jp", "certificate_no", "status"],
            rows=((emp[r[0]], *r[1:]) for r in rows),
        )

    def _write_performance(self, w: Writer, rows: list[tuple[Any, ...]]) -> UpsertResult:
        emp = self._employee_ids()
        return w.upsert(
            PerformanceRating._meta.db_table,
            columns=["employee_id", "year", "hasil_kerja", "perilaku_kerja"],
            key=["employee_id", "year"],
            update=["hasil_kerja", "perilaku_kerja"],
            rows=((emp[r[0]], *r[1:]) for r in rows),
        )


def _js(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def run_import(
    path: Path,
    *,
    actor: Any = None,
    restrict_agency_ids: set[int] | None = None,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Import a file or folder per CONTRACT.md: all of it in one transaction, or nothing with every reason.

    Raises ImportUsageError when there is nothing to import (the CLI's exit code 2); a refusal of the
    data is a normal result with ok=False and the errors.
    """
    files = find_files(Path(path))
    importer = Importer(files, actor=actor, restrict_agency_ids=restrict_agency_ids, progress=progress)
    # Validation reads the database too: inside the transaction, so the maps match what is written.
    with transaction.atomic():
        importer.validate()
        if importer.result.ok:
            importer.write()
    return importer.result
