"""`bangkom seed-demo`: load a generated demo world through the public import and create demo accounts.

Why through the import: the demo then proves the CONTRACT.md path end to end, and there is one way data
enters the database. The accounts cover every role so that a visitor can see each view of the platform;
the demo serves 127.0.0.1 only, so a printed shared password is acceptable. A last step (planning_seed.py)
fills the catalogue and plans the first instansi through the planning services, so that the AKPK, plan and
IDP pages have content; --skip-planning leaves it out. Then mentoring_seed.py runs a coaching programme with
sessions and leaves a mentoring proposal in the same instansi, so that the coaching/mentoring pages and the
home page reminder have content; --skip-mentoring leaves it out. Last, microlearning_seed.py publishes two
micro-learning modules with one submission waiting for the demo atasan; --skip-microlearning leaves it out.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Exists, OuterRef

from bangkom.accounts.models import Role, User
from bangkom.accounts.services import role_grant
from bangkom.competency.models import Assessment
from bangkom.demodata.generator import describe, generate, write_contract_files
from bangkom.demodata.mentoring_seed import seed_mentoring
from bangkom.demodata.microlearning_seed import seed_microlearning
from bangkom.demodata.planning_seed import seed_planning
from bangkom.evaluation.models import PerformanceRating
from bangkom.interchange.importer import run_import
from bangkom.learning.models import LearningRecord
from bangkom.org.models import Agency, Employee
from bangkom.planning.services import OutOfScope, RecordInvalid

DEFAULT_PASSWORD = "bangkom-demo-2026"  # noqa: S105 - printed demo password, the demo binds to 127.0.0.1
EXIT_REFUSED = 1
EXIT_USAGE = 2
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1", "testserver"})


def serves_beyond_loopback() -> bool:
    """True when the settings let the site answer other machines, where a printed password is an open door."""
    return any(h.strip().lower() not in LOOPBACK_HOSTS for h in settings.ALLOWED_HOSTS)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    who: str


def _demo_employees(agency: Agency) -> tuple[Employee | None, Employee | None]:
    """A staff member who has a supervisor and no subordinates, and that supervisor (a head).

    A visitor's first look is the pegawai's profile, so prefer one whose profile has something to show:
    assessments, learning records and performance ratings (about one pegawai in seven has no assessments).
    """
    staff = (
        Employee.objects.filter(agency=agency, supervisor__isnull=False, subordinates__isnull=True)
        .select_related("supervisor", "position", "supervisor__position")
        .order_by("nip")
    )
    pegawai = (
        staff.filter(
            Exists(Assessment.objects.filter(employee=OuterRef("pk"))),
            Exists(LearningRecord.objects.filter(employee=OuterRef("pk"))),
            Exists(PerformanceRating.objects.filter(employee=OuterRef("pk"))),
        ).first()
        or staff.first()
    )
    return pegawai, (pegawai.supervisor if pegawai else None)


@transaction.atomic
def ensure_demo_accounts(*, password: str) -> list[DemoAccount]:
    """Create (or refresh the password of) one account per role; idempotent, so re-runs are safe."""
    password_hash = make_password(password)  # once: argon2 is deliberately slow
    agencies = list(Agency.objects.filter(employees__isnull=False).distinct().order_by("code"))
    if not agencies:
        return []
    first = agencies[0]
    out: list[DemoAccount] = []

    def user(username: str, *, employee: Employee | None = None, **extra: Any) -> User:
        if employee is not None:
            # The link is one-to-one: a pegawai who already has an account keeps it (and its username).
            linked = User.objects.filter(employee=employee).exclude(username=username).first()
            if linked is not None:
                username = linked.username
        obj, _ = User.objects.update_or_create(
            username=username, defaults={"password": password_hash, "employee": employee, **extra}
        )
        return obj

    pegawai, atasan = _demo_employees(first)
    if pegawai is not None and atasan is not None:
        u = user(pegawai.nip, employee=pegawai, first_name=pegawai.name[:150])
        out.append(DemoAccount(u.username, "pegawai", f"{pegawai.name} ({pegawai.position.name}, {first.code})"))
        u = user(atasan.nip, employee=atasan, first_name=atasan.name[:150])
        out.append(DemoAccount(u.username, "atasan", f"{atasan.name} ({atasan.position.name}, {first.code})"))
    for agency in agencies:
        admin = user(f"admin.{agency.code.lower()}", first_name=f"Admin {agency.code}")
        role_grant(actor=None, user=admin, role=Role.ADMIN_INSTANSI, agency=agency)
        out.append(DemoAccount(admin.username, "admin_instansi", agency.name))
    prov = user(f"penyelenggara.{first.code.lower()}", first_name=f"Penyelenggara {first.code}")
    role_grant(actor=None, user=prov, role=Role.PENYELENGGARA, agency=first)
    out.append(DemoAccount(prov.username, "penyelenggara", first.name))
    nas = user("admin.nasional", first_name="Admin Nasional")
    role_grant(actor=None, user=nas, role=Role.ADMIN_NASIONAL, agency=None)
    out.append(DemoAccount(nas.username, "admin_nasional", "semua instansi (agregat)"))
    user("superadmin", is_staff=True, is_superuser=True, first_name="Superadmin")
    out.append(DemoAccount("superadmin", "superuser", "Django admin (/admin/)"))
    return out


def _demo_scope(accounts: list[DemoAccount]) -> tuple[Agency | None, dict[str, User]]:
    """The first demo instansi with pegawai, and the first demo user of each role (the demo seeds' actors)."""
    first_of: dict[str, str] = {}
    for a in accounts:
        first_of.setdefault(a.role, a.username)
    agency = Agency.objects.filter(employees__isnull=False).distinct().order_by("code").first()
    users = {u.username: u for u in User.objects.filter(username__in=first_of.values())}
    return agency, {role: users[name] for role, name in first_of.items() if name in users}


class Command(BaseCommand):
    help = "Muat data demo fiktif lewat impor CONTRACT.md dan buat akun demo untuk setiap peran."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=600, help="jumlah pegawai (bawaan 600)")
        parser.add_argument("--agencies", type=int, default=2, help="jumlah instansi (bawaan 2)")
        parser.add_argument("--seed", type=int, default=2026, help="benih acak")
        parser.add_argument("--if-empty", action="store_true", help="lewati pembuatan data bila sudah ada pegawai")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="kata sandi semua akun demo")
        parser.add_argument("--max-assessments", type=int, default=None, help="batas baris penilaian per pegawai")
        parser.add_argument(
            "--skip-planning", action="store_true", help="jangan buat katalog, AKPK dan rencana pengembangan demo"
        )
        parser.add_argument(
            "--skip-mentoring", action="store_true", help="jangan buat program coaching dan mentoring demo"
        )
        parser.add_argument("--skip-microlearning", action="store_true", help="jangan buat modul mikro demo")

    def handle(self, *args: Any, **options: Any) -> None:
        if serves_beyond_loopback() and options["password"] == DEFAULT_PASSWORD:
            raise CommandError(
                "ALLOWED_HOSTS melayani lebih dari 127.0.0.1: akun demo dengan kata sandi bawaan yang tercetak "
                "akan terbuka untuk siapa saja. Pakai --password dengan kata sandi sendiri.",
                returncode=EXIT_USAGE,
            )
        if options["if_empty"] and Employee.objects.exists():
            self.stdout.write("Data pegawai sudah ada: pembuatan data demo dilewati.")
        else:
            self._load(options)
        accounts = ensure_demo_accounts(password=options["password"])
        if accounts and not options["skip_planning"]:
            self._plan(accounts, options["seed"])
        if accounts and not options["skip_mentoring"]:
            self._mentor(accounts, options["seed"])
        if accounts and not options["skip_microlearning"]:
            self._microlearning(accounts)
        self._print_accounts(accounts, options["password"])

    def _plan(self, accounts: list[DemoAccount], seed: int) -> None:
        """Catalogue, AKPK and an adopted plan for the first instansi, so the planning pages show content."""
        self.stdout.write("Menyiapkan katalog, AKPK dan rencana pengembangan demo ...")
        agency, by_role = _demo_scope(accounts)
        admin, national = by_role.get("admin_instansi"), by_role.get("admin_nasional")
        if agency is None or admin is None or national is None:
            self.stdout.write("      Akun admin demo tidak ditemukan: perencanaan demo dilewati.")
            return
        try:
            seed_planning(
                agency=agency,
                admin=admin,
                national_admin=national,
                pegawai=by_role.get("pegawai"),
                atasan=by_role.get("atasan"),
                seed=seed,
                write=self.stdout.write,
            )
        except (OutOfScope, RecordInvalid, RuntimeError) as exc:
            raise CommandError(f"Perencanaan demo gagal: {exc}", returncode=EXIT_REFUSED) from exc

    def _mentor(self, accounts: list[DemoAccount], seed: int) -> None:
        """A running coaching programme with sessions and a mentoring proposal for the first instansi."""
        self.stdout.write("Menyiapkan program coaching dan mentoring demo ...")
        agency, by_role = _demo_scope(accounts)
        admin = by_role.get("admin_instansi")
        if agency is None or admin is None:
            self.stdout.write("      Akun admin demo tidak ditemukan: program coaching/mentoring demo dilewati.")
            return
        try:
            seed_mentoring(
                agency=agency,
                admin=admin,
                pegawai=by_role.get("pegawai"),
                atasan=by_role.get("atasan"),
                seed=seed,
                write=self.stdout.write,
            )
        except (OutOfScope, RecordInvalid) as exc:
            raise CommandError(f"Program coaching/mentoring demo gagal: {exc}", returncode=EXIT_REFUSED) from exc

    def _microlearning(self, accounts: list[DemoAccount]) -> None:
        """Two published micro-learning modules; the demo pegawai's submission waits for the demo atasan."""
        self.stdout.write("Menyiapkan modul mikro demo ...")
        agency, by_role = _demo_scope(accounts)
        admin = by_role.get("admin_instansi")
        if agency is None or admin is None:
            self.stdout.write("      Akun admin demo tidak ditemukan: modul mikro demo dilewati.")
            return
        try:
            seed_microlearning(agency=agency, admin=admin, pegawai=by_role.get("pegawai"), write=self.stdout.write)
        except (OutOfScope, RecordInvalid) as exc:
            raise CommandError(f"Modul mikro demo gagal: {exc}", returncode=EXIT_REFUSED) from exc

    def _load(self, options: dict[str, Any]) -> None:
        t0 = time.perf_counter()
        self.stdout.write(
            f"[1/3] Membuat data demo: {options['employees']:,} pegawai, {options['agencies']} instansi ..."
        )
        try:
            dataset = generate(
                options["employees"],
                options["agencies"],
                seed=options["seed"],
                max_assessments_per_employee=options["max_assessments"],
            )
        except ValueError as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from exc
        for line in describe(dataset):
            self.stdout.write(f"      {line}")
        with tempfile.TemporaryDirectory(prefix="bangkom-demo-") as tmp:
            write_contract_files(dataset, Path(tmp))
            self.stdout.write(f"[2/3] Mengimpor lewat CONTRACT.md ({time.perf_counter() - t0:.1f} s) ...")
            last = [-1]

            def progress(pct: int, message: str) -> None:
                if pct // 10 != last[0]:
                    last[0] = pct // 10
                    self.stdout.write(f"      {pct:3d}% {message}")

            result = run_import(Path(tmp), progress=progress)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(f"Impor data demo ditolak ({len(result.errors)} baris).", returncode=EXIT_REFUSED)
        for line in result.summary_lines():
            self.stdout.write(f"      {line}")
        self.stdout.write(f"[3/3] Data dimuat dalam {time.perf_counter() - t0:.1f} s; membuat akun demo ...")

    def _print_accounts(self, accounts: list[DemoAccount], password: str) -> None:
        if not accounts:
            self.stdout.write("Belum ada data pegawai: tidak ada akun demo.")
            return
        rows = [("username", "password", "peran", "siapa")] + [(a.username, password, a.role, a.who) for a in accounts]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("Akun demo (hanya untuk http://127.0.0.1):")
        for i, r in enumerate(rows):
            self.stdout.write("  " + "  ".join(r[j].ljust(widths[j]) for j in range(3)) + "  " + r[3])
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths) + "  " + "-" * 20)
