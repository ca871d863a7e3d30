"""Scoped imports (admin instansi), the `bangkom import` command's exit codes, and the import job."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from bangkom.interchange.importer import ImportUsageError, run_import
from bangkom.jobs.models import JobStatus
from bangkom.jobs.services import submit_job
from bangkom.org.models import Employee

from .helpers import SAMPLE, counts, give_valid_nips, write
from .test_refusals import AG, ASS, COMP, EMP, NEW_PNS, NEW_PNS2

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        (
            "agencies.csv",
            AG + "NEW,Instansi Baru,kota,,\n",
            "agencies.csv:2: Anda tidak berwenang mengimpor data instansi NEW",
        ),
        (
            "agencies.csv",
            AG + "B,Kota B Baru,kota,,\n",
            "agencies.csv:2: Anda tidak berwenang mengimpor data instansi B",
        ),
        ("competencies.csv", COMP + "N.1,Nasional Baru,teknis,\n", "competencies.csv:2: kompetensi nasional"),
        (
            "competencies.csv",
            COMP + "B.T1,Teknis,teknis,B\n",
            "competencies.csv:2: Anda tidak berwenang mengimpor data instansi B",
        ),
        (
            "employees.csv",
            EMP + f"{NEW_PNS},Nama,B,B-U0,B-J1,pns,,\n",
            "employees.csv:2: Anda tidak berwenang mengimpor data instansi B",
        ),
        (
            "assessments.csv",
            ASS + "{pegawai_b},M.1,2024-01-02,3,atasan\n",
            "assessments.csv:2: Anda tidak berwenang mengimpor data instansi B",
        ),
    ],
)
def test_restricted_import_refuses_other_agencies(
    org, tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    write(tmp_path, name, text.format(pegawai_b=org.pegawai_b.nip))
    before = counts()
    result = run_import(tmp_path, restrict_agency_ids={org.agency_a.pk}, actor=org.users["admin_a"])
    assert not result.ok
    assert any(line.startswith(fragment) for line in result.error_lines()), result.error_lines()
    assert counts() == before


def test_restricted_import_of_own_agency_passes_and_audits_actor(org, tmp_path: Path) -> None:
    write(tmp_path, "employees.csv", EMP + f"{NEW_PNS},Nama,A,A-U0,A-J1,pns,{org.kepala.nip},\n")
    write(tmp_path, "assessments.csv", ASS + f"{NEW_PNS},M.1,2024-01-02,3,atasan\n")
    result = run_import(tmp_path, restrict_agency_ids={org.agency_a.pk}, actor=org.users["admin_a"])
    assert result.ok, result.error_lines()
    from bangkom.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="import", entity="org.employee")
    assert event.actor_id == org.users["admin_a"].pk
    assert event.agency_id == org.agency_a.pk


def test_restricted_import_cannot_take_over_employee_of_other_agency(org, tmp_path: Path) -> None:
    give_valid_nips(org)
    write(tmp_path, "employees.csv", EMP + f"{org.pegawai_b.nip},Pindah,A,A-U0,A-J1,pns,,\n")
    result = run_import(tmp_path, restrict_agency_ids={org.agency_a.pk})
    assert result.error_lines() == ["employees.csv:2: Anda tidak berwenang mengimpor data instansi B"]


# ---- command ------------------------------------------------------------------------------------------


def test_command_is_registered_under_import() -> None:
    assert get_commands()["import"] == "bangkom.interchange"


def test_usage_errors(tmp_path: Path, db) -> None:
    with pytest.raises(ImportUsageError):
        run_import(tmp_path / "missing")
    with pytest.raises(ImportUsageError):
        run_import(tmp_path)  # empty folder
    write(tmp_path, "pegawai.csv", "nip\n")
    with pytest.raises(ImportUsageError):
        run_import(tmp_path / "pegawai.csv")
    with pytest.raises(CommandError) as exc:
        call_command("import", str(tmp_path / "missing"))
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("import")
    assert exc.value.returncode == 2


def test_command_refusal_prints_every_row_and_exits_1(org, tmp_path: Path, capsys) -> None:
    write(
        tmp_path, "employees.csv", EMP + f"{NEW_PNS},,A,A-U0,A-J1,pns,,\n{NEW_PNS2},Dua,A,A-U0,A-J9,pns,,\n"
    )
    with pytest.raises(CommandError) as exc:
        call_command("import", str(tmp_path))
    assert exc.value.returncode == 1
    err = capsys.readouterr().err.splitlines()
    assert "employees.csv:2: kolom name wajib diisi" in err
    assert "employees.csv:3: jabatan A-J9 tidak ditemukan di instansi A" in err
    assert not Employee.objects.filter(nip__in=[NEW_PNS, NEW_PNS2]).exists()


def test_command_accepts_lang_en(db, capsys) -> None:
    """English texts come with the translator's .po file; until then the flag must work and import alike."""
    call_command("import", str(SAMPLE / "agencies.csv"), lang="en")
    out = capsys.readouterr().out
    assert "agencies" in out
    assert len(out.splitlines()) == 2


@pytest.mark.slow
def test_cli_exit_codes_via_subprocess(tmp_path: Path) -> None:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    bangkom = str(Path(sys.executable).parent / "bangkom")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script
            [bangkom, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
        )

    assert run("migrate", "-v0").returncode == 0
    ok = run("import", str(SAMPLE))
    assert ok.returncode == 0, ok.stderr
    assert "employees: 120 dibuat" in ok.stdout
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    write(
        bad_dir,
        "performance.csv",
        "nip,year,hasil_kerja,perilaku_kerja\n198301152008111921,20x5,sesuai,sesuai\n",
    )
    bad = run("import", str(bad_dir))
    assert bad.returncode == 1
    assert "performance.csv:2: tahun 20x5 tidak valid" in bad.stderr
    assert run("import", str(tmp_path / "nothing")).returncode == 2
    assert run("import").returncode == 2
    assert run("import", str(SAMPLE), "--lang", "en").returncode == 0


# ---- job ----------------------------------------------------------------------------------------------


def test_import_job_succeeds_with_counts(org, tmp_path: Path) -> None:
    write(tmp_path, "employees.csv", EMP + f"{NEW_PNS},Nama,A,A-U0,A-J1,pns,,\n")
    job = submit_job(
        kind="import",
        params={"path": str(tmp_path), "restrict_agency_ids": [org.agency_a.pk], "lang": "id"},
        user=org.users["admin_a"],
    )
    assert job.status == JobStatus.SUCCEEDED, (job.message, job.error_report)
    assert job.result["counts"]["employees"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert job.progress == 100


def test_import_job_fails_with_report(org, tmp_path: Path) -> None:
    write(
        tmp_path, "employees.csv", EMP + f"{NEW_PNS},Nama,B,B-U0,B-J1,pns,,\n{NEW_PNS2},,A,A-U0,A-J1,pns,,\n"
    )
    job = submit_job(
        kind="import",
        params={"path": str(tmp_path), "restrict_agency_ids": [org.agency_a.pk], "lang": "id"},
        user=org.users["admin_a"],
    )
    assert job.status == JobStatus.FAILED
    assert job.error_report.splitlines() == [
        "employees.csv:2: Anda tidak berwenang mengimpor data instansi B",
        "employees.csv:3: kolom name wajib diisi",
    ]
    assert job.result["errors"] == 2
    assert "2 baris" in job.message
    assert not Employee.objects.filter(nip=NEW_PNS2).exists()
