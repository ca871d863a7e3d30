"""NIP (PNS/CPNS) and NI PPPK: the 18-digit identity numbers of ASN, validated part by part.

Pure Python, no Django: the interchange import calls it for every row and the forms call it too, so
there is one rule. Errors carry a code and parameters; the Django side turns them into translated text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

NIP_LENGTH = 18
MIN_AGE_AT_APPOINTMENT = 17
MAX_AGE_AT_APPOINTMENT = 60

Kind = Literal["pns", "pppk"]


class NipError(ValueError):
    """An invalid NIP/NI. `code` is stable (used for messages and tests); `params` fill the message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class NipInfo:
    kind: Kind
    birth_date: dt.date
    appointed_year: int
    appointed_month: int | None  # PNS: month of TMT CPNS; PPPK: not encoded
    sex: Literal[1, 2]
    sequence: int
    contract_count: int | None  # PPPK only


def _birth_date(digits: str) -> dt.date:
    try:
        return dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise NipError("birth_date", value=digits[0:8]) from None


def _check_age(birth: dt.date, year: int, month: int) -> None:
    # Age in whole years at the first day of the appointment month (the NIP holds no appointment day).
    age = year - birth.year - (1 if (month, 1) < (birth.month, birth.day) else 0)
    if age < MIN_AGE_AT_APPOINTMENT or age > MAX_AGE_AT_APPOINTMENT:
        raise NipError("age", age=age, min=MIN_AGE_AT_APPOINTMENT, max=MAX_AGE_AT_APPOINTMENT)


def parse_nip(value: str) -> NipInfo:
    """Parse and validate an 18-digit PNS NIP or PPPK NI; raise NipError naming the first wrong part."""
    digits = value.strip()
    if len(digits) != NIP_LENGTH:
        raise NipError("length", length=len(digits), expected=NIP_LENGTH)
    if not digits.isascii() or not digits.isdigit():
        raise NipError("not_digits")
    birth = _birth_date(digits)
    # Digit 13 tells the two formats apart: the first digit of a month (0/1) for PNS, the PPPK marker 2.
    marker = digits[12]
    if marker in "01":
        year, month = int(digits[8:12]), int(digits[12:14])
        if not 1 <= month <= 12:
            raise NipError("tmt_month", value=digits[12:14])
        sex = digits[14]
        if sex not in "12":
            raise NipError("sex_digit", value=sex)
        _check_age(birth, year, month)
        return NipInfo("pns", birth, year, month, 1 if sex == "1" else 2, int(digits[15:18]), None)
    if marker == "2":
        year = int(digits[8:12])
        contract = int(digits[13])
        if contract < 1:
            raise NipError("contract_count", value=digits[13])
        sex = digits[14]
        if sex not in "12":
            raise NipError("sex_digit", value=sex)
        _check_age(birth, year, 12)
        return NipInfo("pppk", birth, year, None, 1 if sex == "1" else 2, int(digits[15:18]), contract)
    raise NipError("format", value=marker)


def check_nip_for_employment(value: str, employment_type: str) -> NipInfo:
    """Validate the NIP and that its format matches the employment type (PNS/CPNS need a NIP, PPPK an NI)."""
    info = parse_nip(value)
    expected: Kind = "pppk" if employment_type == "pppk" else "pns"
    if info.kind != expected:
        raise NipError("type_mismatch", kind=info.kind, employment_type=employment_type)
    return info


def format_pns_nip(birth: dt.date, tmt_year: int, tmt_month: int, sex: int, sequence: int) -> str:
    """Build a PNS/CPNS NIP from its parts (demo data, tests, benchmarks)."""
    return f"{birth:%Y%m%d}{tmt_year:04d}{tmt_month:02d}{sex:d}{sequence:03d}"


def format_pppk_ni(birth: dt.date, year: int, contract_count: int, sex: int, sequence: int) -> str:
    """Build a PPPK NI from its parts: birth date, year appointed, marker 2, contract count, sex, sequence."""
    return f"{birth:%Y%m%d}{year:04d}2{contract_count:d}{sex:d}{sequence:03d}"
