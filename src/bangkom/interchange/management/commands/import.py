# ruff: noqa: N999 - Django finds commands by module name; CONTRACT.md names this one "import".
"""`bangkom import PATH [--lang en]`: the CONTRACT.md import from the command line.

Exit codes per CONTRACT.md: 0 imported, 1 input refused (every refused row printed as FILE:LINE: message),
2 wrong usage. The rules live in interchange.importer; this only parses arguments and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from bangkom.interchange import messages as msg
from bangkom.interchange.importer import ImportUsageError, run_import

EXIT_REFUSED = 1
EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Impor CSV/XLSX sesuai CONTRACT.md (satu berkas atau satu folder)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", help="berkas <jenis>.csv/.xlsx atau folder berisi berkas impor"
        )
        parser.add_argument("--lang", default="id", choices=["id", "en"], help="bahasa pesan (id atau en)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            self._run(options.get("path"))

    def _run(self, path: str | None) -> None:
        if not path:
            raise CommandError("PATH wajib diisi: bangkom import PATH", returncode=EXIT_USAGE)
        try:
            result = run_import(Path(path))
        except ImportUsageError as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from exc
        for warning in result.warnings:
            self.stderr.write(warning)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(msg.refused_summary(len(result.errors)), returncode=EXIT_REFUSED)
        for line in result.summary_lines():
            self.stdout.write(line)
        self.stdout.write(msg.done_summary())
