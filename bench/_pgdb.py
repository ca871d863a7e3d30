"""Throw-away PostgreSQL databases for the benchmarks that need one (run as scripts: bench/ is on sys.path)."""

from __future__ import annotations


def recreate_db(admin_url: str, name: str) -> str:
    """Drop (connections included) and create database `name`; returns its URL beside admin_url's."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_db(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
