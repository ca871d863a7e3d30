"""`bangkom export KIND --out FILE [--agency CODE] [--year YYYY]`: the CONTRACT.md exports.

Exit codes: 0 written, 2 wrong usage (unknown kind, unknown agency, unwritable file). The rows come from
interchange.exports, which takes them from the engine; this only parses arguments and writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bangkom.interchange.exports import EXPORTS, ExportUsageError, write_export

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Ekspor CSV sesuai CONTRACT.md: " + ", ".join(EXPORTS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORTS), help="jenis ekspor")
        parser.add_argument("--out", required=True, help="berkas CSV tujuan")
        parser.add_argument("--agency", default=None, help="kode instansi (bawaan: semua)")
        parser.add_argument("--year", type=int, default=None, help="tahun (untuk jp dan siasn-kursus)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = write_export(
                options["kind"], Path(options["out"]), agency_code=options["agency"], year=options["year"]
            )
        except ExportUsageError as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from exc
        except OSError as exc:
            params = {"path": options["out"], "reason": exc}
            problem = _("berkas %(path)s tidak dapat ditulis: %(reason)s") % params
            raise CommandError(problem, returncode=EXIT_USAGE) from exc
        done = _("%(count)s baris ditulis ke %(path)s") % {"count": count, "path": options["out"]}
        self.stdout.write(done)
