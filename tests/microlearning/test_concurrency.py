"""Two confirmations at the same moment (two tabs, a double click through a slow network) credit the JP once,
and two devices syncing the same events at the same moment make one attempt. Needs a server database with
row locks (PostgreSQL); on SQLite writers are serialised by the database itself and threads share no test DB."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from bangkom.learning.models import LearningRecord
from bangkom.microlearning.models import Attempt, SyncEvent
from bangkom.microlearning.services import RecordInvalid, apply_events, attempt_confirm
from tests.conftest import Org
from tests.microlearning.conftest import complete_events, make_module

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_rows", "reference_rows_after"),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL"),
]


def race(fn: Callable[[], Any], n: int = 4) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(fn())
        except RecordInvalid as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_sync_and_confirm(org: Org) -> None:
    module = make_module(org)
    events = complete_events(module)
    race(lambda: apply_events(user=org.users["staf1"], events=events, device_id="hp"))
    assert Attempt.objects.count() == 1 and SyncEvent.objects.count() == len(events)
    attempt = Attempt.objects.get()
    results = race(lambda: attempt_confirm(actor=org.users["kabid"], attempt=attempt))
    assert sum(isinstance(r, LearningRecord) for r in results) == 1
    assert LearningRecord.objects.filter(employee=org.staf1).count() == 1
