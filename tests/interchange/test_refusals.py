"""Every refusal reason of CONTRACT.md: the right FILE:LINE, a specific message, and nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bangkom.engine.nip import format_pns_nip, format_pppk_ni
from bangkom.interchange.importer import run_import

from .helpers import counts, give_valid_nips, write

NEW_PNS = format_pns_nip(dt.date(1990, 5, 17), 2015, 3, 1, 7)  # 199005172015031007
NEW_PNS2 = format_pns_nip(dt.date(1991, 6, 18), 2016, 4, 2, 8)
NEW_PPPK = format_pppk_ni(dt.date(1992, 7, 19), 2023, 1, 2, 9)
EMP = "nip,name,agency_code,unit_code,position_code,employment_type,supervisor_nip,email\n"
ASS = "nip,competency_code,assessed_on,level,method\n"
LR = "nip;title;form;provider;start_date;end_date;jp;certificate_no;status\n"
PERF = "nip,year,hasil_kerja,perilaku_kerja\n"
UNITS = "agency_code,code,name,parent_code\n"
POS = "agency_code,code,name,kind,unit_code,functional_level\n"
COMP = "code,name,type,agency_code\n"
REQ = "agency_code,position_code,competency_code,required_level\n"
AG = "code,name,kind,region_code,underdeveloped\n"

# (id, {file: text}, expected "FILE:LINE: fragment" lines). {kepala}, {staf1}, {pegawai_b} ... are NIPs of
# the `org` fixture (agencies A and B; A-U0 <- A-U1; kepala <- kabid <- staf1).
CASES = [
    (
        "required_empty",
        {"agencies.csv": AG + "X1,,kabupaten,,\n"},
        ["agencies.csv:2: kolom name wajib diisi"],
    ),
    (
        "agency_kind",
        {"agencies.csv": AG + "X1,Nama,desa,,\n"},
        ["agencies.csv:2: nilai desa pada kolom kind"],
    ),
    (
        "bool",
        {"agencies.csv": AG + "X1,Nama,kota,,mungkin\n"},
        ["agencies.csv:2: nilai mungkin pada kolom underdeveloped"],
    ),
    (
        "missing_column",
        {"agencies.csv": "code,name\nX1,Nama\n"},
        ["agencies.csv:1: kolom wajib kind tidak ada"],
    ),
    (
        "unit_agency_missing",
        {"units.csv": UNITS + "ZZ,U9,Nama,\n"},
        ["units.csv:2: instansi ZZ tidak ditemukan"],
    ),
    (
        "unit_parent_other_agency",
        {"units.csv": UNITS + "A,U9,Nama,B-U0\n"},
        ["units.csv:2: unit induk B-U0 harus berada di instansi yang sama A"],
    ),
    (
        "unit_parent_missing",
        {"units.csv": UNITS + "A,U9,Nama,NOPE\n"},
        ["units.csv:2: unit induk NOPE tidak ditemukan"],
    ),
    (
        "unit_cycle",
        {"units.csv": UNITS + "A,A-U9,Baru,\nA,A-U0,Sekretariat,A-U1\n"},
        ["units.csv:3: hierarki unit kerja membentuk siklus"],
    ),
    (
        "position_unit_other_agency",
        {"positions.csv": POS + "A,J9,Nama,pelaksana,B-U0,\n"},
        ["positions.csv:2: unit kerja B-U0 bukan milik instansi A"],
    ),
    (
        "position_kind",
        {"positions.csv": POS + "A,J9,Nama,direktur,A-U0,\n"},
        ["positions.csv:2: nilai direktur pada kolom kind"],
    ),
    (
        "functional_level",
        {"positions.csv": POS + "A,J9,Nama,fungsional,A-U0,ahli_super\n"},
        ["positions.csv:2: nilai ahli_super pada kolom functional_level"],
    ),
    (
        "competency_agency",
        {"competencies.csv": COMP + "T9,Nama,teknis,ZZ\n"},
        ["competencies.csv:2: instansi ZZ tidak ditemukan"],
    ),
    (
        "competency_type",
        {"competencies.csv": COMP + "T9,Nama,lain,A\n"},
        ["competencies.csv:2: nilai lain pada kolom type"],
    ),
    (
        "required_level",
        {"requirements.csv": REQ + "A,A-J1,M.1,6\n"},
        ["requirements.csv:2: nilai 6 pada kolom required_level"],
    ),
    (
        "requirement_position",
        {"requirements.csv": REQ + "A,B-J1,M.1,3\n"},
        ["requirements.csv:2: jabatan B-J1 bukan milik instansi A"],
    ),
    (
        "requirement_competency",
        {"requirements.csv": REQ + "A,A-J1,X.9,3\n"},
        ["requirements.csv:2: kompetensi X.9 tidak ditemukan"],
    ),
    (
        "requirement_competency_other_agency",
        {"competencies.csv": COMP + "B.T1,Teknis B,teknis,B\n", "requirements.csv": REQ + "A,A-J1,B.T1,3\n"},
        ["requirements.csv:2: kompetensi B.T1 milik instansi B"],
    ),
    (
        "nip_birth_date",
        {"employees.csv": EMP + "198302302008011001,Nama,A,A-U0,A-J1,pns,,\n"},
        ["employees.csv:2: NIP tidak valid: tanggal lahir 19830230 bukan tanggal yang benar"],
    ),
    (
        "nip_month",
        {"employees.csv": EMP + "198301152008131001,Nama,A,A-U0,A-J1,pns,,\n"},
        ["employees.csv:2: NIP tidak valid: bulan TMT CPNS 13"],
    ),
    (
        "nip_sex",
        {"employees.csv": EMP + "198301152008013001,Nama,A,A-U0,A-J1,pns,,\n"},
        ["employees.csv:2: NIP tidak valid: digit jenis kelamin 3"],
    ),
    (
        "nip_length",
        {"employees.csv": EMP + "19830115200801100,Nama,A,A-U0,A-J1,pns,,\n"},
        ["employees.csv:2: NIP tidak valid: panjangnya 17 digit"],
    ),
    (
        "nip_age",
        {"employees.csv": EMP + "200001152008011001,Nama,A,A-U0,A-J1,pns,,\n"},
        ["employees.csv:2: NIP tidak valid: usia saat pengangkatan 7 tahun"],
    ),
    (
        "nip_type_mismatch",
        {"employees.csv": EMP + f"{NEW_PPPK},Nama,A,A-U0,A-J1,pns,,\n"},
        ["employees.csv:2: nomor berformat NI PPPK tidak cocok dengan jenis kepegawaian pns"],
    ),
    (
        "pns_nip_as_pppk",
        {"employees.csv": EMP + f"{NEW_PNS},Nama,A,A-U0,A-J1,pppk,,\n"},
        ["employees.csv:2: nomor berformat NIP PNS tidak cocok dengan jenis kepegawaian pppk"],
    ),
    (
        "employment_type",
        {"employees.csv": EMP + f"{NEW_PNS},Nama,A,A-U0,A-J1,honorer,,\n"},
        ["employees.csv:2: nilai honorer pada kolom employment_type"],
    ),
    (
        "employee_unit_other_agency",
        {"employees.csv": EMP + f"{NEW_PNS},Nama,A,B-U0,A-J1,pns,,\n"},
        ["employees.csv:2: unit kerja B-U0 bukan milik instansi A"],
    ),
    (
        "employee_position_other_agency",
        {"employees.csv": EMP + f"{NEW_PNS},Nama,A,A-U0,B-J1,pns,,\n"},
        ["employees.csv:2: jabatan B-J1 bukan milik instansi A"],
    ),
    (
        "supervisor_other_agency",
        {"employees.csv": EMP + f"{NEW_PNS},Nama,A,A-U0,A-J1,pns,{{pegawai_b}},\n"},
        ["employees.csv:2: atasan {pegawai_b} harus berada di instansi yang sama A"],
    ),
    (
        "supervisor_missing",
        {"employees.csv": EMP + f"{NEW_PNS},Nama,A,A-U0,A-J1,pns,{NEW_PNS2},\n"},
        [f"employees.csv:2: atasan dengan NIP {NEW_PNS2} tidak ditemukan"],
    ),
    (
        "supervisor_cycle_with_db",
        {"employees.csv": EMP + "{kepala},Kepala A,A,A-U0,A-J1,pns,{staf1},\n"},
        ["employees.csv:2: rantai atasan membentuk siklus"],
    ),
    (
        "supervisor_cycle_in_file",
        {
            "employees.csv": EMP
            + f"{NEW_PNS},Satu,A,A-U0,A-J1,pns,{NEW_PNS2},\n"
            + f"{NEW_PNS2},Dua,A,A-U0,A-J1,pns,{NEW_PNS},\n"
        },
        [
            "employees.csv:2: rantai atasan membentuk siklus",
            "employees.csv:3: rantai atasan membentuk siklus",
        ],
    ),
    (
        "self_supervisor",
        {"employees.csv": EMP + f"{NEW_PNS},Satu,A,A-U0,A-J1,pns,{NEW_PNS},\n"},
        ["employees.csv:2: rantai atasan membentuk siklus"],
    ),
    (
        "bad_email",
        {"employees.csv": EMP + f"{NEW_PNS},Nama,A,A-U0,A-J1,pns,,bukan-email\n"},
        ["employees.csv:2: alamat email"],
    ),
    (
        "duplicate_key",
        {
            "employees.csv": EMP
            + f"{NEW_PNS},Satu,A,A-U0,A-J1,pns,,\n{NEW_PNS2},Dua,A,A-U0,A-J1,pns,,\n"
            + f"{NEW_PNS},Lagi,A,A-U0,A-J1,pns,,\n"
        },
        [f"employees.csv:4: kunci {NEW_PNS} muncul dua kali dalam berkas; pertama di baris 2"],
    ),
    (
        "assessment_level",
        {"assessments.csv": ASS + "{staf1},M.1,2024-01-02,0,atasan\n"},
        ["assessments.csv:2: nilai 0 pada kolom level"],
    ),
    (
        "assessment_method",
        {"assessments.csv": ASS + "{staf1},M.1,2024-01-02,3,tebak\n"},
        ["assessments.csv:2: nilai tebak pada kolom method"],
    ),
    (
        "assessment_date",
        {"assessments.csv": ASS + "{staf1},M.1,2024-02-30,3,atasan\n"},
        ["assessments.csv:2: tanggal 2024-02-30 pada kolom assessed_on"],
    ),
    (
        "assessment_competency",
        {"assessments.csv": ASS + "{staf1},X.1,2024-01-02,3,atasan\n"},
        ["assessments.csv:2: kompetensi X.1 tidak ditemukan"],
    ),
    (
        "assessment_employee",
        {"assessments.csv": ASS + f"{NEW_PNS},M.1,2024-01-02,3,atasan\n"},
        [f"assessments.csv:2: pegawai dengan NIP {NEW_PNS} tidak ditemukan"],
    ),
    (
        "assessment_duplicate",
        {
            "assessments.csv": ASS
            + "{staf1},M.1,2024-01-02,3,atasan\n{staf1},M.2,2024-01-02,3,atasan\n"
            + "{staf1},M.1,02/01/2024,4,diri\n"
        },
        ["assessments.csv:4: kunci {staf1}/M.1/02/01/2024 muncul dua kali dalam berkas; pertama di baris 2"],
    ),
    (
        "assessment_empty",
        {"assessments.csv": ASS + "{staf1},,2024-01-02,3,atasan\n"},
        ["assessments.csv:2: kolom competency_code wajib diisi"],
    ),
    (
        "end_before_start",
        {"learning_records.csv": LR + "{staf1};Pelatihan;3;LAN;05/06/2025;01/06/2025;5;;\n"},
        ["learning_records.csv:2: tanggal selesai 01/06/2025 sebelum tanggal mulai 05/06/2025"],
    ),
    (
        "jp_negative",
        {"learning_records.csv": LR + "{staf1};Pelatihan;3;LAN;01/06/2025;01/06/2025;-2;;\n"},
        ["learning_records.csv:2: JP -2 tidak boleh negatif"],
    ),
    (
        "jp_not_number",
        {"learning_records.csv": LR + "{staf1};Pelatihan;3;LAN;01/06/2025;01/06/2025;dua;;\n"},
        ["learning_records.csv:2: JP dua bukan angka"],
    ),
    (
        "form_range",
        {"learning_records.csv": LR + "{staf1};Pelatihan;26;LAN;01/06/2025;01/06/2025;2;;\n"},
        ["learning_records.csv:2: bentuk pengembangan 26 tidak dikenal"],
    ),
    (
        "status",
        {"learning_records.csv": LR + "{staf1};Pelatihan;3;LAN;01/06/2025;01/06/2025;2;;draft\n"},
        ["learning_records.csv:2: nilai draft pada kolom status"],
    ),
    (
        "status_planned_not_in_contract",
        {"learning_records.csv": LR + "{staf1};Pelatihan;3;LAN;01/06/2025;01/06/2025;2;;planned\n"},
        ["learning_records.csv:2: nilai planned pada kolom status"],
    ),
    (
        "year",
        {"performance.csv": PERF + "{staf1},25,sesuai,sesuai\n"},
        ["performance.csv:2: tahun 25 tidak valid"],
    ),
    (
        "rating",
        {"performance.csv": PERF + "{staf1},2024,luar_biasa,sesuai\n"},
        ["performance.csv:2: nilai luar_biasa pada kolom hasil_kerja"],
    ),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refusal(org, tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    give_valid_nips(org)
    nips = {
        "kepala": org.kepala.nip,
        "kabid": org.kabid.nip,
        "staf1": org.staf1.nip,
        "staf2": org.staf2.nip,
        "pegawai_b": org.pegawai_b.nip,
    }
    for name, text in files.items():
        write(tmp_path, name, text.format(**nips))
    before = counts()
    result = run_import(tmp_path)
    assert not result.ok
    lines = result.error_lines()
    for template in expected:
        fragment = template.format(**nips)
        assert any(line.startswith(fragment) for line in lines), (fragment, lines)
    assert counts() == before


def test_every_refused_row_is_reported_and_nothing_written(org, tmp_path: Path) -> None:
    """Good rows in earlier files are not written when a later file has bad rows; all bad rows listed."""
    write(tmp_path, "agencies.csv", AG + "NEW,Instansi Baru,kota,,\n")
    write(
        tmp_path,
        "employees.csv",
        EMP
        + f"{NEW_PNS},Satu,NEW,A-U0,A-J1,pns,,\n"  # unit and position of another agency
        + f"{NEW_PNS2},Dua,A,A-U0,A-J1,pns,,\n"  # fine
        + "198302302008011001,Tiga,A,A-U0,A-J1,pns,,\n",  # bad NIP
    )
    before = counts()
    result = run_import(tmp_path)
    assert not result.ok
    files_lines = [(f, line) for f, line, _ in result.errors]
    assert ("employees.csv", 2) in files_lines
    assert ("employees.csv", 4) in files_lines
    assert ("employees.csv", 3) not in files_lines
    assert counts() == before


def test_cycle_reports_every_row_involved(org, tmp_path: Path) -> None:
    give_valid_nips(org)
    write(
        tmp_path,
        "employees.csv",
        EMP
        + f"{org.kepala.nip},Kepala A,A,A-U0,A-J1,pns,{NEW_PNS},\n"
        + f"{NEW_PNS},Baru,A,A-U0,A-J1,pns,{org.staf1.nip},\n",
    )
    result = run_import(tmp_path)
    lines = result.error_lines()
    cyc = [line for line in lines if "siklus" in line]
    assert [line.split(":")[1] for line in cyc] == ["2", "3"]
    assert org.kepala.nip in cyc[0] and org.staf1.nip in cyc[0] and org.kabid.nip in cyc[0]


def test_references_to_rows_of_earlier_files_of_same_import(org, tmp_path: Path) -> None:
    write(tmp_path, "units.csv", UNITS + "A,A-U9,Bidang Baru,A-U1\n")
    write(tmp_path, "positions.csv", POS + "A,A-J9,Analis Baru,fungsional,A-U9,ahli_muda\n")
    write(tmp_path, "competencies.csv", COMP + "A.T1,Teknis A,teknis,A\n")
    write(tmp_path, "requirements.csv", REQ + "A,A-J9,A.T1,3\nA,A-J9,M.1,2\n")
    write(
        tmp_path,
        "employees.csv",
        EMP
        + f"{NEW_PNS2},Dua,A,A-U9,A-J9,pns,{NEW_PNS},\n"
        + f"{NEW_PNS},Satu,A,A-U9,A-J9,cpns,{org.kepala.nip},x@a.go.id\n",
    )
    write(tmp_path, "assessments.csv", ASS + f"{NEW_PNS},A.T1,2024-03-04,3,atasan\n")
    result = run_import(tmp_path)
    assert result.ok, result.error_lines()
    from bangkom.org.models import Employee

    dua = Employee.objects.get(nip=NEW_PNS2)
    assert dua.supervisor is not None and dua.supervisor.nip == NEW_PNS
    assert dua.supervisor.supervisor_id == org.kepala.pk
    assert dua.unit.parent_id == org.unit_a2.pk
