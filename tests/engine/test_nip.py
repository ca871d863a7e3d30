"""NIP (PNS) and NI (PPPK) validation, part by part (DOMAIN.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bangkom.engine.nip import (
    NipError,
    check_nip_for_employment,
    format_pns_nip,
    format_pppk_ni,
    parse_nip,
)


@pytest.mark.parametrize(
    ("nip", "kind", "birth", "sex"),
    [
        ("198301152008111921", "pns", dt.date(1983, 1, 15), 1),
        ("198608062019062468", "pns", dt.date(1986, 8, 6), 2),
        ("200012312024211001", "pppk", dt.date(2000, 12, 31), 1),
        ("197503202024222279", "pppk", dt.date(1975, 3, 20), 2),
        ("200002292020012001", "pns", dt.date(2000, 2, 29), 2),  # leap day
    ],
)
def test_valid(nip: str, kind: str, birth: dt.date, sex: int) -> None:
    info = parse_nip(nip)
    assert (info.kind, info.birth_date, info.sex) == (kind, birth, sex)


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19830115200811192", "length"),  # 17 digits
        ("1983011520081119210", "length"),  # 19 digits
        ("", "length"),
        ("19830115200811192A", "not_digits"),
        ("198302302008111921", "birth_date"),  # 30 February
        ("198313012008111921", "birth_date"),  # month 13 of birth
        ("199002292015011001", "birth_date"),  # 1990 was no leap year
        ("198301152008131921", "tmt_month"),  # TMT month 13
        ("198301152008001921", "tmt_month"),  # TMT month 00
        ("198301152008113921", "sex_digit"),  # sex digit 3
        ("198301152008110921", "sex_digit"),  # sex digit 0
        ("200012312024213001", "sex_digit"),  # PPPK sex digit 3
        ("200012312024201001", "contract_count"),  # PPPK contract count 0
        ("198301151995011001", "age"),  # appointed at 11
        ("195001152015011001", "age"),  # appointed at 64
        ("198301152008511921", "format"),  # digit 13 is neither month nor PPPK marker
    ],
)
def test_invalid(nip: str, code: str) -> None:
    with pytest.raises(NipError) as err:
        parse_nip(nip)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("nip", "employment_type", "ok"),
    [
        ("198301152008111921", "pns", True),
        ("198301152008111921", "cpns", True),
        ("198301152008111921", "pppk", False),
        ("200012312024211001", "pppk", True),
        ("200012312024211001", "pns", False),
        ("200012312024211001", "cpns", False),
    ],
)
def test_type_mismatch(nip: str, employment_type: str, ok: bool) -> None:
    if ok:
        check_nip_for_employment(nip, employment_type)
    else:
        with pytest.raises(NipError) as err:
            check_nip_for_employment(nip, employment_type)
        assert err.value.code == "type_mismatch"


@given(
    birth=st.dates(dt.date(1960, 1, 1), dt.date(2005, 12, 31)),
    age=st.integers(17, 59),
    month=st.integers(1, 12),
    sex=st.sampled_from([1, 2]),
    seq=st.integers(0, 999),
)
def test_built_pns_nip_roundtrips(birth: dt.date, age: int, month: int, sex: int, seq: int) -> None:
    year = birth.year + age + 1
    info = parse_nip(format_pns_nip(birth, year, month, sex, seq))
    assert (
        info.kind,
        info.birth_date,
        info.appointed_year,
        info.appointed_month,
        info.sex,
        info.sequence,
    ) == ("pns", birth, year, month, sex, seq)


@given(
    birth=st.dates(dt.date(1965, 1, 1), dt.date(2005, 12, 31)),
    age=st.integers(18, 59),
    contract=st.integers(1, 9),
    sex=st.sampled_from([1, 2]),
    seq=st.integers(0, 999),
)
def test_built_pppk_ni_roundtrips(birth: dt.date, age: int, contract: int, sex: int, seq: int) -> None:
    year = birth.year + age
    info = parse_nip(format_pppk_ni(birth, year, contract, sex, seq))
    assert (info.kind, info.birth_date, info.appointed_year, info.contract_count, info.sex) == (
        "pppk",
        birth,
        year,
        contract,
        sex,
    )
