"""`bangkom module-results --user USERNAME FILE.json ...`: import the results files of offline packages.

The user is the admin instansi the import acts for (the files' NIPs must be pegawai of their instansi); the
same rules as the upload page, through package.import_results. Re-importing a file reports duplicates only.
Exit codes: 0 every file read, 1 some file refused, 2 wrong usage (unknown user, not an admin instansi).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bangkom.accounts.models import User
from bangkom.microlearning.package import RESULTS_MAX_BYTES, import_results
from bangkom.microlearning.services import OutOfScope

EXIT_REFUSED, EXIT_USAGE = 1, 2


class Command(BaseCommand):
    help = "Impor berkas hasil paket modul mikro luring atas nama admin instansi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="berkas hasil .json")
        parser.add_argument("--user", required=True, help="username admin instansi")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("Pengguna tidak ditemukan."), returncode=EXIT_USAGE)
        refused = 0
        for name in options["files"]:
            path = Path(name)
            try:
                with path.open("rb") as handle:
                    data = handle.read(RESULTS_MAX_BYTES + 1)  # also when the size is not known (a pipe, /dev/zero)
                if path.stat().st_size > RESULTS_MAX_BYTES or len(data) > RESULTS_MAX_BYTES:
                    raise OSError(_("berkas terlalu besar"))
                upload = SimpleUploadedFile(path.name, data, content_type="application/json")
            except OSError as exc:
                refused += 1
                self.stderr.write(_("%(name)s: tidak dapat dibaca: %(reason)s") % {"name": name, "reason": exc})
                continue
            try:
                r = import_results(actor=user, file=upload)
            except OutOfScope as exc:
                raise CommandError(_("Pengguna ini bukan admin instansi."), returncode=EXIT_USAGE) from exc
            if not r.ok:
                refused += 1
                self.stderr.write(_("%(name)s: ditolak: %(message)s") % {"name": name, "message": r.message})
                continue
            self.stdout.write(
                _("%(name)s: %(employee)s (%(nip)s): %(a)s diterapkan, %(d)s duplikat, %(r)s ditolak")
                % {
                    "name": name,
                    "employee": r.employee,
                    "nip": r.nip,
                    "a": r.accepted,
                    "d": r.duplicates,
                    "r": len(r.rejected),
                }
            )
            for x in r.rejected:
                self.stdout.write(f"  {x['id']}: {x['message']}")
        if refused:
            raise CommandError(_("%(n)s berkas ditolak.") % {"n": refused}, returncode=EXIT_REFUSED)
