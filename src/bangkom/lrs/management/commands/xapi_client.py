"""`bangkom xapi-client create --agency CODE --name NAME | list [--agency CODE] | revoke KEY`.

A client platform (an LMS, an e-learning portal) sends xAPI statements to /xapi/ with Basic auth: the key is
the user name, the secret the password. The secret is printed once; only its SHA-256 is stored.
Exit codes: 0 done, 2 wrong usage (unknown instansi or key, empty name).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bangkom.lrs.models import Client
from bangkom.lrs.services import SettingInvalid, client_create, client_revoke
from bangkom.org.models import Agency

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Klien xAPI (platform pembelajaran lain): create, list, revoke"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="buat kunci baru (rahasia ditampilkan sekali)")
        create.add_argument("--agency", required=True, help="kode instansi pemilik data")
        create.add_argument("--name", required=True, help="nama platform")
        listing = sub.add_parser("list", help="daftar klien (tanpa rahasia)")
        listing.add_argument("--agency", default=None)
        revoke = sub.add_parser("revoke", help="cabut kunci")
        revoke.add_argument("key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(
                    _("instansi %(code)s tidak ditemukan") % {"code": options["agency"]}, returncode=EXIT_USAGE
                )
            try:
                client, secret = client_create(actor=None, agency=agency, name=options["name"])
            except SettingInvalid as exc:
                raise CommandError("; ".join(exc.messages), returncode=EXIT_USAGE) from exc
            self.stdout.write(f"key={client.key}\nsecret={secret}\n")
        elif options["action"] == "list":
            clients = Client.objects.select_related("agency").order_by("agency__code", "name")
            if options["agency"]:
                clients = clients.filter(agency__code=options["agency"])
            for c in clients:
                state = _("aktif") if c.active else _("dicabut")
                self.stdout.write(f"{c.agency.code}\t{c.key}\t{c.name}\t{state}\n")
        else:
            found = Client.objects.filter(key=options["key"]).first()
            if found is None:
                raise CommandError(_("kunci tidak ditemukan"), returncode=EXIT_USAGE)
            client_revoke(actor=None, client=found)
            self.stdout.write(_("dicabut") + "\n")
