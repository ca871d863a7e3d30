"""engine/talent.py: SKP predicate, 9-box, actions and succession ranking per DOMAIN.md, by table and property."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bangkom.engine.gaps import JpmSettings
from bangkom.engine.talent import (
    ACTION_MASK,
    ACTIONS,
    BOX_ACTIONS,
    KINERJA,
    POTENSI,
    PREDICATES,
    RATINGS,
    READINESS,
    TalentSettings,
    box_actions,
    box_number,
    nine_box,
    predicate,
    readiness,
    score_hundredths,
    succession,
)


def _rating(code: str) -> int:
    return RATINGS.index(code)


@pytest.mark.parametrize(
    ("hasil", "perilaku", "expected"),
    [
        ("di_atas", "di_bawah", "kurang"),  # Kurang/Misconduct
        ("di_atas", "sesuai", "baik"),
        ("di_atas", "di_atas", "sangat_baik"),
        ("sesuai", "di_bawah", "kurang"),  # Kurang/Misconduct
        ("sesuai", "sesuai", "baik"),
        ("sesuai", "di_atas", "baik"),
        ("di_bawah", "di_bawah", "sangat_kurang"),
        ("di_bawah", "sesuai", "butuh_perbaikan"),
        ("di_bawah", "di_atas", "butuh_perbaikan"),
    ],
)
def test_predicate_matrix(hasil: str, perilaku: str, expected: str) -> None:
    got = predicate(np.array([_rating(hasil)], np.int8), np.array([_rating(perilaku)], np.int8))
    assert PREDICATES[int(got[0])] == expected


def test_predicate_vectorised_and_missing_rating() -> None:
    hasil = np.array([2, 1, 0, -1, 2, 3], np.int8)
    perilaku = np.array([2, 1, 0, 1, -1, 1], np.int8)
    assert predicate(hasil, perilaku).tolist() == [0, 1, 4, -1, -1, -1]


# kinerja column from the predicate: sangat_baik above, baik meets, the rest below
_RATINGS_FOR_KINERJA = {"below": (0, 1), "meets": (1, 1), "above": (2, 2)}


@pytest.mark.parametrize(
    ("kinerja", "score", "box"),
    [
        ("below", 8500, 6),
        ("meets", 8500, 8),
        ("above", 8500, 9),
        ("below", 7000, 3),
        ("meets", 7000, 5),
        ("above", 7000, 7),
        ("below", 5000, 1),
        ("meets", 5000, 2),
        ("above", 5000, 4),
    ],
)
def test_nine_box_cells(kinerja: str, score: int, box: int) -> None:
    h, p = _RATINGS_FOR_KINERJA[kinerja]
    res = nine_box(np.array([h], np.int8), np.array([p], np.int8), np.array([score]))
    assert int(res.box[0]) == box


@pytest.mark.parametrize(
    ("score", "potensi", "box"),
    [
        (6799, "rendah", 2),  # 67.99
        (6800, "menengah", 5),  # 68.00
        (7999, "menengah", 5),  # 79.99
        (8000, "tinggi", 8),  # 80.00
        (0, "rendah", 2),
        (10000, "tinggi", 8),
        (13333, "tinggi", 8),  # uncapped JPM above 100
    ],
)
def test_potensi_cut_offs(score: int, potensi: str, box: int) -> None:
    res = nine_box(np.array([1], np.int8), np.array([1], np.int8), np.array([score]))  # baik: meets
    assert POTENSI[int(res.potensi[0])] == potensi
    assert KINERJA[int(res.kinerja[0])] == "sesuai_ekspektasi"
    assert int(res.box[0]) == box


def test_unknown_potensi_or_kinerja_has_no_box() -> None:
    res = nine_box(np.array([2, -1], np.int8), np.array([2, 1], np.int8), np.array([-1, 9000]))
    assert res.potensi.tolist() == [-1, 2]
    assert res.kinerja.tolist() == [2, -1]
    assert res.box.tolist() == [0, 0]
    assert res.actions.tolist() == [0, 0]


def test_instansi_cut_offs_are_settings() -> None:
    s = TalentSettings(potensi_menengah=60.0, potensi_tinggi=75.5)
    res = nine_box(np.full(4, 1, np.int8), np.full(4, 1, np.int8), np.array([5999, 6000, 7549, 7550]), s)
    assert res.potensi.tolist() == [0, 1, 1, 2]


@pytest.mark.parametrize(
    ("box", "actions"),
    [
        (9, {"promosi", "kelompok_suksesi"}),
        (8, {"retensi", "kelompok_suksesi", "rotasi", "pengembangan"}),
        (7, {"retensi", "kelompok_suksesi", "rotasi", "pengembangan"}),
        (6, {"penempatan", "bimbingan_kinerja", "konseling_kinerja"}),
        (5, {"penempatan", "bimbingan", "pengembangan"}),
        (4, {"rotasi", "pengembangan"}),
        (3, {"bimbingan", "pengembangan", "penempatan"}),
        (2, {"bimbingan", "pengembangan", "penempatan"}),
        (1, {"penegakan_disiplin"}),
        (0, set()),
    ],
)
def test_actions_per_box(box: int, actions: set[str]) -> None:
    assert set(box_actions(box)) == actions
    mask = int(ACTION_MASK[box])
    assert {a for i, a in enumerate(ACTIONS) if mask >> i & 1} == actions


def test_every_action_code_is_used() -> None:
    assert {a for acts in BOX_ACTIONS.values() for a in acts} == set(ACTIONS)


def test_readiness_rules() -> None:
    jpm_h = np.array([8000, 7999, 8000, 6800, 6799, 9000, -1, 6800])
    box = np.array([7, 9, 6, 5, 9, 4, 9, 6], np.int8)
    got = [READINESS[i] for i in readiness(jpm_h, box)]
    assert got == [
        "siap_sekarang",
        "siap_1_2_tahun",  # 79.99
        "siap_1_2_tahun",  # box 6 is not ready now
        "siap_1_2_tahun",
        "perlu_pengembangan",  # 67.99
        "perlu_pengembangan",  # box 4
        "belum_dinilai",
        "siap_1_2_tahun",
    ]


def _csr(rows: list[list[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ptr = np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)
    comp = np.array([c for r in rows for c, _ in r], np.int32)
    val = np.array([v for r in rows for _, v in r], np.int8)
    return ptr, comp, val


def test_succession_small_case() -> None:
    # jabatan 0: SKJ competencies 0, 1, 2 at levels 3, 3, 4 (sum 10); jabatan 1: competency 3 at level 2
    skj_ptr, skj_comp, skj_req = _csr([[(0, 3), (1, 3), (2, 4)], [(3, 2)]])
    levels = [
        [(0, 3), (1, 3), (2, 4)],  # p0: 100.00, box 9 -> siap_sekarang
        [(0, 3), (1, 3), (2, 2), (3, 2)],  # p1: 80.00, box 8 -> siap_sekarang (lower JPM than p0)
        [(2, 4), (0, 4), (1, 4)],  # p2: 120.00 (uncapped), box 5 -> siap_1_2_tahun
        [(0, 3), (1, 1), (2, 3)],  # p3: 70.00, box 9 -> siap_1_2_tahun, after p2 by box? no: box 9 first
        [(0, 3), (2, 4)],  # p4: competency 1 not assessed -> belum_dinilai
        [(0, 2), (1, 2), (2, 2)],  # p5: 60.00 -> perlu_pengembangan
    ]
    lv_ptr, lv_comp, lv_val = _csr(levels)
    box = np.array([9, 8, 5, 9, 9, 7], np.int8)
    cand_ptr = np.array([0, 6, 8])
    cand = np.array([5, 4, 3, 2, 1, 0, 2, 1])
    res = succession(skj_ptr, skj_comp, skj_req, cand_ptr, cand, lv_ptr, lv_comp, lv_val, box, top_n=10)
    rows = list(res.candidates(0))
    assert [(c.pegawai, c.readiness, c.jpm_hundredths) for c in rows] == [
        (0, "siap_sekarang", 10000),
        (1, "siap_sekarang", 8000),
        (3, "siap_1_2_tahun", 7000),  # box 9 before box 5 although its JPM is lower
        (2, "siap_1_2_tahun", 12000),
        (5, "perlu_pengembangan", 6000),
        (4, "belum_dinilai", -1),
    ]
    assert [c.rank for c in rows] == [0, 1, 2, 3, 4, 5]
    assert [(g.competency, g.required, g.assessed, g.gap) for g in rows[1].gaps] == [(2, 4, 2, 2)]
    assert [(g.competency, g.required, g.assessed, g.gap) for g in rows[2].gaps] == [(1, 3, 1, 2), (2, 4, 3, 1)]
    assert rows[3].gaps == () and rows[0].gaps == ()
    assert [(g.competency, g.assessed, g.gap) for g in rows[5].gaps] == [(1, 0, -1)]
    assert [(g.competency, g.gap) for g in rows[4].gaps] == [(0, 1), (1, 1), (2, 2)]
    second = list(res.candidates(1))  # competency 3 level 2: p1 has it, p2 not
    assert [(c.pegawai, c.readiness, c.jpm_hundredths) for c in second] == [
        (1, "siap_sekarang", 10000),
        (2, "belum_dinilai", -1),
    ]
    top2 = succession(skj_ptr, skj_comp, skj_req, cand_ptr, cand, lv_ptr, lv_comp, lv_val, box, top_n=2)
    assert top2.ptr.tolist() == [0, 2, 4]
    assert top2.pegawai.tolist() == [0, 1, 1, 2]
    capped = succession(
        skj_ptr, skj_comp, skj_req, cand_ptr, cand, lv_ptr, lv_comp, lv_val, box,
        settings=TalentSettings(jpm=JpmSettings(capped=True)),
    )  # fmt: skip
    assert {c.pegawai: c.jpm_hundredths for c in capped.candidates(0)}[2] == 10000


def _jpm_reference(skj: list[tuple[int, int]], levels: dict[int, int], capped: bool) -> int:
    if any(c not in levels for c, _ in skj):
        return -1
    used = sum(min(levels[c], r) if capped else levels[c] for c, r in skj)
    value = (Decimal(100) * used / sum(r for _, r in skj)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(value * 100)


_skj = st.lists(st.tuples(st.integers(0, 7), st.integers(1, 5)), min_size=1, max_size=6, unique_by=lambda t: t[0])
_levels = st.lists(st.tuples(st.integers(0, 7), st.integers(1, 5)), max_size=8, unique_by=lambda t: t[0])


@settings(max_examples=60, deadline=None)
@given(
    skjs=st.lists(_skj, min_size=1, max_size=4),
    people=st.lists(st.tuples(_levels, st.integers(0, 9)), min_size=1, max_size=8),
    picks=st.lists(st.lists(st.integers(0, 7), max_size=8, unique=True), min_size=4, max_size=4),
    top_n=st.integers(1, 9),
    capped=st.booleans(),
    scores=st.lists(st.integers(-1, 12000), min_size=8, max_size=8),
    ratings=st.lists(st.integers(-1, 2), min_size=16, max_size=16),
)
def test_succession_property(
    skjs: list[list[tuple[int, int]]],
    people: list[tuple[list[tuple[int, int]], int]],
    picks: list[list[int]],
    top_n: int,
    capped: bool,
    scores: list[int],
    ratings: list[int],
) -> None:
    boxes = nine_box(np.array(ratings[:8], np.int8), np.array(ratings[8:], np.int8), np.array(scores)).box
    assert all(0 <= b <= 9 for b in boxes.tolist())
    n = len(people)
    cands = [[p for p in pick if p < n] for pick in picks[: len(skjs)]]
    skj_ptr, skj_comp, skj_req = _csr(skjs)
    lv_ptr, lv_comp, lv_val = _csr([lv for lv, _ in people])
    box = np.array([b for _, b in people], np.int8)
    cand_ptr = np.cumsum([0] + [len(c) for c in cands])
    cand = np.array([p for c in cands for p in c], np.int64)
    s = TalentSettings(jpm=JpmSettings(capped=capped))
    res = succession(skj_ptr, skj_comp, skj_req, cand_ptr, cand, lv_ptr, lv_comp, lv_val, box, top_n=top_n, settings=s)
    prio = {b: i for i, b in enumerate(s.box_priority)}
    for j, skj in enumerate(skjs):
        expected = []
        for p in cands[j]:
            h = _jpm_reference(skj, dict(people[p][0]), capped)
            r = int(readiness(np.array([h]), np.array([people[p][1]], np.int8), s)[0])
            expected.append((r, prio[people[p][1]], -h, p))
        expected.sort()
        got = [(c.pegawai, c.jpm_hundredths, READINESS.index(c.readiness)) for c in res.candidates(j)]
        assert got == [(p, -mh, r) for r, _, mh, p in expected[:top_n]]
        assert [c.rank for c in res.candidates(j)] == list(range(len(got)))
        for c in res.candidates(j):
            lv = dict(people[c.pegawai][0])
            want = [(comp, req, lv.get(comp, 0)) for comp, req in skj if lv.get(comp, 0) < req]
            assert [(g.competency, g.required, g.assessed) for g in c.gaps] == want
            assert all(g.gap == (-1 if g.assessed == 0 else g.required - g.assessed) for g in c.gaps)


def test_box_grid() -> None:
    kinerja = np.tile(np.arange(3, dtype=np.int8), 3)
    potensi = np.repeat(np.array([2, 1, 0], np.int8), 3)  # rows from tinggi to rendah, as in DOMAIN.md
    assert box_number(kinerja, potensi).tolist() == [6, 8, 9, 3, 5, 7, 1, 2, 4]


def test_sorted_key_lookup_equals_dense_table(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    n, n_jab = 300, 6
    lv_ptr, lv_comp, lv_val = _csr(
        [[(int(c), int(rng.integers(1, 6))) for c in rng.permutation(20)[: rng.integers(0, 15)]] for _ in range(n)]
    )
    skj_ptr, skj_comp, skj_req = _csr(
        [[(int(c), int(rng.integers(1, 6))) for c in rng.permutation(25)[: rng.integers(1, 8)]] for _ in range(n_jab)]
    )
    cand_ptr = np.arange(n_jab + 1) * 50
    cand = np.concatenate([rng.choice(n, 50, replace=False) for _ in range(n_jab)])
    box = rng.integers(0, 10, n).astype(np.int8)
    args = (skj_ptr, skj_comp, skj_req, cand_ptr, cand, lv_ptr, lv_comp, lv_val, box)
    dense = succession(*args, top_n=20)
    monkeypatch.setattr("bangkom.engine.talent._DENSE_LIMIT", 0)
    keyed = succession(*args, top_n=20)
    for name in ("ptr", "pegawai", "rank", "jpm_hundredths", "box", "readiness", "gap_ptr", "gap_competency", "gap"):
        assert np.array_equal(getattr(dense, name), getattr(keyed, name)), name
    assert (dense.jpm_hundredths >= 0).any() and (dense.jpm_hundredths < 0).any()


def test_score_hundredths_from_float_percent() -> None:
    got = score_hundredths(np.array([67.99, 68.0, 79.995, 80.0, np.nan, -1.0, 0.0, 67.995]))
    assert got.tolist() == [6799, 6800, 8000, 8000, -1, -1, 0, 6800]


@pytest.mark.parametrize(
    "bad",
    [
        {"predicate_matrix": ((0, 1), (1, 1))},
        {"kinerja_by_predicate": (2, 1, 0, 0)},
        {"potensi_menengah": 85.0},
        {"ready_now_boxes": frozenset({0, 9})},
        {"box_priority": (9, 8, 7)},
    ],
)
def test_settings_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"predicate_matrix|kinerja_by_predicate|cut-offs|ready boxes|box_priority"):
        TalentSettings(**bad)  # type: ignore[arg-type]
