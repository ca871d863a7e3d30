"""Validation of pegawai data shared by forms, the admin and the import: NIP/NI and the supervisor chain."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bangkom.engine.nip import NipError


def nip_error_message(err: NipError) -> str:
    """One message per NipError code of engine/nip.py, naming the wrong part of the number."""
    p = err.params
    code = err.code
    if code == "length":
        return _("NIP tidak valid: panjangnya %(length)s digit, seharusnya %(expected)s") % p
    if code == "not_digits":
        return _("NIP tidak valid: hanya boleh berisi angka")
    if code == "birth_date":
        return _("NIP tidak valid: tanggal lahir %(value)s bukan tanggal yang benar") % p
    if code == "tmt_month":
        return _("NIP tidak valid: bulan TMT CPNS %(value)s harus 01 sampai 12") % p
    if code == "sex_digit":
        return _("NIP tidak valid: digit jenis kelamin %(value)s harus 1 atau 2") % p
    if code == "age":
        return _("NIP tidak valid: usia saat pengangkatan %(age)s tahun, harus %(min)s sampai %(max)s") % p
    if code == "contract_count":
        return _("NI PPPK tidak valid: digit jumlah kontrak %(value)s harus 1 sampai 9") % p
    if code == "format":
        return _("NIP tidak valid: digit ke-13 %(value)s bukan format NIP PNS (0/1) maupun NI PPPK (2)") % p
    if code == "type_mismatch":
        kind = _("NI PPPK") if p.get("kind") == "pppk" else _("NIP PNS")
        return _("nomor berformat %(kind)s tidak cocok dengan jenis kepegawaian %(employment_type)s") % {
            "kind": kind,
            "employment_type": p.get("employment_type"),
        }
    return _("NIP tidak valid")


def supervisor_creates_cycle(employee_id: int | None, supervisor_id: int | None) -> bool:
    """True if making supervisor_id the atasan of employee_id would close a loop in the chain."""
    from bangkom.org.models import Employee

    if employee_id is None or supervisor_id is None:
        return False
    seen: set[int] = set()
    current: int | None = supervisor_id
    while current is not None and current not in seen:
        if current == employee_id:
            return True
        seen.add(current)
        current = Employee.objects.filter(pk=current).values_list("supervisor_id", flat=True).first()
    return False
