"""Bulk upserts behind one small interface, so that validation and SQL are shared by both databases.

Rows go into a temporary staging table (PostgreSQL: COPY; SQLite: executemany), then one
INSERT ... SELECT ... ON CONFLICT (natural key) DO UPDATE moves them into the real table. Both databases
speak the same SQL for that step (IS DISTINCT FROM, UPDATE ... FROM), so only the staging load differs.
Counting created/updated rows and sampling changed values happens on the staging table with a join, which
is what the audit trail needs without loading the target table into Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

_stage_seq = itertools.count(1)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (key values, old values, new values) of changed rows, at most `sample` of them.
    changes: list[tuple[list[Any], list[Any], list[Any]]] = field(default_factory=list)


class Writer:
    """Shared SQL; subclasses only create and fill the staging table."""

    def _create_stage(self, cur: Any, stage: str, table: str, columns: Sequence[str]) -> None:
        raise NotImplementedError

    def _load_stage(
        self, cur: Any, stage: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        raise NotImplementedError

    def stage(self, cur: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
        name = f"bangkom_stage_{next(_stage_seq)}"
        self._create_stage(cur, name, table, columns)
        self._load_stage(cur, name, columns, rows)
        return name

    def upsert(
        self,
        table: str,
        *,
        columns: Sequence[str],
        key: Sequence[str],
        update: Sequence[str],
        rows: Iterable[Sequence[Any]],
        sample: int = 0,
    ) -> UpsertResult:
        """Insert new rows and update `update` columns of rows whose `key` exists; count both."""
        result = UpsertResult()
        with connection.cursor() as cur:
            stage = self.stage(cur, table, columns, rows)
            t, s = _q(table), _q(stage)
            on = " AND ".join(f"t.{_q(k)} = s.{_q(k)}" for k in key)
            changed = " OR ".join(f"t.{_q(c)} IS DISTINCT FROM s.{_q(c)}" for c in update) or "FALSE"
            cur.execute(f"SELECT COUNT(*) FROM {s}")  # noqa: S608 - identifiers are ours
            total = cur.fetchone()[0]
            cur.execute(
                f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {changed} THEN 1 ELSE 0 END), 0) "  # noqa: S608
                f"FROM {s} s JOIN {t} t ON {on}"
            )
            matched, n_changed = cur.fetchone()
            result.created = total - matched
            result.updated = int(n_changed)
            result.unchanged = matched - int(n_changed)
            if sample and n_changed:
                sel = ", ".join(
                    [f"s.{_q(k)}" for k in key]
                    + [f"t.{_q(c)}" for c in update]
                    + [f"s.{_q(c)}" for c in update]
                )
                cur.execute(
                    f"SELECT {sel} FROM {s} s JOIN {t} t ON {on} WHERE {changed} LIMIT {int(sample)}"  # noqa: S608
                )
                nk, nu = len(key), len(update)
                result.changes = [
                    (list(r[:nk]), list(r[nk : nk + nu]), list(r[nk + nu :])) for r in cur.fetchall()
                ]
            cols = ", ".join(_q(c) for c in columns)
            conflict = ", ".join(_q(k) for k in key)
            if update:
                sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in update)
                differs = " OR ".join(f"{t}.{_q(c)} IS DISTINCT FROM excluded.{_q(c)}" for c in update)
                action = f"DO UPDATE SET {sets} WHERE {differs}"
            else:
                action = "DO NOTHING"
            if matched == 0:
                # Nothing to update (a first import): a plain INSERT skips the speculative insertion
                # ON CONFLICT needs per row; a concurrent writer would still hit the unique index and abort.
                cur.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {s}")  # noqa: S608
            else:
                cur.execute(
                    f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {s} WHERE TRUE "  # noqa: S608
                    f"ON CONFLICT ({conflict}) {action}"
                )
            cur.execute(f"DROP TABLE {s}")
        return result

    def update_column(self, table: str, column: str, rows: Iterable[Sequence[Any]]) -> int:
        """Set `column` from (id, value) pairs where it differs: parents and supervisors after the upsert."""
        with connection.cursor() as cur:
            stage = self.stage(cur, table, ["id", column], rows)
            t, s, c = _q(table), _q(stage), _q(column)
            cur.execute(
                f"UPDATE {t} SET {c} = s.{c} FROM {s} s "  # noqa: S608
                f"WHERE {t}.id = s.id AND {t}.{c} IS DISTINCT FROM s.{c}"
            )
            count = cur.rowcount
            cur.execute(f"DROP TABLE {s}")
        return int(count)


class PostgresWriter(Writer):
    def _create_stage(self, cur: Any, stage: str, table: str, columns: Sequence[str]) -> None:
        cols = ", ".join(_q(c) for c in columns)
        # Same column types as the target; no constraints or indexes, so COPY runs at full speed.
        cur.execute(
            f"CREATE TEMP TABLE {_q(stage)} ON COMMIT DROP AS SELECT {cols} FROM {_q(table)} WITH NO DATA"  # noqa: S608
        )

    def _load_stage(
        self, cur: Any, stage: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        cols = ", ".join(_q(c) for c in columns)
        raw = connection.connection
        assert raw is not None
        with raw.cursor() as pg_cur, pg_cur.copy(f"COPY {_q(stage)} ({cols}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        cur.execute(f"ANALYZE {_q(stage)}")


class SqliteWriter(Writer):
    def _create_stage(self, cur: Any, stage: str, table: str, columns: Sequence[str]) -> None:
        cols = ", ".join(_q(c) for c in columns)
        cur.execute(f"CREATE TEMP TABLE {_q(stage)} AS SELECT {cols} FROM {_q(table)} WHERE 0")  # noqa: S608

    def _load_stage(
        self, cur: Any, stage: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        cols = ", ".join(_q(c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        raw = connection.connection
        assert raw is not None
        raw.executemany(f"INSERT INTO {_q(stage)} ({cols}) VALUES ({marks})", rows)  # noqa: S608


def get_writer() -> Writer:
    if connection.vendor == "postgresql":
        return PostgresWriter()
    if connection.vendor == "sqlite":
        return SqliteWriter()
    raise NotImplementedError(f"import writer for {connection.vendor}")
