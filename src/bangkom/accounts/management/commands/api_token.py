"""`bangkom api-token create --user USERNAME --name NAME | list [--user USERNAME] | revoke PREFIX`.

API tokens let another system (an LMS, a training provider) call /api/v1 as one user, with that user's roles.
The secret is printed once, at creation, and only its SHA-256 is stored: a lost secret is replaced by a new
token, never shown again. Creation and revocation are audited. Exit codes: 0 done, 2 wrong usage (unknown
user or prefix, empty name).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkom.accounts.models import ApiToken, User
from bangkom.accounts.services import TokenInvalid, token_create, token_revoke

EXIT_USAGE = 2


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "Token API untuk sistem lain: create, list, revoke"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="buat token baru (rahasia ditampilkan sekali)")
        create.add_argument("--user", required=True, help="nama pengguna pemilik token")
        create.add_argument("--name", required=True, help="nama token, misalnya nama sistem pemakainya")
        listing = sub.add_parser("list", help="daftar token (tanpa rahasia)")
        listing.add_argument("--user", default=None, help="hanya token pengguna ini")
        revoke = sub.add_parser("revoke", help="cabut token menurut awalannya")
        revoke.add_argument("prefix", help="awalan token seperti tampil di daftar")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["user"], options["name"])
        elif action == "list":
            self._list(options["user"])
        else:
            self._revoke(options["prefix"])

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            problem = _("pengguna %(username)s tidak ditemukan") % {"username": username}
            raise CommandError(problem, returncode=EXIT_USAGE)
        return user

    def _create(self, username: str, name: str) -> None:
        user = self._user(username)
        try:
            token, secret = token_create(actor=None, user=user, name=name)
        except TokenInvalid as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from exc
        self.stdout.write(
            _("Token %(prefix)s dibuat untuk %(username)s (%(name)s).")
            % {"prefix": token.prefix, "username": user.get_username(), "name": token.name}
        )
        self.stdout.write(_("Simpan rahasia ini sekarang; rahasia tidak akan ditampilkan lagi:"))
        self.stdout.write(secret)

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at", "pk")
        if username:
            tokens = tokens.filter(user=self._user(username))
        header = (_("awalan"), _("pengguna"), _("nama"), _("dibuat"), _("terakhir dipakai"), _("status"))
        self.stdout.write("\t".join(header))
        for t in tokens:
            status = _("dicabut %(when)s") % {"when": _when(t.revoked_at)} if t.revoked_at else _("aktif")
            row = (t.prefix, t.user.get_username(), t.name, _when(t.created_at), _when(t.last_used_at), status)
            self.stdout.write("\t".join(row))

    def _revoke(self, prefix: str) -> None:
        token = ApiToken.objects.filter(prefix=prefix.strip()).first()
        if token is None:
            problem = _("token berawalan %(prefix)s tidak ditemukan") % {"prefix": prefix}
            raise CommandError(problem, returncode=EXIT_USAGE)
        already = token.revoked_at is not None
        token = token_revoke(actor=None, token=token)
        if already:
            self.stdout.write(_("Token %(prefix)s sudah dicabut sebelumnya.") % {"prefix": token.prefix})
        else:
            self.stdout.write(_("Token %(prefix)s dicabut.") % {"prefix": token.prefix})
