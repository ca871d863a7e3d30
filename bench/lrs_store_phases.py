"""Where a stored statement's CPU goes: `lrs.statements.store` in a loop, step by step (a diagnostic for
lrs_ingest_bench.py, whose target it explains; no HTTP, no gunicorn).

Usage:  .venv/bin/python bench/lrs_store_phases.py [--statements 10000] [--batch 100]
        [--pg postgres://postgres@127.0.0.1:5432/postgres]

Drops and recreates the database bangkom_lrs_phases, migrates it, sets up the same instansi, pegawai, JP
mappings and client key as lrs_ingest_bench.py and generates the same kind of statements. After five batches of
warm-up, on one connection, for bodies of --batch statements: decodes each body as the view does (`parse_body`)
and stores it (`store(owned=True)`), with the GC tuned as in the workers (config/wsgi.py). It prints
  - the Python CPU (this thread's) per statement of each step, measured by wrapping the step's function: the
    steps nest (lookup inside _lookup_rows, definition_hash inside the definitions merge), and the wrappers cost a
    little themselves, so the lines add up to a bit more than the total;
  - the PostgreSQL backend's CPU per statement (Linux: /proc/<pid>/schedstat, nanoseconds) for each kind of SQL
    statement, and in all (the difference is mostly the commits).
As a baseline in the same run: the same statements' JSON decoded with json.loads and written with orjson.dumps
(the least any store must do with them in Python). Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _pgdb import drop_db, recreate_db

DB_NAME = "bangkom_lrs_phases"

# (module, function): the steps of a store, in the order they run.
STEPS = [
    ("bangkom.lrs.statements", "parse_body"),
    ("bangkom.engine.xapi", "validate_statements"),
    ("bangkom.engine.xapi", "normalise_statement"),
    ("bangkom.lrs.statements", "_new_row"),
    ("bangkom.lrs.statements", "_lookup_rows"),
    ("bangkom.engine.xapi", "lookup"),
    ("bangkom.lrs.statements", "_definitions"),
    ("bangkom.lrs.statements", "definition_hash"),
    ("bangkom.lrs.statements", "_pg_execute"),
    ("bangkom.lrs.credit", "credit_statements"),
]


def _schedstat(pid: int) -> float:
    """CPU seconds a process has run (Linux), at nanosecond resolution."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def _wrap(spent: collections.Counter[str], module: Any, name: str) -> None:
    original: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] += time.thread_time() - start

    setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    url = recreate_db(args.pg, DB_NAME)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bangkom.config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "BANGKOM_VAR_DIR": tempfile.mkdtemp(prefix="bangkom-lrs-phases-"),
            "DATABASE_CONN_MAX_AGE": "60",
        }
    )
    import importlib

    import django
    import orjson

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from lrs_ingest_bench import _setup, make_statements

    _setup()
    from bangkom.lrs import statements as st
    from bangkom.lrs.models import Client

    client = Client.objects.get()
    warm = make_statements(5 * args.batch, seed=1)
    for i in range(0, len(warm), args.batch):  # first queries, imports and caches: not measured
        st.store(client=client, value=warm[i : i + args.batch], owned=True)
    del warm
    statements = make_statements(args.statements, seed=3)
    texts = [json.dumps(statements[i : i + args.batch]).encode() for i in range(0, len(statements), args.batch)]
    del statements  # not kept alive for the collector to walk
    n = args.statements
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)  # as the workers (config/wsgi.py)

    start = time.thread_time()
    for text in texts:
        orjson.dumps(json.loads(text))
    floor = (time.thread_time() - start) / n

    spent: collections.Counter[str] = collections.Counter()
    for module_name, name in STEPS:
        _wrap(spent, importlib.import_module(module_name), name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    assert row is not None
    backend = row[0]
    by_sql: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()

    def attribute(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        before = _schedstat(backend)
        try:
            return execute(sql, params, many, context)
        finally:
            kind = " ".join(sql.split())[:70]
            if kind.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
                kind = "SAVEPOINT / RELEASE"
            by_sql[kind] += _schedstat(backend) - before
            calls[kind] += 1

    python_start, pg_start = time.thread_time(), _schedstat(backend)
    with connection.execute_wrapper(attribute):
        for text in texts:
            body = st.parse_body("application/json", text)
            st.store(client=client, value=body.statements, parts=body.parts, owned=True)
    python = (time.thread_time() - python_start) / n
    postgres = (_schedstat(backend) - pg_start) / n
    connection.close()

    print(f"{n:,} statements in bodies of {args.batch}; CPU per statement, us")
    print(f"\nPython (this process), in all: {python * 1e6:7.1f}")
    print(f"  baseline in the same run, json.loads + orjson.dumps of the same bodies: {floor * 1e6:.1f}")
    for _module, name in STEPS:
        print(f"  {name:<28} {spent[name] / n * 1e6:7.1f}")
    print(f"\nPostgreSQL (its backend), in all: {postgres * 1e6:7.1f}")
    for kind, seconds in by_sql.most_common():
        print(f"  {seconds / n * 1e6:7.1f}  x{calls[kind]:<5} {kind}")
    drop_db(args.pg, DB_NAME)


if __name__ == "__main__":
    main()
