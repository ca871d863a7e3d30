"""The micro-learning step of seed-demo: two published modules and one submission waiting for the atasan."""

from __future__ import annotations

from bangkom.demodata.microlearning_seed import seed_microlearning
from bangkom.microlearning.models import Attempt, AttemptStatus, Module, ModuleStatus
from bangkom.microlearning.selectors import attempts_to_confirm
from tests.conftest import Org


def test_seed_publishes_modules_and_a_submission(org: Org) -> None:
    lines: list[str] = []
    out = seed_microlearning(
        agency=org.agency_a, admin=org.users["admin_a"], pegawai=org.users["staf1"], write=lines.append
    )
    assert len(out.modules) == 2 and out.submitted == 1
    assert set(Module.objects.values_list("status", flat=True)) == {ModuleStatus.PUBLISHED}
    assert Attempt.objects.get().status == AttemptStatus.SUBMITTED
    assert attempts_to_confirm(org.users["kabid"]).count() == 1
    again = seed_microlearning(
        agency=org.agency_a, admin=org.users["admin_a"], pegawai=org.users["staf1"], write=lines.append
    )
    assert again.modules == [] and Module.objects.count() == 2 and "dilewati" in lines[-1]
