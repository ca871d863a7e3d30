"""Storing statements in bulk: what the fast write path (one JSON parameter per table on PostgreSQL, the ORM
on SQLite) must keep: the order of a batch, resent statements, a batch with a conflict storing nothing, lookup
rows only for new statements, canonical definitions merged across requests, and a number of queries that does
not grow with the batch (bench/lrs_ingest_bench.py measures the speed)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bangkom.lrs.models import Activity, Statement, StatementActivity, StatementAgent
from bangkom.org.models import Agency

from .conftest import Xapi, make_xapi

pytestmark = pytest.mark.django_db

SITE = "https://elearning.example.go.id"


def statement(n: int, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"name": f"Peserta Ü {n} ☕", "account": {"homePage": "https://siasn.bkn.go.id", "name": f"p{n % 7}"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {
            "id": f"{SITE}/modul/{n % 5}",
            "definition": {"name": {"id-ID": f"Modul {n % 5}"}, "type": "http://adlnet.gov/expapi/activities/module"},
        },
        "context": {
            "registration": str(uuid.uuid4()),
            "contextActivities": {"parent": {"id": f"{SITE}/kursus/{n % 2}"}},
            "instructor": {"mbox": f"mailto:pengajar{n % 3}@example.go.id"},
        },
        "result": {"score": {"scaled": 0.5, "raw": 50, "min": 0, "max": 100}, "duration": "PT5M"},
        "timestamp": "2026-11-20T09:30:00+07:00",
    }
    base.update(over)
    return base


def stored_ids(xapi: Xapi) -> list[str]:
    response = xapi.get("statements", {"ascending": "true", "limit": "100"})
    assert response.status_code == 200
    return [s["id"] for s in response.json()["statements"]]


def test_a_batch_keeps_its_order_and_every_lookup_row(xapi: Xapi) -> None:
    batch = [statement(n) for n in range(40)]
    response = xapi.post("statements", batch)
    assert response.status_code == 200
    assert response.json() == [s["id"] for s in batch]
    assert stored_ids(xapi) == [s["id"] for s in batch]
    # actor, instructor and authority; object and parent.
    assert StatementAgent.objects.count() == 40 * 3
    assert StatementActivity.objects.count() == 40 * 2
    row = Statement.objects.get(statement_id=batch[3]["id"])
    # The stored text is the compact JSON of the statement, non-ASCII characters as they are.
    assert row.payload == json.dumps(json.loads(row.payload), ensure_ascii=False, separators=(",", ":"))
    assert json.loads(row.payload)["actor"]["name"] == "Peserta Ü 3 ☕"
    assert '"name":"Peserta Ü 3 ☕"' in row.payload
    assert row.registration == uuid.UUID(batch[3]["context"]["registration"])
    assert row.timestamp.isoformat() == "2026-11-20T02:30:00+00:00"
    assert set(Activity.objects.values_list("activity_id", flat=True)) == {
        *(f"{SITE}/modul/{k}" for k in range(5)),
        *(f"{SITE}/kursus/{k}" for k in range(2)),
    }


def test_resent_statements_are_skipped_and_only_new_ones_stored(xapi: Xapi) -> None:
    a, b, c = statement(1), statement(2), statement(3)
    assert xapi.post("statements", [a, b]).status_code == 200
    response = xapi.post("statements", [a, c, b])
    assert response.status_code == 200
    assert response.json() == [a["id"], c["id"], b["id"]]
    assert Statement.objects.count() == 3
    first = Statement.objects.get(statement_id=a["id"])
    assert StatementAgent.objects.filter(statement=first).count() == 3  # not written twice
    assert (StatementAgent.objects.count(), StatementActivity.objects.count()) == (9, 6)  # c's written once
    assert stored_ids(xapi) == [a["id"], b["id"], c["id"]]


def test_a_conflict_anywhere_stores_nothing_of_the_batch(xapi: Xapi) -> None:
    a = statement(1)
    assert xapi.post("statements", [a]).status_code == 200
    fresh, changed = statement(2), {**a, "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}}
    response = xapi.post("statements", [fresh, changed])
    assert response.status_code == 409
    assert list(Statement.objects.values_list("statement_id", flat=True)) == [uuid.UUID(a["id"])]
    assert StatementAgent.objects.count() == 3


def test_definitions_merge_across_requests(xapi: Xapi) -> None:
    activity = f"{SITE}/modul/0"
    assert xapi.post("statements", [statement(0)]).status_code == 200
    english = statement(5, object={"id": activity, "definition": {"name": {"en-US": "Module 0"}}})
    later = statement(10, object={"id": activity, "definition": {"description": {"id-ID": "Pengantar"}}})
    assert xapi.post("statements", [english, later]).status_code == 200
    definition = Activity.objects.get(activity_id=activity).definition
    assert definition == {
        "name": {"id-ID": "Modul 0", "en-US": "Module 0"},
        "type": "http://adlnet.gov/expapi/activities/module",
        "description": {"id-ID": "Pengantar"},
    }
    # Nothing new: the stored definition stays as it is.
    assert xapi.post("statements", [statement(15)]).status_code == 200
    assert Activity.objects.get(activity_id=activity).definition == definition


def test_queries_do_not_grow_with_the_batch(xapi: Xapi) -> None:
    assert xapi.post("statements", [statement(0)]).status_code == 200  # the client platform is now cached
    counts = []
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            assert xapi.post("statements", [statement(n) for n in range(size)]).status_code == 200
        counts.append(len(queries))
    if connection.vendor == "postgresql":
        # savepoint, statements with their lookup rows and new activities, stored definitions, release
        assert counts == [4, 4]
    else:  # the ORM's bulk inserts, split by SQLite's limit on parameters
        assert counts[1] <= 2 * counts[0], counts


def test_a_definition_sent_again_after_another_one_wins_again(xapi: Xapi) -> None:
    # The merge is skipped only for the definition merged last (Activity.input_hash), never for an older one.
    activity = f"{SITE}/modul/3"
    module, lesson = "http://adlnet.gov/expapi/activities/module", "http://adlnet.gov/expapi/activities/lesson"
    first = {"name": {"id-ID": "Modul tiga"}, "type": module}
    second = {"name": {"id-ID": "Modul 3 (revisi)"}, "type": lesson}
    for n, (definition, expected) in enumerate(((first, first), (first, first), (second, second), (first, first))):
        response = xapi.post("statements", [statement(n, object={"id": activity, "definition": definition})])
        assert response.status_code == 200
        assert Activity.objects.get(activity_id=activity).definition == expected, n
    assert xapi.get("activities", {"activityId": activity}).json()["definition"] == first


def test_integers_beyond_64_bits_are_stored_exactly(xapi: Xapi) -> None:
    # JSON and xAPI extensions allow any integer; the fast JSON encoder stops at 64 bits and falls back.
    huge = 2**70 + 1
    sent = statement(1, result={"extensions": {"https://example.go.id/ext/besar": huge}})
    assert xapi.post("statements", [sent]).status_code == 200
    got = xapi.get("statements", {"statementId": sent["id"]})
    assert got.status_code == 200
    assert json.loads(got.content)["result"]["extensions"]["https://example.go.id/ext/besar"] == huge


def test_deleting_a_statement_removes_its_lookup_rows(xapi: Xapi, xapi_b: Xapi) -> None:
    # The lookup rows have no foreign-key constraint in the database; Django's cascade still removes them.
    assert xapi.post("statements", [statement(n) for n in range(3)]).status_code == 200
    assert xapi_b.post("statements", [statement(9)]).status_code == 200
    gone = Statement.objects.filter(agency=xapi.client.agency).first()
    assert gone is not None
    gone.delete()
    assert not StatementAgent.objects.filter(statement_id=gone.pk).exists()
    assert not StatementActivity.objects.filter(statement_id=gone.pk).exists()
    assert StatementAgent.objects.count() == 3 * 3  # two statements of A and one of B left, three agents each
    assert StatementActivity.objects.count() == 3 * 2


def test_deleting_a_client_or_an_instansi_reaches_its_statements(xapi: Xapi) -> None:
    # The statement's own keys (instansi, client) have no constraint in the database either: Django clears the
    # client of a deleted client's statements and deletes an instansi's statements with it.
    empty = Agency.objects.create(code="LRS-ONLY", name="Instansi tanpa pegawai", kind="lembaga")
    other = make_xapi(empty, "LMS lain")
    assert xapi.post("statements", [statement(n) for n in range(2)]).status_code == 200
    assert other.post("statements", [statement(9)]).status_code == 200
    xapi.client.delete()
    assert Statement.objects.filter(agency=xapi.client.agency, client__isnull=True).count() == 2
    empty.delete()
    assert Statement.objects.count() == 2
    assert not Statement.objects.filter(agency_id=empty.pk).exists()
    assert StatementAgent.objects.count() == 2 * 3
    assert not StatementAgent.objects.filter(agency_id=empty.pk).exists()


@pytest.fixture
def few_parameters() -> Any:
    """SQLite as built with a low SQLITE_MAX_VARIABLE_NUMBER (999 before 3.32; 32,766 since, which a 10 MB
    body of small statements can pass): a query with more parameters fails."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw: Any = connection.connection
    before = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    yield
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


def test_batches_beyond_the_database_parameter_limit_are_stored_resent_and_voided(
    xapi: Xapi, few_parameters: None
) -> None:
    batch = [
        statement(n, object={"id": f"{SITE}/halaman/{n}", "definition": {"name": {"id": f"H{n}"}}}) for n in range(1100)
    ]
    assert xapi.post("statements", batch).status_code == 200
    assert Activity.objects.filter(activity_id__startswith=f"{SITE}/halaman/").count() == 1100
    again = [*batch, *(statement(n) for n in range(10))]
    assert xapi.post("statements", again).status_code == 200
    assert Statement.objects.count() == 1110
    voiding = [
        statement(
            n,
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": s["id"]},
        )
        for n, s in enumerate(batch)
    ]
    for s in voiding:
        del s["context"]["contextActivities"]
    assert xapi.post("statements", voiding).status_code == 200
    assert Statement.objects.filter(voided=True).count() == 1100


@pytest.mark.parametrize(
    ("engines", "version", "refused"),
    [
        (["django.db.backends.sqlite3"], "3.34.1", True),
        (["django.db.backends.sqlite3"], "3.31.0", True),
        (["django.db.backends.sqlite3"], "3.35.0", False),
        (["django.db.backends.sqlite3"], "3.40.1", False),
        (["django.db.backends.postgresql"], "3.31.0", False),
        (["django.db.backends.postgresql", "django.db.backends.sqlite3"], "3.34.1", True),
    ],
)
def test_an_sqlite_too_old_for_returning_is_refused_at_start(engines: list[str], version: str, refused: bool) -> None:
    from django.core import checks

    from bangkom.lrs.checks import sqlite_too_old, sqlite_version

    errors = sqlite_too_old(engines, version)
    assert [e.id for e in errors] == (["bangkom.E001"] if refused else [])
    if refused:
        assert version in errors[0].msg and "3.35" in errors[0].msg
    assert sqlite_version in checks.registry.registry.registered_checks


def test_an_extension_nested_300_deep_is_stored_and_read_back(xapi: Xapi) -> None:
    """orjson reads 1,024 levels but writes 254: such a body is decoded the other way (was a 500)."""
    deep: Any = 1
    for _ in range(300):
        deep = [deep]
    sent = statement(0, result={"extensions": {"https://x.example/e": deep}})
    body = json.dumps([sent], ensure_ascii=False)
    assert "\\" not in body  # no backslash: the body takes orjson's way first
    response = xapi.post("statements", body.encode())
    assert response.status_code == 200, response.content
    got = xapi.get("statements", {"statementId": sent["id"]})
    assert got.status_code == 200 and got.json()["result"]["extensions"]["https://x.example/e"] == deep
