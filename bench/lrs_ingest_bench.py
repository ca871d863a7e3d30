"""xAPI statement ingestion over HTTP into PostgreSQL, full validation on, against PostgreSQL's own COPY.

Usage:  .venv/bin/python bench/lrs_ingest_bench.py [--statements 30000] [--singles 4000] [--workers 3]
        [--worker-class sync] [--clients 4] [--pg postgres://postgres@127.0.0.1:5432/postgres] [--keep]

What it does, in one run:
  - drops and recreates the database bangkom_lrs_bench, migrates it, creates an instansi with 300 pegawai,
    a client key (lrs.services.client_create) and JP mappings for 30 of the 200 modules (so the completed
    and passed statements of known pegawai are credited as in production);
  - starts gunicorn (production settings, DEBUG off) with worker processes on 127.0.0.1;
  - generates realistic, varied statements (seeded): 2,000 actors (account with a NIP or mbox), 10 verbs,
    200 modules with definitions and 40 quiz questions (choice interactions), context with registration
    (half), parent course and grouping programme, platform, language, instructor (a fifth) and extensions,
    results with score, success, completion and duration; 90% carry their own id;
  - POSTs them with Basic auth and X-Experience-API-Version 1.0.3 from --clients client processes, each with
    one keep-alive connection (http.client), bodies serialised before the clock starts: first one statement
    per POST (--singles), then batches of 100 (--statements); prints statements/s, p50/p95/p99 latency per
    POST and the CPU the clients themselves used (so one can see they are not the bottleneck);
  - checks that the store holds exactly the statements sent (none lost, none twice);
  - times GET /xapi/statements by agent, verb, activity, since and agent+verb on the filled store;
  - the floor: psycopg COPY of the same statements' JSON into a bare table (id uuid, doc jsonb), one
    connection, one transaction; prints its statements/s and the ratio to the HTTP batches.
Prints figures; never asserts on time. Needs gunicorn (`pip install -e ".[bench]"`).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import multiprocessing as mp
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _pgdb import drop_db, recreate_db

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "bangkom_lrs_bench"
HOME_PAGE = "https://siasn.bkn.go.id"
SITE = "https://elearning.bench.go.id"
VERBS = [
    ("http://adlnet.gov/expapi/verbs/experienced", "experienced", "mengalami", 14),
    ("http://adlnet.gov/expapi/verbs/attempted", "attempted", "mencoba", 12),
    ("http://adlnet.gov/expapi/verbs/answered", "answered", "menjawab", 30),
    ("http://adlnet.gov/expapi/verbs/completed", "completed", "menyelesaikan", 14),
    ("http://adlnet.gov/expapi/verbs/passed", "passed", "lulus", 8),
    ("http://adlnet.gov/expapi/verbs/failed", "failed", "gagal", 3),
    ("http://adlnet.gov/expapi/verbs/progressed", "progressed", "melanjutkan", 8),
    ("https://w3id.org/xapi/adl/verbs/logged-in", "logged in", "masuk", 4),
    ("http://id.tincanapi.com/verb/viewed", "viewed", "melihat", 5),
    ("http://adlnet.gov/expapi/verbs/commented", "commented", "mengomentari", 2),
]
N_ACTORS = 2000
N_EMPLOYEES = 300
N_MODULES = 200
N_QUESTIONS = 40
N_CREDITED = 30


# -- statements ---------------------------------------------------------------------------------------------


def _nip(i: int) -> str:
    """An 18-digit NIP (birth date, appointment month, sex, sequence), unique per i."""
    birth = f"{1970 + i % 30}{1 + i % 12:02d}{1 + i % 28:02d}"
    appointed = f"{1995 + i % 25}{1 + (i // 7) % 12:02d}"
    return f"{birth}{appointed}{1 + i % 2}{i % 1000:03d}"


def _actors(rng: random.Random) -> list[dict[str, Any]]:
    actors: list[dict[str, Any]] = []
    for i in range(N_ACTORS):
        name = f"Pegawai {i:04d}"
        if i < N_EMPLOYEES or rng.random() < 0.5:
            actors.append({"objectType": "Agent", "name": name, "account": {"homePage": HOME_PAGE, "name": _nip(i)}})
        else:
            actors.append({"name": name, "mbox": f"mailto:pegawai{i}@bench.go.id"})
    return actors


def _module(k: int) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{SITE}/modul/{k}",
        "definition": {
            "name": {"id-ID": f"Modul {k}: Pelayanan Publik", "en-US": f"Module {k}: Public Service"},
            "description": {"id-ID": f"Modul pelatihan nomor {k}", "en-US": f"Training module number {k}"},
            "type": "http://adlnet.gov/expapi/activities/module",
            "moreInfo": f"{SITE}/info/{k}",
        },
    }


def _question(q: int) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{SITE}/soal/{q}",
        "definition": {
            "name": {"id-ID": f"Soal {q}"},
            "description": {"id-ID": f"Manakah jawaban yang benar untuk soal {q}?"},
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "correctResponsesPattern": ["b"],
            "choices": [{"id": c, "description": {"id-ID": f"Pilihan {c}", "en-US": f"Choice {c}"}} for c in "abcd"],
        },
    }


def make_statements(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    actors = _actors(rng)
    instructors = actors[:20]
    verbs, weights = [v[:3] for v in VERBS], [v[3] for v in VERBS]
    registrations = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(500)]
    out: list[dict[str, Any]] = []
    for i in range(n):
        verb_id, en, id_ = rng.choices(verbs, weights)[0]
        statement: dict[str, Any] = {
            "actor": rng.choice(actors),
            "verb": {"id": verb_id, "display": {"en-US": en, "id-ID": id_}},
        }
        if rng.random() < 0.9:
            statement["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        module = rng.randrange(N_MODULES)
        if verb_id.endswith("answered"):
            statement["object"] = _question(rng.randrange(N_QUESTIONS))
            statement["result"] = {"response": rng.choice("abcd"), "success": rng.random() < 0.6}
        else:
            statement["object"] = _module(module)
            if verb_id.rsplit("/", 1)[-1] in {"completed", "passed", "failed", "progressed"}:
                raw = rng.randint(40, 100)
                statement["result"] = {
                    "score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
                    "success": raw >= 70,
                    "completion": verb_id.endswith(("completed", "passed")),
                    "duration": f"PT{rng.randint(0, 3)}H{rng.randint(0, 59)}M{rng.randint(0, 59)}.{rng.randint(0, 9)}S",
                }
        context: dict[str, Any] = {
            "contextActivities": {
                "parent": [{"id": f"{SITE}/kursus/{module // 10}", "objectType": "Activity"}],
                "grouping": [
                    {
                        "id": f"{SITE}/program/{module // 50}",
                        "definition": {"name": {"id-ID": f"Program {module // 50}"}},
                    }
                ],
            },
            "platform": rng.choice(["Moodle 4.3", "bangkom belajar", "LMS Nasional ASN"]),
            "language": rng.choice(["id-ID", "id-ID", "en-US"]),
            "extensions": {"https://bangkom.go.id/xapi/ext/sesi": rng.randint(1, 50)},
        }
        if rng.random() < 0.5:
            context["registration"] = rng.choice(registrations)
        if rng.random() < 0.2:
            context["instructor"] = rng.choice(instructors)
        if rng.random() < 0.1:
            context["contextActivities"]["category"] = [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]
        statement["context"] = context
        day = 1 + i % 28
        statement["timestamp"] = f"2026-11-{day:02d}T{rng.randint(7, 16):02d}:{rng.randint(0, 59):02d}:00.000+07:00"
        out.append(statement)
    return out


# -- server and database ------------------------------------------------------------------------------------


def _setup() -> tuple[str, str, int]:
    """Instansi, 300 pegawai, JP mappings and a client key; returns (key, secret, agency id)."""
    import django

    django.setup()
    from bangkom.lrs.services import client_create, credit_save
    from bangkom.org.models import Agency, Employee, Position, Unit

    agency = Agency.objects.create(code="LRS-BENCH", name="Instansi Uji LRS", kind="lembaga")
    unit = Unit.objects.create(agency=agency, code="U0", name="Sekretariat")
    position = Position.objects.create(agency=agency, code="J0", name="Analis", kind="pelaksana", unit=unit)
    Employee.objects.bulk_create(
        Employee(
            nip=_nip(i), name=f"Pegawai {i:04d}", agency=agency, unit=unit, position=position, employment_type="pns"
        )
        for i in range(N_EMPLOYEES)
    )
    for k in range(N_CREDITED):
        credit_save(actor=None, agency=agency, activity_id=f"{SITE}/modul/{k}", title=f"Modul {k}", jp=2, form_code=13)
    client, secret = client_create(actor=None, agency=agency, name="LMS bench")
    return client.key, secret, agency.pk


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(port: int, workers: int, worker_class: str, threads: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        sys.exit('gunicorn is not installed: .venv/bin/pip install -e ".[bench]"')
    cmd = [
        str(gunicorn),
        "bangkom.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--backlog",
        "256",
        "--error-logfile",
        str(log),
    ]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/xapi/about")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not answer; see {log}")


@contextlib.contextmanager
def _profiled(prefix: str | None, phase: str, pid: int) -> Iterator[None]:
    """py-spy sampling every gunicorn worker while a phase runs (collapsed stacks, for flame graphs)."""
    if not prefix:
        yield
        return
    spy = Path(sys.executable).parent / "py-spy"
    cmd = [str(spy), "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "--format", "raw"]
    proc = subprocess.Popen(  # noqa: S603
        [*cmd, "--rate", "250", "-o", f"{prefix}-{phase}.txt"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(1.0)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


_PG_BACKGROUND = (b": walwriter", b": checkpointer", b": background writer", b"autovacuum")


def _cpu_snapshot(master: int) -> tuple[float, float, float, float, float]:
    """CPU seconds from /proc: (machine busy, gunicorn workers, PostgreSQL backends of the bench database,
    PostgreSQL's background processes), and the wall clock. The server keeps its connections
    (DATABASE_CONN_MAX_AGE), so the backends live through a phase."""
    if not Path("/proc/stat").exists():  # not Linux: no CPU figures
        return 0.0, 0.0, 0.0, 0.0, time.monotonic()
    hz = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(values) - values[3] - values[4]  # minus idle and iowait
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    workers = sum(_ticks(int(pid)) for pid in children)
    backends = background = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmdline.startswith(b"postgres: ") and DB_NAME.encode() in cmdline:
                backends += _ticks(int(entry.name))
            elif cmdline.startswith(b"postgres: ") and any(name in cmdline for name in _PG_BACKGROUND):
                background += _ticks(int(entry.name))
    return busy / hz, workers / hz, backends / hz, background / hz, time.monotonic()


# -- client -------------------------------------------------------------------------------------------------


@dataclass
class ClientResult:
    latencies: list[float]
    statuses: dict[int, int]
    start: float
    end: float
    cpu: float
    bad: list[str]


def _client(port: int, headers: dict[str, str], bodies: list[bytes], go: Any, out: Any) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    bad: list[str] = []
    go.wait()
    cpu0, start = time.process_time(), time.monotonic()
    for body in bodies:
        t0 = time.monotonic()
        conn.request("POST", "/xapi/statements", body=body, headers={**headers, "Content-Length": str(len(body))})
        response = conn.getresponse()
        data = response.read()
        latencies.append(time.monotonic() - t0)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.status != 200 and len(bad) < 3:
            bad.append(data[:300].decode(errors="replace"))
    end, cpu = time.monotonic(), time.process_time() - cpu0
    conn.close()
    out.put(ClientResult(latencies, statuses, start, end, cpu, bad))


def _post_all(port: int, headers: dict[str, str], bodies: list[bytes], clients: int) -> list[ClientResult]:
    ctx = mp.get_context("fork")
    go, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_client, args=(port, headers, bodies[i::clients], go, out), daemon=True)
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    time.sleep(0.3)
    go.set()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    return results


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _report(
    label: str, n_statements: int, results: list[ClientResult], before: tuple[float, ...], master: int
) -> float:
    latencies = [x for r in results for x in r.latencies]
    statuses: dict[int, int] = {}
    for r in results:
        for code, count in r.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
    wall = max(r.end for r in results) - min(r.start for r in results)
    rate = n_statements / wall
    cpu = sum(r.cpu for r in results)
    print(
        f"{label:<22} {n_statements:>8,} {len(latencies):>7,} {wall:>7.1f} s {rate:>9,.0f}/s "
        f"{_pct(latencies, 0.5) * 1000:>7.1f} {_pct(latencies, 0.95) * 1000:>7.1f} {_pct(latencies, 0.99) * 1000:>7.1f}"
        f"  client CPU {cpu:.1f} s ({cpu / wall * 100:.0f}% of one core, {cpu / len(latencies) * 1e6:.0f} us/POST)"
    )
    after = _cpu_snapshot(master)
    busy, workers, backends, background, elapsed = (a - b for a, b in zip(after, before, strict=True))
    other = busy - workers - backends - background - cpu
    ours = max(workers + backends + background, 1e-9) / n_statements
    print(
        f"{'':<22} CPU per statement: gunicorn workers {workers / n_statements * 1e6:,.0f} us, PostgreSQL "
        f"{backends / n_statements * 1e6:,.0f} us (+ {background / n_statements * 1e6:,.0f} us WAL writer, "
        f"checkpointer, autovacuum), clients {cpu / n_statements * 1e6:,.0f} us; other work on the machine "
        f"{other / elapsed * 100:.0f}% of a core; CPU-bound rate on {os.cpu_count()} idle cores: "
        f"{(os.cpu_count() or 1) / ours:,.0f}/s"
    )
    if set(statuses) != {200}:
        print(f"   statuses: {statuses}; e.g. {[b for r in results for b in r.bad][:3]}")
    return rate


# -- queries and the COPY floor -----------------------------------------------------------------------------


def _queries(port: int, headers: dict[str, str], statements: list[dict[str, Any]], repeat: int) -> None:
    rng = random.Random(3)
    sample = [s for s in statements if "account" in s["actor"]][:200]
    since = "2026-01-01T00:00:00Z"
    cases: list[tuple[str, Any]] = [
        ("agent", lambda: {"agent": json.dumps(rng.choice(sample)["actor"])}),
        ("verb", lambda: {"verb": rng.choice(VERBS)[0]}),
        ("activity", lambda: {"activity": f"{SITE}/modul/{rng.randrange(N_MODULES)}"}),
        ("activity, related", lambda: {"activity": f"{SITE}/kursus/{rng.randrange(20)}", "related_activities": "true"}),
        ("since", lambda: {"since": since}),
        (
            "agent + verb",
            lambda: {
                "agent": json.dumps(rng.choice(sample)["actor"]),
                "verb": "http://adlnet.gov/expapi/verbs/completed",
            },
        ),
        (
            "registration",
            lambda: {
                "registration": next(s for s in statements if "registration" in s["context"])["context"]["registration"]
            },
        ),
    ]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    print(f"\nGET /xapi/statements on the filled store ({repeat} each, one connection; first page, limit 100):")
    print(f"{'filter':<22} {'p50 ms':>8} {'p95 ms':>8} {'statements':>11}")
    for label, params in cases:
        times, counts = [], []
        for _ in range(repeat):
            path = "/xapi/statements?" + urllib.parse.urlencode(params())
            t0 = time.monotonic()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            data = response.read()
            times.append(time.monotonic() - t0)
            counts.append(len(json.loads(data)["statements"]) if response.status == 200 else -response.status)
        print(f"{label:<22} {_pct(times, 0.5) * 1000:>8.1f} {_pct(times, 0.95) * 1000:>8.1f} {_pct(counts, 0.5):>11}")
    conn.close()


def _copy_floor(url: str, texts: list[str]) -> float:
    import psycopg

    ids = [str(uuid.uuid4()) for _ in texts]
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy_floor")
        conn.execute("CREATE UNLOGGED TABLE bench_copy_floor_probe (x int)")  # warm the catalog
        conn.execute("CREATE TABLE bench_copy_floor (id uuid, doc jsonb)")
        conn.commit()
        t0 = time.monotonic()
        with conn.cursor() as cur, cur.copy("COPY bench_copy_floor (id, doc) FROM STDIN") as copy:
            for sid, text in zip(ids, texts, strict=True):
                copy.write_row((sid, text))
        conn.commit()
        elapsed = time.monotonic() - t0
        count = conn.execute("SELECT count(*) FROM bench_copy_floor").fetchone()
        assert count is not None and count[0] == len(texts)
    return len(texts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=30_000, help="statements sent in batches of 100")
    parser.add_argument("--singles", type=int, default=None, help="statements sent one per POST (default N/7)")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--clients", type=int, default=4, help="client processes, one connection each")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE of the server (0: a connection per request)"
    )
    parser.add_argument(
        "--prepare-threshold",
        type=int,
        help="DATABASE_PREPARE_THRESHOLD of the server (server-side prepared statements; default: none)",
    )
    parser.add_argument("--queries", type=int, default=30, help="repetitions of each query")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--pause", type=float, default=2.0, help="seconds idle to measure other load first")
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    parser.add_argument(
        "--py-spy", metavar="PREFIX", help="profile the workers: PREFIX-singles.txt, PREFIX-batches.txt"
    )
    args = parser.parse_args()
    singles = args.singles if args.singles is not None else max(200, args.statements // 7)

    url = recreate_db(args.pg, DB_NAME)
    work = Path(tempfile.mkdtemp(prefix="bangkom-lrs-bench-"))
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bangkom.config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BANGKOM_VAR_DIR": str(work),
        "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
    }
    if args.prepare_threshold is not None:
        env["DATABASE_PREPARE_THRESHOLD"] = str(args.prepare_threshold)
    os.environ.update(env)
    bangkom = Path(sys.executable).parent / "bangkom"
    subprocess.run([str(bangkom), "migrate", "--no-input"], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    t0 = time.monotonic()
    warm, single_set, batch_set = (
        make_statements(200, seed=1),
        make_statements(singles, seed=2),
        make_statements(args.statements, seed=3),
    )
    key, secret, _agency = _setup()
    from django.db import connections

    connections.close_all()
    dumps = json.dumps
    single_bodies = [dumps(s).encode() for s in single_set]
    batch_bodies = [dumps(batch_set[i : i + args.batch]).encode() for i in range(0, len(batch_set), args.batch)]
    print(
        f"generated {len(warm) + singles + args.statements:,} statements in {time.monotonic() - t0:.1f} s; "
        f"mean {sum(map(len, single_bodies)) / singles:,.0f} bytes of JSON each"
    )
    auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    port = _free_port()
    log = work / "gunicorn.log"
    server = _start_server(port, args.workers, args.worker_class, args.threads, log)
    try:
        print(
            f"gunicorn: {args.workers} x {args.worker_class} worker(s), {args.threads} thread(s); "
            f"{args.clients} client processes; {os.cpu_count()} CPUs; log {log}"
        )
        _post_all(port, headers, [dumps(s).encode() for s in warm], args.clients)  # warm-up, not reported
        idle = _cpu_snapshot(server.pid)
        time.sleep(args.pause)
        busy = (_cpu_snapshot(server.pid)[0] - idle[0]) / (time.monotonic() - idle[-1])
        print(f"machine CPU busy before the run (other work on this machine): {busy * 100:.0f}%")
        print(
            f"\n{'POSTs of':<22} {'stmts':>8} {'POSTs':>7} {'wall':>9} {'rate':>11} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        )
        with _profiled(args.py_spy, "singles", server.pid):
            before = _cpu_snapshot(server.pid)
            single_rate = _report(
                "1 statement", singles, _post_all(port, headers, single_bodies, args.clients), before, server.pid
            )
        with _profiled(args.py_spy, "batches", server.pid):
            before = _cpu_snapshot(server.pid)
            results = _post_all(port, headers, batch_bodies, args.clients)
            batch_rate = _report(f"{args.batch} statements", args.statements, results, before, server.pid)

        import psycopg

        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*), count(DISTINCT statement_id) FROM lrs_statement").fetchone()
            records = conn.execute("SELECT count(*) FROM learning_learningrecord").fetchone()
            credited = conn.execute("SELECT count(*) FROM lrs_creditedstatement").fetchone()
        assert row is not None and records is not None and credited is not None
        sent = len(warm) + singles + args.statements
        verdict = "exactly what was sent" if row[0] == sent == row[1] else f"MISMATCH: sent {sent:,}"
        print(
            f"\nstore: {row[0]:,} statements ({row[1]:,} distinct ids), {verdict}; "
            f"{credited[0]:,} credited to {records[0]:,} learning records"
        )
        _queries(port, headers, batch_set, args.queries)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    texts = [dumps(s) for s in batch_set]
    floor = _copy_floor(url, texts)
    print(f"\nCOPY floor: {len(texts):,} statements (same JSON) into (id uuid, doc jsonb), one COPY: {floor:,.0f}/s")
    print(f"ratio COPY / HTTP batches of {args.batch}: {floor / batch_rate:.1f}x (target within 5x)")
    print(
        f"targets: batches >= 1,000/s: {'met' if batch_rate >= 1000 else 'NOT met'}; "
        f"singles >= 200/s: {'met' if single_rate >= 200 else 'NOT met'}"
    )
    if args.keep:
        print(f"database kept: {url}")
    else:
        drop_db(args.pg, DB_NAME)


if __name__ == "__main__":
    main()
