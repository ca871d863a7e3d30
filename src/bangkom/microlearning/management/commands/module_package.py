"""`bangkom module-package ID --out FILE.zip`: the offline package of a published module (see package.py).

Exit codes: 0 written, 2 wrong usage (unknown or unpublished module, unwritable file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bangkom.microlearning.models import Module, ModuleStatus
from bangkom.microlearning.package import export_package

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Tulis paket luring (.zip) sebuah modul mikro yang sudah terbit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("module", type=int, help="id modul")
        parser.add_argument("--out", required=True, help="berkas .zip tujuan")

    def handle(self, *args: Any, **options: Any) -> None:
        module = Module.objects.select_related("agency").filter(pk=options["module"]).first()
        if module is None or module.status != ModuleStatus.PUBLISHED:
            raise CommandError(_("Modul terbit dengan id itu tidak ditemukan."), returncode=EXIT_USAGE)
        try:
            Path(options["out"]).write_bytes(export_package(module))
        except OSError as exc:
            params = {"path": options["out"], "reason": exc}
            raise CommandError(
                _("berkas %(path)s tidak dapat ditulis: %(reason)s") % params, returncode=EXIT_USAGE
            ) from exc
        self.stdout.write(_("Paket %(title)s ditulis ke %(path)s") % {"title": module.title, "path": options["out"]})
