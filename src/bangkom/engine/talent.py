"""Talent management: SKP predicate, 9-box and succession ranking (issue 7 items 2-3), vectorised.

Pure NumPy, no Django (DESIGN.md: engine/ is computation on arrays and dataclasses), so the talent pages, the
API, the jobs and the benchmark share one rule. Every code below is a stable string the Django layer
translates; arrays carry their index into the tuples (int8), -1 for "not known".

Predicate (PermenPANRB 6/2022, DOMAIN.md "Performance"). Ratings of hasil kerja and perilaku kerja are int8
indexes into RATINGS (0 di_bawah, 1 sesuai, 2 di_atas; anything else = not rated). The predicate is
PREDICATE_MATRIX[hasil, perilaku], an index into PREDICATES:

    hasil \\ perilaku   di_bawah        sesuai            di_atas
    di_atas            kurang          baik              sangat_baik
    sesuai             kurang          baik              baik
    di_bawah           sangat_kurang   butuh_perbaikan   butuh_perbaikan

"kurang" is the regulation's "Kurang/Misconduct" (one predicate: results at or above expectation with
behaviour below it); the label is the Django layer's. A missing rating gives no predicate (-1).

9-box (PermenPANRB 3/2020, DOMAIN.md "Talent management").
- kinerja axis (KINERJA: 0 below, 1 meets, 2 above expectation) from the predicate, by the setting
  `kinerja_by_predicate`; default sangat_baik -> above, baik -> meets, butuh_perbaikan / kurang /
  sangat_kurang -> below. DOMAIN.md does not fix this mapping (the regulation leaves the axis to the
  instansi), so it is a setting; the predicate is used rather than hasil kerja alone so that misconduct
  (kurang) never lands a pegawai in a high box.
- potensi axis (POTENSI: 0 rendah, 1 menengah, 2 tinggi) from a score in hundredths (JPM x 100 exactly as
  engine/gaps.py gives it, or a potential-assessment score on the same 0-100 scale): rendah below
  `potensi_menengah` (68), menengah up to below `potensi_tinggi` (80), tinggi from 80 (inclusive lower
  bounds, compared in exact hundredths: 67.99 rendah, 68.00 menengah, 79.99 menengah, 80.00 tinggi).
  A negative score (JPM belum_dinilai, no assessment) is unknown.
- box = BOX_GRID[potensi, kinerja]: tinggi row 6, 8, 9; menengah 3, 5, 7; rendah 1, 2, 4 (kinerja columns
  below -> above). Unknown kinerja or potensi -> box 0 (no box).
- recommended actions per box: BOX_ACTIONS (codes in ACTIONS, as DOMAIN.md lists them) and, for filters and
  bulk queries, ACTION_MASK[box] (bit i set = ACTIONS[i] recommended).

Succession for key jabatan. Inputs are CSR arrays: the target jabatan's SKJ (competency, required level),
the candidates of each jabatan (pegawai indexes, chosen by the Django layer: eligibility by rank, kind of
position etc. is not decided here) and every pegawai's latest assessed levels. For each (jabatan, candidate):
- JPM against the TARGET SKJ, with engine/gaps.py's rule and function (100 x sum(assessed) / sum(required),
  uncapped unless JpmSettings.capped, half-up to 2 decimals in exact integers); undefined (-1) when any SKJ
  competency has no assessment.
- the candidate's own box (input, from nine_box on their current performance and potensi).
- readiness (READINESS): siap_sekarang when JPM >= `ready_now_jpm` (80) and box in `ready_now_boxes`
  (7, 8, 9); else siap_1_2_tahun when JPM >= `ready_later_jpm` (68) and box in `ready_later_boxes` (5..9,
  i.e. box >= 5); else perlu_pengembangan; belum_dinilai when the JPM is undefined (assess first).
- the gaps to close: every SKJ line with assessed < required (gap = required - assessed) or unassessed
  (assessed 0, gap -1, as engine/gaps.line_gaps).
Ranking within a jabatan: readiness (siap_sekarang first, belum_dinilai last), then box priority
(`box_priority`, default 9, 8, 7, ..., 1, 0: the regulation's box number order), then JPM descending, then
pegawai index (so the order is total and stable). Only the best `top_n` per jabatan are returned.
Vectorised: one expansion of (pair x SKJ line), one gather per line from a dense int8 table of levels (pegawai x
the competencies some SKJ uses), bincounts, one lexsort; only the kept pairs are expanded again for their gaps.
Scale (bench/talent_bench.py, 2 vCPU): 9-box of 250,000 pegawai 0.005 s; 500 key jabatan x 1,000 candidates
(4.2 million SKJ lines) ranked with the gaps of the top 10 in 0.49 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from bangkom.engine.gaps import NOT_ASSESSED, JpmSettings, categorize, round_half_up_hundredths

RATINGS: tuple[str, ...] = ("di_bawah", "sesuai", "di_atas")
DI_BAWAH, SESUAI, DI_ATAS = 0, 1, 2
PREDICATES: tuple[str, ...] = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")
SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG = 0, 1, 2, 3, 4
KINERJA: tuple[str, ...] = ("di_bawah_ekspektasi", "sesuai_ekspektasi", "di_atas_ekspektasi")
POTENSI: tuple[str, ...] = ("rendah", "menengah", "tinggi")
UNKNOWN = -1

# [hasil, perilaku] -> predicate index (DOMAIN.md matrix; rows and columns in RATINGS order)
PREDICATE_MATRIX: tuple[tuple[int, int, int], ...] = (
    (SANGAT_KURANG, BUTUH_PERBAIKAN, BUTUH_PERBAIKAN),  # hasil di_bawah
    (KURANG, BAIK, BAIK),  # hasil sesuai
    (KURANG, BAIK, SANGAT_BAIK),  # hasil di_atas
)
KINERJA_BY_PREDICATE: tuple[int, ...] = (2, 1, 0, 0, 0)  # sangat_baik above, baik meets, the rest below

# [potensi, kinerja] -> box number (DOMAIN.md: tinggi 6, 8, 9; menengah 3, 5, 7; rendah 1, 2, 4)
BOX_GRID: tuple[tuple[int, int, int], ...] = ((1, 2, 4), (3, 5, 7), (6, 8, 9))
NO_BOX = 0

ACTIONS: tuple[str, ...] = (
    "promosi",
    "kelompok_suksesi",
    "retensi",
    "rotasi",
    "pengembangan",
    "penempatan",
    "bimbingan_kinerja",
    "konseling_kinerja",
    "bimbingan",
    "penegakan_disiplin",
)
BOX_ACTIONS: dict[int, tuple[str, ...]] = {
    0: (),
    1: ("penegakan_disiplin",),
    2: ("bimbingan", "pengembangan", "penempatan"),
    3: ("bimbingan", "pengembangan", "penempatan"),
    4: ("rotasi", "pengembangan"),
    5: ("penempatan", "bimbingan", "pengembangan"),
    6: ("penempatan", "bimbingan_kinerja", "konseling_kinerja"),
    7: ("retensi", "kelompok_suksesi", "rotasi", "pengembangan"),
    8: ("retensi", "kelompok_suksesi", "rotasi", "pengembangan"),
    9: ("promosi", "kelompok_suksesi"),
}
ACTION_MASK = np.array([sum(1 << ACTIONS.index(a) for a in BOX_ACTIONS[box]) for box in range(10)], dtype=np.uint16)

READINESS: tuple[str, ...] = ("siap_sekarang", "siap_1_2_tahun", "perlu_pengembangan", "belum_dinilai")
SIAP_SEKARANG, SIAP_1_2_TAHUN, PERLU_PENGEMBANGAN, BELUM_DINILAI = 0, 1, 2, 3


@dataclass(frozen=True)
class TalentSettings:
    """Per-instansi settings (DOMAIN.md defaults). Score cut-offs are inclusive lower bounds, 2 decimals."""

    predicate_matrix: tuple[tuple[int, int, int], ...] = PREDICATE_MATRIX
    kinerja_by_predicate: tuple[int, ...] = KINERJA_BY_PREDICATE
    potensi_menengah: float = 68.0
    potensi_tinggi: float = 80.0
    ready_now_jpm: float = 80.0
    ready_later_jpm: float = 68.0
    ready_now_boxes: frozenset[int] = frozenset({7, 8, 9})
    ready_later_boxes: frozenset[int] = frozenset({5, 6, 7, 8, 9})
    box_priority: tuple[int, ...] = (9, 8, 7, 6, 5, 4, 3, 2, 1, 0)  # best first
    jpm: JpmSettings = field(default_factory=JpmSettings)

    def __post_init__(self) -> None:
        matrix = np.asarray(self.predicate_matrix)
        if matrix.shape != (3, 3) or matrix.min() < 0 or matrix.max() >= len(PREDICATES):
            raise ValueError("predicate_matrix: 3 x 3 predicate indexes (rows hasil, columns perilaku)")
        kinerja = np.asarray(self.kinerja_by_predicate)
        if kinerja.shape != (len(PREDICATES),) or kinerja.min() < 0 or kinerja.max() > 2:
            raise ValueError("kinerja_by_predicate: one kinerja index 0..2 per predicate")
        if not (0 <= self.potensi_menengah <= self.potensi_tinggi and 0 <= self.ready_later_jpm <= self.ready_now_jpm):
            raise ValueError("cut-offs must be >= 0, the lower one not above the upper one")
        if not set(self.ready_now_boxes) | set(self.ready_later_boxes) <= set(range(1, 10)):
            raise ValueError("ready boxes are 1..9")
        if sorted(self.box_priority) != list(range(10)):
            raise ValueError("box_priority orders every box 0..9 once")


def predicate(hasil: np.ndarray, perilaku: np.ndarray, settings: TalentSettings | None = None) -> np.ndarray:
    """int8 predicate index (PREDICATES) per pegawai; -1 where either rating is missing or out of range."""
    settings = settings or TalentSettings()
    matrix = np.asarray(settings.predicate_matrix, dtype=np.int8)
    h = np.asarray(hasil)
    p = np.asarray(perilaku)
    valid = (h >= 0) & (h <= 2) & (p >= 0) & (p <= 2)
    out = matrix[np.where(valid, h, 0), np.where(valid, p, 0)]
    out[~valid] = UNKNOWN
    return out


def kinerja_level(predicates: np.ndarray, settings: TalentSettings | None = None) -> np.ndarray:
    """int8 kinerja index (KINERJA) from the predicate index; -1 where there is no predicate."""
    settings = settings or TalentSettings()
    table = np.asarray(settings.kinerja_by_predicate, dtype=np.int8)
    pred = np.asarray(predicates)
    valid = (pred >= 0) & (pred < len(table))
    out = table[np.where(valid, pred, 0)]
    out[~valid] = UNKNOWN
    return out


def potensi_level(score_hundredths: np.ndarray, settings: TalentSettings | None = None) -> np.ndarray:
    """int8 potensi index (POTENSI) from a 0-100 score in exact hundredths (JpmResult.jpm_hundredths);
    -1 where the score is negative (unknown). Uses gaps.categorize, so the cut-offs behave as JPM's do."""
    settings = settings or TalentSettings()
    cat = categorize(np.asarray(score_hundredths), settings.potensi_tinggi, settings.potensi_menengah)
    out = (2 - cat).astype(np.int8)
    out[cat == NOT_ASSESSED] = UNKNOWN
    return out


def score_hundredths(percent: np.ndarray) -> np.ndarray:
    """int64 hundredths from float percent scores (a potential assessment, JpmResult.jpm), -1 where NaN or
    negative. Half-up to 2 decimals after a 1e-6 nudge, so that a float like 67.995 (stored 67.99499...) gives
    6800 as a person reading it expects; scores with more decimals than that are not meant to be exact."""
    x = np.asarray(percent, dtype=np.float64)
    known = np.isfinite(x) & (x >= 0)
    out = np.full(x.shape, -1, dtype=np.int64)
    out[known] = np.floor(x[known] * 100 + 0.5 + 1e-6).astype(np.int64)
    return out


def box_number(kinerja: np.ndarray, potensi: np.ndarray) -> np.ndarray:
    """int8 box 1..9 from the two axes (BOX_GRID); 0 where either axis is unknown."""
    grid = np.asarray(BOX_GRID, dtype=np.int8)
    k = np.asarray(kinerja)
    p = np.asarray(potensi)
    valid = (k >= 0) & (k <= 2) & (p >= 0) & (p <= 2)
    out = grid[np.where(valid, p, 0), np.where(valid, k, 0)]
    out[~valid] = NO_BOX
    return out


@dataclass(frozen=True)
class NineBox:
    """Per pegawai, int8 arrays: predicate (PREDICATES), kinerja (KINERJA), potensi (POTENSI) with -1 for
    unknown, and box 0..9 (0: no box). `actions` is ACTION_MASK per pegawai (uint16 bit set)."""

    predicate: np.ndarray
    kinerja: np.ndarray
    potensi: np.ndarray
    box: np.ndarray

    @property
    def actions(self) -> np.ndarray:
        return ACTION_MASK[self.box]


def nine_box(
    hasil: np.ndarray,
    perilaku: np.ndarray,
    potensi_hundredths: np.ndarray,
    settings: TalentSettings | None = None,
) -> NineBox:
    """Predicate, both axes and the box for every pegawai; no loop over pegawai."""
    settings = settings or TalentSettings()
    pred = predicate(hasil, perilaku, settings)
    kin = kinerja_level(pred, settings)
    pot = potensi_level(potensi_hundredths, settings)
    return NineBox(predicate=pred, kinerja=kin, potensi=pot, box=box_number(kin, pot))


def box_actions(box: int) -> tuple[str, ...]:
    """The recommended action codes of one box (0: none)."""
    return BOX_ACTIONS[int(box)]


@dataclass(frozen=True)
class LineGap:
    competency: int
    required: int
    assessed: int  # 0: not assessed
    gap: int  # required - assessed, -1 when not assessed


@dataclass(frozen=True)
class Candidate:
    jabatan: int
    pegawai: int
    rank: int  # 0 = the best candidate of the jabatan
    jpm_hundredths: int  # -1: undefined (some SKJ competency not assessed)
    box: int
    readiness: str
    gaps: tuple[LineGap, ...]


@dataclass(frozen=True)
class Succession:
    """Ranked candidates, rows sorted by (jabatan, rank); `ptr` [n_jabatan + 1] gives each jabatan's rows.

    jabatan, pegawai, rank: int32 [r]; jpm_hundredths: int64 [r] (-1 undefined); box, readiness: int8 [r]
    (READINESS index). The gaps to close are CSR: row i's lines are gap_ptr[i]:gap_ptr[i + 1] of
    gap_competency / gap_required / gap_assessed / gap (gap -1: not assessed), in SKJ order.
    """

    ptr: np.ndarray
    jabatan: np.ndarray
    pegawai: np.ndarray
    rank: np.ndarray
    jpm_hundredths: np.ndarray
    box: np.ndarray
    readiness: np.ndarray
    gap_ptr: np.ndarray
    gap_competency: np.ndarray
    gap_required: np.ndarray
    gap_assessed: np.ndarray
    gap: np.ndarray

    def candidates(self, jabatan: int) -> Iterator[Candidate]:
        """The ranked candidates of one jabatan as plain dataclasses (for pages and the API)."""
        for i in range(int(self.ptr[jabatan]), int(self.ptr[jabatan + 1])):
            lo, hi = int(self.gap_ptr[i]), int(self.gap_ptr[i + 1])
            yield Candidate(
                jabatan=int(self.jabatan[i]),
                pegawai=int(self.pegawai[i]),
                rank=int(self.rank[i]),
                jpm_hundredths=int(self.jpm_hundredths[i]),
                box=int(self.box[i]),
                readiness=READINESS[int(self.readiness[i])],
                gaps=tuple(
                    LineGap(int(c), int(r), int(a), int(g))
                    for c, r, a, g in zip(
                        self.gap_competency[lo:hi],
                        self.gap_required[lo:hi],
                        self.gap_assessed[lo:hi],
                        self.gap[lo:hi],
                        strict=True,
                    )
                ),
            )


def _expand(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR `ptr` and a list of rows: (owner position in `rows`, flat index) of every element of them."""
    starts = ptr[rows].astype(np.int64)
    counts = (ptr[rows + 1] - ptr[rows]).astype(np.int64)
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    flat = np.arange(int(counts.sum()), dtype=np.int64) - first[owner] + starts[owner]
    return owner, flat


def readiness(jpm_hundredths: np.ndarray, box: np.ndarray, settings: TalentSettings | None = None) -> np.ndarray:
    """int8 READINESS index from the JPM against the target SKJ (exact hundredths, -1 undefined) and box."""
    settings = settings or TalentSettings()
    h = np.asarray(jpm_hundredths)
    b = np.asarray(box)
    if b.size and (int(b.min()) < 0 or int(b.max()) > 9):
        raise ValueError("box must be 0..9")
    now_boxes = np.zeros(10, dtype=bool)
    now_boxes[list(settings.ready_now_boxes)] = True
    later_boxes = np.zeros(10, dtype=bool)
    later_boxes[list(settings.ready_later_boxes)] = True
    cat = categorize(h, settings.ready_now_jpm, settings.ready_later_jpm)  # 0 >= now, 1 >= later, 3 undefined
    out = np.full(h.shape, PERLU_PENGEMBANGAN, dtype=np.int8)
    out[(cat <= 1) & later_boxes[b]] = SIAP_1_2_TAHUN
    out[(cat == 0) & now_boxes[b]] = SIAP_SEKARANG
    out[h < 0] = BELUM_DINILAI
    return out


_DENSE_LIMIT = 1 << 28  # bytes of the dense (pegawai x SKJ competency) int8 level table; beyond: sorted keys


class _Levels:
    """Latest level of any (pegawai, competency), 0 when not assessed; built once per succession() call.

    A dense int8 table of every pegawai x the competencies some SKJ uses (77 MB for 250,000 x 309) turns each
    query into one gather: measured several times faster than a searchsorted over the sorted (pegawai,
    competency) keys (random probes into 5 million keys), which stays as the fallback for bigger tables.
    """

    def __init__(
        self,
        n_pegawai: int,
        level_ptr: np.ndarray,
        level_competency: np.ndarray,
        level_value: np.ndarray,
        skj_competency: np.ndarray,
    ) -> None:
        owner = np.repeat(np.arange(n_pegawai, dtype=np.int64), np.diff(level_ptr))
        competency = np.asarray(level_competency, dtype=np.int64)
        values = np.asarray(level_value, dtype=np.int8)
        if len(competency) and int(competency.min()) < 0:
            raise ValueError("level_competency must be >= 0")
        self.width = int(max(np.max(skj_competency, initial=-1), np.max(competency, initial=-1))) + 1
        used = np.unique(skj_competency)
        self.dense = n_pegawai * len(used) <= _DENSE_LIMIT
        if self.dense:
            self.n_used = len(used)
            self.column = np.full(self.width, -1, dtype=np.int64)
            self.column[used] = np.arange(len(used))
            column = self.column[competency]
            keep = column >= 0
            if not keep.all():
                owner, column, values = owner[keep], column[keep], values[keep]
            self.table = np.zeros(n_pegawai * len(used), dtype=np.int8)
            owner *= len(used)
            owner += column
            self.table[owner] = values
            return
        keys = owner * self.width + competency
        if len(keys) > 1 and bool(np.any(keys[1:] < keys[:-1])):
            order = np.argsort(keys, kind="stable")
            keys, values = keys[order], values[order]
        self.keys, self.values = keys, values

    def row_base(self, pegawai: np.ndarray) -> np.ndarray:
        """Per pegawai, the offset that `lookup` adds to a competency's column."""
        return pegawai * (self.n_used if self.dense else self.width)

    def columns(self, competency: np.ndarray) -> np.ndarray:
        return self.column[competency] if self.dense else competency

    def lookup(self, base: np.ndarray, column: np.ndarray) -> np.ndarray:
        """int8 levels at row_base(pegawai) + columns(competency), elementwise."""
        if self.dense:
            return self.table[base + column]
        out = np.zeros(len(base), dtype=np.int8)
        if len(self.keys):
            query = base + column
            pos = np.searchsorted(self.keys, query)
            np.minimum(pos, len(self.keys) - 1, out=pos)
            found = self.keys[pos] == query
            out[found] = self.values[pos[found]]
        return out


def succession(
    skj_ptr: np.ndarray,
    skj_competency: np.ndarray,
    skj_required: np.ndarray,
    candidate_ptr: np.ndarray,
    candidate_pegawai: np.ndarray,
    level_ptr: np.ndarray,
    level_competency: np.ndarray,
    level_value: np.ndarray,
    box: np.ndarray,
    *,
    top_n: int = 10,
    settings: TalentSettings | None = None,
) -> Succession:
    """Rank the candidates of every key jabatan (module docstring) and keep the best `top_n` of each.

    skj_ptr [J + 1] / skj_competency / skj_required (1..5): the SKJ of each target jabatan (a competency at
    most once per SKJ); candidate_ptr [J + 1] / candidate_pegawai: the candidates (pegawai indexes) of each;
    level_ptr [P + 1] / level_competency / level_value (1..5): each pegawai's latest assessed levels (a
    competency at most once per pegawai; any order); box [P]: each pegawai's 9-box (0..9).
    """
    settings = settings or TalentSettings()
    skj_ptr = np.asarray(skj_ptr, dtype=np.int64)
    candidate_ptr = np.asarray(candidate_ptr, dtype=np.int64)
    level_ptr = np.asarray(level_ptr, dtype=np.int64)
    n_jabatan = len(skj_ptr) - 1
    n_pegawai = len(level_ptr) - 1
    if len(candidate_ptr) != n_jabatan + 1:
        raise ValueError("skj_ptr and candidate_ptr need one row per jabatan")
    box = np.asarray(box, dtype=np.int8)
    if box.shape != (n_pegawai,):
        raise ValueError("box needs one entry per pegawai")
    cand = np.asarray(candidate_pegawai, dtype=np.int64)
    if len(cand) and (cand.min() < 0 or cand.max() >= n_pegawai):
        raise ValueError("candidate_pegawai out of range")

    skj_competency = np.asarray(skj_competency, dtype=np.int64)
    skj_required = np.asarray(skj_required, dtype=np.int8)
    levels = _Levels(n_pegawai, level_ptr, level_competency, level_value, skj_competency)
    skj_column = levels.columns(skj_competency)

    # one pair per (jabatan, candidate); one line per (pair, SKJ line): the only pass over every line
    pair_jabatan = np.repeat(np.arange(n_jabatan, dtype=np.int64), np.diff(candidate_ptr))
    n_pairs = len(pair_jabatan)
    line_pair, skj_line = _expand(skj_ptr, pair_jabatan)
    line_ass = levels.lookup(levels.row_base(cand)[line_pair], skj_column[skj_line])
    if settings.jpm.capped:
        np.minimum(line_ass, skj_required[skj_line], out=line_ass)
    skj_owner = np.repeat(np.arange(n_jabatan, dtype=np.int64), np.diff(skj_ptr))
    sum_req = np.bincount(skj_owner, weights=skj_required, minlength=n_jabatan).astype(np.int64)[pair_jabatan]
    sum_ass = np.bincount(line_pair, weights=line_ass, minlength=n_pairs).astype(np.int64)
    missing = np.bincount(line_pair, weights=line_ass == 0, minlength=n_pairs) > 0
    del line_pair, skj_line, line_ass
    jpm_h = round_half_up_hundredths(sum_ass, np.maximum(sum_req, 1))
    jpm_h[missing | (sum_req == 0)] = -1
    pair_box = box[cand]
    pair_ready = readiness(jpm_h, pair_box, settings)

    priority = np.full(10, len(settings.box_priority), dtype=np.int64)
    priority[list(settings.box_priority)] = np.arange(len(settings.box_priority))
    order = np.lexsort((cand, -jpm_h, priority[pair_box], pair_ready, pair_jabatan))
    sorted_jabatan = pair_jabatan[order]
    first = np.searchsorted(sorted_jabatan, np.arange(n_jabatan + 1))
    rank = np.arange(n_pairs, dtype=np.int64) - first[sorted_jabatan]
    kept = order[rank < top_n]
    kept_rank = rank[rank < top_n]
    out_jabatan = pair_jabatan[kept]
    ptr = np.searchsorted(out_jabatan, np.arange(n_jabatan + 1)).astype(np.int64)

    # the gaps of the kept pairs only (top_n per jabatan), in SKJ order: their lines looked up again
    row, line = _expand(skj_ptr, out_jabatan)
    ass = levels.lookup(levels.row_base(cand[kept])[row], skj_column[line])
    req = skj_required[line]
    is_gap = ass < req
    row, line, ass, req = row[is_gap], line[is_gap], ass[is_gap], req[is_gap]
    gap = np.where(ass == 0, -1, req - ass).astype(np.int8)
    gap_ptr = np.zeros(len(kept) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=len(kept)), out=gap_ptr[1:])
    return Succession(
        ptr=ptr,
        jabatan=out_jabatan.astype(np.int32),
        pegawai=cand[kept].astype(np.int32),
        rank=kept_rank.astype(np.int32),
        jpm_hundredths=jpm_h[kept],
        box=pair_box[kept],
        readiness=pair_ready[kept],
        gap_ptr=gap_ptr,
        gap_competency=skj_competency[line].astype(np.int32),
        gap_required=req,
        gap_assessed=ass,
        gap=gap,
    )
