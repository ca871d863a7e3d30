"""Loading of the 9-box and succession inputs of one instansi from the database into engine/talent.py.

One place for the rule "kinerja from the year's predicate, potensi from the JPM with the instansi's cut-offs"
(PermenPANRB 3/2020, DOMAIN.md "Talent management"), shared by the talent pages and `bangkom export talent`.
Bulk: load_mapping (one query per table) plus one query for the year's ratings; no query per pegawai.
Nothing here decides who may see what: callers pass an instansi the user administers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models.expressions import RawSQL

from bangkom.competency.loading import MappingData, load_mapping
from bangkom.competency.models import Assessment, Requirement
from bangkom.dbarrays import fetch_numeric
from bangkom.engine.gaps import jpm_by_employee
from bangkom.engine.talent import RATINGS, NineBox, Succession, TalentSettings, nine_box, succession
from bangkom.evaluation.models import PerformanceRating
from bangkom.org.models import Agency, Position

SUCCESSION_TOP = 20


def talent_settings_for(agency: Agency) -> TalentSettings:
    """The instansi's potensi cut-offs and JPM settings (DOMAIN.md defaults unless overridden)."""
    from bangkom.interchange.exports import jpm_settings_for  # exports imports this module

    cut: dict[str, float] = agency.setting("talent_potensi_cutoffs")
    return TalentSettings(
        potensi_menengah=float(cut["menengah"]), potensi_tinggi=float(cut["tinggi"]), jpm=jpm_settings_for(agency)
    )


@dataclass
class TalentData:
    """Pegawai of the instansi (MappingData order: by NIP) with their JPM (potensi score) and 9-box."""

    year: int
    settings: TalentSettings
    mapping: MappingData
    potensi_hundredths: np.ndarray  # int64 [n], -1: no SKJ or some SKJ competency unassessed
    rated: np.ndarray  # bool [n]: has a performance rating in the year
    boxes: NineBox


def rating_years(agency: Agency) -> list[int]:
    """Years with at least one performance rating in the instansi, latest first."""
    qs = PerformanceRating.objects.filter(employee__agency=agency).order_by("-year")  # no Meta ordering in DISTINCT
    return list(qs.values_list("year", flat=True).distinct())


def load_talent(agency: Agency, year: int) -> TalentData:
    """Kinerja from the year's rating (predicate), potensi from the JPM, the box: for every pegawai."""
    settings = talent_settings_for(agency)
    data = load_mapping(agency_ids=[agency.pk])
    jpm = jpm_by_employee(data.line_employee, data.line_required, data.line_assessed, data.n_employees, settings.jpm)
    potensi_h = np.where(jpm.has_skj, jpm.jpm_hundredths, -1).astype(np.int64)
    index = {r: i for i, r in enumerate(RATINGS)}
    hasil = np.full(data.n_employees, -1, dtype=np.int8)
    perilaku = np.full(data.n_employees, -1, dtype=np.int8)
    rows = PerformanceRating.objects.filter(employee__agency=agency, year=year).values_list(
        "employee_id", "hasil_kerja", "perilaku_kerja"
    )
    position = {int(e): i for i, e in enumerate(data.employee_ids.tolist())}
    for e, h, p in rows:
        i = position.get(e)
        if i is not None:
            hasil[i], perilaku[i] = index[h], index[p]
    return TalentData(
        year=year,
        settings=settings,
        mapping=data,
        potensi_hundredths=potensi_h,
        rated=hasil >= 0,
        boxes=nine_box(hasil, perilaku, potensi_h, settings),
    )


def _latest_levels(
    agency_id: int, employee_ids: np.ndarray, comp_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR over pegawai (employee_ids order) of the latest assessed level of each competency in comp_ids (index
    into comp_ids). One query through dbarrays; the latest per (pegawai, competency) is picked in NumPy with
    competency.loading's rule: the latest day, and on the same day the highest level."""
    n, k = len(employee_ids), len(comp_ids)
    day_sql = (
        "(assessed_on - DATE '1970-01-01')"
        if connection.vendor == "postgresql"
        else "CAST(julianday(assessed_on) - 2440587.5 AS INTEGER)"
    )
    qs = (
        Assessment.objects.filter(employee__agency_id=agency_id, competency_id__in=comp_ids.tolist())
        .order_by()
        .annotate(day=RawSQL(day_sql, ()))  # noqa: S611 - constant SQL, no value
    )
    rows = fetch_numeric(qs, [("employee_id", "int8"), ("competency_id", "int8"), ("day", "int4"), ("level", "int2")])
    level_ptr = np.zeros(n + 1, dtype=np.int64)
    if len(rows["employee_id"]) == 0:
        return level_ptr, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8)
    by_id = np.argsort(employee_ids)
    e_pos = np.minimum(np.searchsorted(employee_ids[by_id], rows["employee_id"]), n - 1)
    known = employee_ids[by_id][e_pos] == rows["employee_id"]  # False only for one moved out meanwhile
    c_by_id = np.argsort(comp_ids)
    c_pos = np.searchsorted(comp_ids[c_by_id], rows["competency_id"])
    key = by_id[e_pos[known]].astype(np.int64) * k + c_by_id[c_pos[known]]
    order = np.lexsort((rows["level"][known], rows["day"][known], key))
    key, level = key[order], rows["level"][known][order]
    last = np.ones(len(key), dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    key, level = key[last], level[last]
    level_emp = key // k
    np.cumsum(np.bincount(level_emp, minlength=n), out=level_ptr[1:])
    return level_ptr, key % k, level.astype(np.int8)


@dataclass
class SuccessionResult:
    """Ranked candidates of one target jabatan; competency ids of the target's SKJ for the gap rows."""

    position: Position
    result: Succession
    skj_competency_ids: np.ndarray  # int64 [k], engine competency index -> id
    talent: TalentData


def load_succession(talent: TalentData, position: Position, *, top_n: int = SUCCESSION_TOP) -> SuccessionResult:
    """Rank the instansi's pegawai (not already in the position) for it: engine.talent.succession, with the JPM
    against the position's SKJ, readiness and the pegawai's box of `talent.year`. Two queries: the SKJ and the
    assessments of its competencies (the latest per pegawai and competency picked in NumPy)."""
    data = talent.mapping
    skj = list(
        Requirement.objects.filter(position=position)
        .order_by("competency__code")
        .values_list("competency_id", "required_level")
    )
    comp_ids = np.array([c for c, _ in skj], dtype=np.int64)
    required = np.array([r for _, r in skj], dtype=np.int8)
    # latest level per (pegawai, competency of the SKJ), as CSR over pegawai
    level_ptr, level_comp, level_value = _latest_levels(position.agency_id, data.employee_ids, comp_ids)
    candidates = np.flatnonzero(data.position_ids != position.pk).astype(np.int64)
    result = succession(
        np.array([0, len(comp_ids)], dtype=np.int64),
        np.arange(len(comp_ids), dtype=np.int64),
        required,
        np.array([0, len(candidates)], dtype=np.int64),
        candidates,
        level_ptr,
        level_comp,
        level_value,
        talent.boxes.box,
        top_n=top_n,
        settings=talent.settings,
    )
    return SuccessionResult(position=position, result=result, skj_competency_ids=comp_ids, talent=talent)
