"""The shared sample imports as-is, re-imports to the same state, and leaves one audit event per kind."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from bangkom.audit.models import AuditEvent
from bangkom.competency.models import Assessment, Requirement
from bangkom.interchange.importer import KINDS, run_import
from bangkom.learning.models import LearningRecord

from .helpers import SAMPLE, counts, dump

# Data rows of each sample file (lines minus the header), counted with wc -l.
EXPECTED = {
    "agencies": 2,
    "units": 14,
    "positions": 72,
    "competencies": 8,
    "requirements": 703,
    "employees": 120,
    "assessments": 2183,
    "learning_records": 497,
    "performance": 120,
}

pytestmark = pytest.mark.django_db


def test_sample_imports_with_expected_counts() -> None:
    before = counts()
    result = run_import(SAMPLE)
    assert result.ok, result.error_lines()[:5]
    assert result.errors == []
    assert {k: c["created"] for k, c in result.counts.items()} == EXPECTED
    after = counts()
    assert after["org.Employee"] - before["org.Employee"] == 120
    assert after["competency.Assessment"] == 2183
    assert after["competency.Competency"] == before["competency.Competency"] + 8
    # Semicolon file with DD/MM/YYYY dates and an empty status (= verified).
    rec = LearningRecord.objects.get(
        employee__nip="197503202024222279", title="Kegiatan 0 Analisis Kebijakan"
    )
    assert str(rec.start_date) == "2025-06-01"
    assert str(rec.end_date) == "2025-06-05"
    assert rec.status == "verified"
    assert rec.form_id == 10


def test_supervisors_and_unit_parents_are_set() -> None:
    assert run_import(SAMPLE).ok
    from bangkom.org.models import Employee, Unit

    e = Employee.objects.get(nip="197106291998031177")
    assert e.supervisor is not None and e.supervisor.nip == "197503202024222279"
    assert Unit.objects.get(agency__code="KAB-TLK", code="KAB-TLK-U1").parent.code == "KAB-TLK-U0"


def test_reimport_is_idempotent() -> None:
    assert run_import(SAMPLE).ok
    first = dump()
    again = run_import(SAMPLE)
    assert again.ok
    assert dump() == first
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.counts.values())
    assert again.counts["assessments"]["unchanged"] == 2183


def test_one_audit_event_per_kind() -> None:
    AuditEvent.objects.all().delete()
    assert run_import(SAMPLE).ok
    events = AuditEvent.objects.filter(action="import")
    assert events.count() == len(KINDS)
    emp = events.get(entity="org.employee")
    assert "120 dibuat" in emp.summary
    assert emp.actor_id is None


def test_changed_values_on_reimport_are_audited(tmp_path) -> None:
    assert run_import(SAMPLE).ok
    AuditEvent.objects.all().delete()
    text = (SAMPLE / "assessments.csv").read_text(encoding="utf-8").splitlines()
    # Line 2: 198301152008111921,M.1,2024-10-01,3,lainnya -> level 5.
    assert text[1] == "198301152008111921,M.1,2024-10-01,3,lainnya"
    text[1] = "198301152008111921,M.1,2024-10-01,5,lainnya"
    (tmp_path / "assessments.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    req = (SAMPLE / "requirements.csv").read_text(encoding="utf-8").splitlines()
    assert req[1] == "KAB-TLK;KAB-TLK-J001;M.1;4"
    req[1] = "KAB-TLK;KAB-TLK-J001;M.1;5"
    (tmp_path / "requirements.csv").write_text("\n".join(req) + "\n", encoding="utf-8")
    result = run_import(tmp_path)
    assert result.ok, result.error_lines()
    assert result.counts["assessments"] == {"created": 0, "updated": 1, "unchanged": 2182}
    assert result.counts["requirements"] == {"created": 0, "updated": 1, "unchanged": 702}
    a = Assessment.objects.get(
        employee__nip="198301152008111921", competency__code="M.1", assessed_on="2024-10-01"
    )
    assert a.level == 5
    event = AuditEvent.objects.get(entity="competency.assessment")
    assert event.before == {
        "rows": [
            {
                "employee_id": a.employee_id,
                "competency_id": a.competency_id,
                "assessed_on": "2024-10-01",
                "level": 3,
                "method": "lainnya",
            }
        ]
    }
    assert event.after["rows"][0]["level"] == 5
    r_event = AuditEvent.objects.get(entity="competency.requirement")
    r = Requirement.objects.get(position__code="KAB-TLK-J001", competency__code="M.1")
    assert r_event.before["rows"] == [
        {"position_id": r.position_id, "competency_id": r.competency_id, "required_level": 4}
    ]
    assert r_event.after["rows"][0]["required_level"] == 5


def test_progress_is_reported() -> None:
    seen: list[tuple[int, str]] = []
    assert run_import(SAMPLE, progress=lambda p, m: seen.append((p, m))).ok
    percents = [p for p, _ in seen]
    assert percents == sorted(percents)
    assert percents[-1] == 100
    assert any("employees" in m for _, m in seen)


def test_single_file_recognised_by_stem() -> None:
    result = run_import(SAMPLE / "agencies.csv")
    assert result.ok
    assert result.counts == {"agencies": {"created": 2, "updated": 0, "unchanged": 0}}


def test_command_prints_summary(capsys) -> None:
    call_command("import", str(SAMPLE))
    out = capsys.readouterr().out
    assert "employees: 120 dibuat" in out
    assert "assessments: 2183 dibuat" in out
