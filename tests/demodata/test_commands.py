"""seed-demo and make-dataset end to end, and the CONTRACT.md acceptance import of a realistic dataset."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from bangkom.accounts.models import Role, RoleAssignment, User
from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.demodata.generator import KINDS, generate, write_contract_files
from bangkom.demodata.management.commands import seed_demo
from bangkom.evaluation.models import PerformanceRating
from bangkom.interchange.importer import run_import
from bangkom.learning.models import LearningRecord
from bangkom.org.models import Agency, Employee, Position, Unit

PASSWORD = "uji-demo-2026"


def _counts() -> dict[str, int]:
    return {
        "agencies": Agency.objects.count(),
        "units": Unit.objects.count(),
        "positions": Position.objects.count(),
        "requirements": Requirement.objects.count(),
        "employees": Employee.objects.count(),
        "assessments": Assessment.objects.count(),
        "learning_records": LearningRecord.objects.count(),
        "performance": PerformanceRating.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
    }


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_data_and_one_login_per_role(db: Any) -> None:
    out = _seed("--employees", "150", "--password", PASSWORD, "--seed", "4")
    assert Employee.objects.count() == 150
    assert Agency.objects.count() == 2
    assert Assessment.objects.exists() and LearningRecord.objects.exists()
    assert PerformanceRating.objects.exists()
    assert "[2/3]" in out and "superadmin" in out and PASSWORD in out

    pegawai = User.objects.get(employee__isnull=False, employee__subordinates__isnull=True)
    assert pegawai.username == pegawai.employee.nip  # type: ignore[union-attr]
    assert pegawai.employee.supervisor is not None  # type: ignore[union-attr]
    atasan = User.objects.get(employee=pegawai.employee.supervisor)  # type: ignore[union-attr]
    assert atasan.username == atasan.employee.nip  # type: ignore[union-attr]
    assert atasan.employee.subordinates.exists()  # type: ignore[union-attr]

    first = Agency.objects.order_by("code").first()
    assert first is not None
    admin = User.objects.get(username=f"admin.{first.code.lower()}")
    assert RoleAssignment.objects.filter(user=admin, role=Role.ADMIN_INSTANSI, agency=first).exists()
    prov = User.objects.get(username=f"penyelenggara.{first.code.lower()}")
    assert RoleAssignment.objects.filter(user=prov, role=Role.PENYELENGGARA, agency=first).exists()
    nas = User.objects.get(username="admin.nasional")
    assert RoleAssignment.objects.filter(user=nas, role=Role.ADMIN_NASIONAL, agency__isnull=True).exists()
    root = User.objects.get(username="superadmin")
    assert root.is_staff and root.is_superuser

    users = [pegawai, atasan, admin, prov, nas, root]
    # One hash for all: computed once, so every account shares it.
    assert len({u.password for u in users}) == 1
    for u in users:
        assert u.username in out
        # Through the real login page (axes needs the request), as a visitor of the demo would.
        client = Client()
        response = client.post(reverse("login"), {"username": u.username, "password": PASSWORD})
        assert response.status_code == 302, u.username
        assert int(client.session["_auth_user_id"]) == u.pk


def test_seed_demo_if_empty_leaves_data_unchanged(db: Any) -> None:
    _seed("--employees", "150", "--password", PASSWORD)
    before = _counts()
    out = _seed("--employees", "300", "--if-empty", "--password", PASSWORD)
    assert _counts() == before
    assert "dilewati" in out and "admin.nasional" in out


def test_seed_demo_if_empty_on_empty_database_generates(db: Any) -> None:
    _seed("--employees", "60", "--agencies", "1", "--if-empty", "--password", PASSWORD)
    assert Employee.objects.count() == 60
    assert User.objects.filter(username="superadmin").exists()


def test_make_dataset_writes_the_nine_files(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "make_dataset", "--employees", "90", "--agencies", "3", "--out", str(tmp_path), "--excel-habits",
        stdout=out,
    )  # fmt: skip
    assert sorted(p.stem for p in tmp_path.glob("*.csv")) == sorted(KINDS)
    assert ";" in (tmp_path / "assessments.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "employees: 90" in out.getvalue()


def test_acceptance_two_instansi_few_thousand_pegawai_excel_files_import(db: Any, tmp_path: Path) -> None:
    """CONTRACT.md acceptance: a realistic two-instansi dataset with semicolon files and DD/MM/YYYY dates."""
    ds = generate(3000, 2, seed=2026, today=dt.date.today())  # noqa: DTZ011
    write_contract_files(ds, tmp_path, excel_habits=True)
    assert (tmp_path / "learning_records.csv").read_text(encoding="utf-8-sig").count(";") > 1000
    result = run_import(tmp_path)
    assert result.ok, result.error_lines()[:20]
    assert Agency.objects.count() == 2
    assert Unit.objects.count() == ds.count("units")
    assert Position.objects.count() == ds.count("positions")
    assert Competency.objects.filter(type="teknis").count() == ds.count("competencies")
    assert Requirement.objects.count() == ds.count("requirements")
    assert Employee.objects.count() == 3000
    assert Employee.objects.filter(supervisor__isnull=True).count() == 2
    assert Assessment.objects.count() == ds.count("assessments")
    assert LearningRecord.objects.count() == ds.count("learning_records")
    assert PerformanceRating.objects.count() == ds.count("performance")
    assert Employee.objects.filter(employment_type="pppk").count() == sum(
        1 for r in ds.rows("employees") if r["employment_type"] == "pppk"
    )
    for kind in KINDS:
        if kind != "competencies" or ds.count(kind):
            assert result.counts[kind]["created"] == ds.count(kind), kind


def test_seed_demo_keeps_an_existing_account_of_the_demo_pegawai(db: Any) -> None:
    _seed("--employees", "60", "--agencies", "1", "--password", PASSWORD)
    pegawai_user = User.objects.get(employee__isnull=False, employee__subordinates__isnull=True)
    pegawai_user.username = "budi.lama"
    pegawai_user.save()
    out = _seed("--employees", "60", "--agencies", "1", "--if-empty", "--password", PASSWORD)
    assert "budi.lama" in out
    assert User.objects.filter(employee=pegawai_user.employee).count() == 1


def test_seed_demo_refused_import_prints_every_error_and_exits_1(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the import refuses the files, the command reports the refused rows and nothing is kept."""
    real_write = seed_demo.write_contract_files

    def write_with_a_bad_row(dataset: Any, folder: Path, **kwargs: Any) -> dict[str, Path]:
        paths = real_write(dataset, folder, **kwargs)
        with paths["performance"].open("a", encoding="utf-8") as f:
            f.write("199913312020011001,2025,sesuai,sesuai\n")  # 31 Dec... month 13: no such date
        return paths

    monkeypatch.setattr(seed_demo, "write_contract_files", write_with_a_bad_row)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", "--employees", "40", "--agencies", "1", stdout=out, stderr=err)
    assert exc.value.returncode == 1
    assert "performance.csv:" in err.getvalue()
    assert Employee.objects.count() == 0
    assert not User.objects.exists()


def test_seed_demo_too_few_employees_is_a_usage_error(db: Any) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", "--employees", "2", "--agencies", "2", stdout=io.StringIO())
    assert exc.value.returncode == 2


def test_seed_demo_pegawai_account_has_a_profile_to_show(db: Any) -> None:
    _seed("--employees", "120", "--agencies", "1", "--password", PASSWORD, "--seed", "9")
    pegawai = User.objects.get(employee__isnull=False, employee__subordinates__isnull=True).employee
    assert pegawai is not None
    assert pegawai.assessments.exists() and pegawai.learning_records.exists()
    assert pegawai.performance_ratings.exists()


@override_settings(ALLOWED_HOSTS=["bangkom.example.go.id"])
def test_seed_demo_on_a_public_host_needs_its_own_password(db: Any) -> None:
    """The default password is printed and public: it must never guard a site that other machines reach."""
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", "--employees", "40", "--agencies", "1", stdout=io.StringIO())
    assert exc.value.returncode == 2
    assert not Employee.objects.exists() and not User.objects.exists()
    _seed("--employees", "40", "--agencies", "1", "--password", PASSWORD)
    assert User.objects.filter(username="superadmin").exists()
