"""The pegawai model validates NIP/NI and the supervisor chain for forms and the Django admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bangkom.org.models import Employee

from ..conftest import Org


@pytest.mark.parametrize(
    ("nip", "employment_type", "fragment"),
    [
        ("198302302008111921", "pns", "tanggal lahir"),
        ("198301152008131921", "pns", "bulan TMT"),
        ("198301152008113921", "pns", "jenis kelamin"),
        ("19830115200811192", "pns", "panjangnya"),
        ("198301152008111921", "pppk", "tidak cocok"),
        ("200012312024211001", "cpns", "tidak cocok"),
    ],
)
def test_invalid_nip_is_refused(org: Org, nip: str, employment_type: str, fragment: str) -> None:
    emp = Employee(
        nip=nip,
        name="X",
        agency=org.agency_a,
        unit=org.unit_a,
        position=org.pos_a,
        employment_type=employment_type,
    )
    with pytest.raises(ValidationError) as err:
        emp.full_clean()
    assert fragment in " ".join(err.value.message_dict["nip"])


def test_supervisor_cycle_is_refused(org: Org) -> None:
    org.kepala.supervisor = org.staf1  # staf1 -> kabid -> kepala: closing the loop
    with pytest.raises(ValidationError) as err:
        org.kepala.full_clean()
    assert "supervisor" in err.value.message_dict


def test_supervisor_in_other_agency_is_refused(org: Org) -> None:
    org.staf1.supervisor = org.pegawai_b
    with pytest.raises(ValidationError) as err:
        org.staf1.full_clean()
    assert "supervisor" in err.value.message_dict


def test_valid_employee_passes(org: Org) -> None:
    org.staf2.full_clean()
