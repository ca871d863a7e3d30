"""Writes of the LRS settings: client platforms (Basic auth keys) and the JP mapping of activities."""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bangkom.audit.services import record as audit
from bangkom.engine.xapi import is_iri
from bangkom.learning.models import DevelopmentForm
from bangkom.lrs.http import forget_client, secret_hash
from bangkom.lrs.models import ActivityCredit, Client
from bangkom.org.models import Agency


class SettingInvalid(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@transaction.atomic
def client_create(*, actor: Any, agency: Agency, name: str) -> tuple[Client, str]:
    """A new client platform; returns it with its secret, shown once (only a hash is kept)."""
    name = name.strip()
    if not name:
        raise SettingInvalid([_("Nama platform wajib diisi.")])
    key = secrets.token_hex(12)
    secret = secrets.token_urlsafe(32)
    client = Client.objects.create(
        agency=agency, name=name[:200], key=key, secret_hash=secret_hash(secret), created_by=actor
    )
    audit(
        actor=actor,
        action="create",
        entity="lrs.client",
        object_id=client.pk,
        agency_id=agency.pk,
        after={"name": client.name, "key": key},
    )
    return client, secret


@transaction.atomic
def client_revoke(*, actor: Any, client: Client) -> Client:
    client.active = False
    client.save(update_fields=["active"])
    forget_client(client.key)
    audit(actor=actor, action="revoke", entity="lrs.client", object_id=client.pk, agency_id=client.agency_id)
    return client


@transaction.atomic
def credit_save(
    *, actor: Any, agency: Agency, activity_id: str, title: str, jp: Any, form_code: int, provider: str = ""
) -> ActivityCredit:
    """Create or change the JP mapping of one activity; every problem is reported, nothing is written."""
    errors: list[str] = []
    activity_id = activity_id.strip()
    if not is_iri(activity_id):
        errors.append(_("IRI aktivitas tidak sah (contoh: https://elearning.example.go.id/modul/42)."))
    if not title.strip():
        errors.append(_("Judul wajib diisi."))
    try:
        jp_value = Decimal(str(jp).replace(",", "."))
    except InvalidOperation:
        jp_value = Decimal(-1)
    if not jp_value.is_finite() or jp_value < 0 or jp_value > Decimal("9999.99"):
        errors.append(_("JP harus angka 0 sampai 9999,99."))
    form = DevelopmentForm.objects.filter(pk=form_code).first()
    if form is None:
        errors.append(_("Bentuk pengembangan tidak dikenal."))
    if errors:
        raise SettingInvalid(errors)
    credit, created = ActivityCredit.objects.update_or_create(
        agency=agency,
        activity_id=activity_id,
        defaults={"title": title.strip()[:255], "jp": jp_value, "form": form, "provider": provider.strip()[:255]},
    )
    audit(
        actor=actor,
        action="create" if created else "update",
        entity="lrs.credit",
        object_id=credit.pk,
        agency_id=agency.pk,
        after={"activity": activity_id, "jp": str(jp_value)},
    )
    return credit


@transaction.atomic
def credit_delete(*, actor: Any, credit: ActivityCredit) -> None:
    """Later statements on the activity give no JP; records already made stay (they were verified)."""
    before = {"activity": credit.activity_id, "jp": str(credit.jp)}
    pk, agency_id = credit.pk, credit.agency_id
    credit.delete()
    audit(actor=actor, action="delete", entity="lrs.credit", object_id=pk, agency_id=agency_id, before=before)
