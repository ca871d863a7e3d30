"""The xAPI 1.0.3 Learning Record Store: client platforms, statements and their lookup rows, documents.

Statements keep their stored JSON as text (returned as is, never re-serialised per request) and are found
through narrow lookup tables: one row per agent and per activity a statement names, each carrying the
statement's `stored` time, so that a query by agent, verb, activity or time walks one composite index
(agency, key, stored) and stops at the page limit, also at tens of millions of statements.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangkom.org.models import Agency


class Client(models.Model):
    """A learning platform that sends statements with Basic auth (key:secret), scoped to one instansi."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="xapi_clients", verbose_name=_("instansi")
    )
    name = models.CharField(_("nama platform"), max_length=200)
    key = models.CharField(_("kunci"), max_length=64, unique=True)
    # SHA-256 of the secret: the secret is 32 random bytes, so a fast hash is as safe as a slow one and keeps
    # each request cheap.
    secret_hash = models.CharField(max_length=64)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("klien xAPI")
        verbose_name_plural = _("klien xAPI")
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return self.name


class Statement(models.Model):
    """A stored statement. Written only by lrs.statements.store, with the instansi and client of the request's
    credentials, so its foreign keys hold by construction and have no constraint in the database (see
    StatementAgent: PostgreSQL checked both keys of every stored statement at commit); deleting an instansi or a
    client still cascades or clears them through Django."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    statement_id = models.UUIDField()
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False, db_constraint=False
    )
    stored = models.DateTimeField()
    timestamp = models.DateTimeField()
    verb = models.CharField(max_length=512)
    registration = models.UUIDField(null=True)
    # The statement a StatementRef object points at (voiding statements included).
    ref_target = models.UUIDField(null=True)
    voided = models.BooleanField(default=False)
    is_voiding = models.BooleanField(default=False)
    # The stored statement as JSON text (id, stored, authority, version filled in by the LRS).
    payload = models.TextField()
    attachment_hashes = models.TextField(blank=True, default="")  # sha2 values, space separated

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "statement_id"], name="lrs_statement_unique_id"),
        ]
        indexes = [
            models.Index(fields=["agency", "stored"], name="lrs_st_agency_stored"),
            models.Index(fields=["agency", "verb", "stored"], name="lrs_st_agency_verb"),
            # Only statements with a registration: those without would fill it with one entry each for nothing
            # (a query by registration names one, and `registration = x` implies it is not null).
            models.Index(
                fields=["agency", "registration", "stored"],
                name="lrs_st_agency_reg",
                condition=models.Q(registration__isnull=False),
            ),
            models.Index(
                fields=["agency", "ref_target"], name="lrs_st_agency_ref", condition=models.Q(ref_target__isnull=False)
            ),
            # The StatementRef statements of a time window (statements.select: those that may join a page).
            # On PostgreSQL covering ref_target and voided, so that it is read without the table.
            models.Index(
                fields=["agency", "stored"],
                name="lrs_st_agency_ref_stored",
                condition=models.Q(ref_target__isnull=False),
                include=["ref_target", "voided", "id"],
            ),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementAgent(models.Model):
    """An agent (by its identifier, see engine.xapi.agent_key) a statement names.

    direct: actor or object; otherwise authority, context instructor/team, members, sub-statement.

    Lookup rows are written only by lrs.statements.store, in the transaction that inserts their statement, so
    their foreign keys hold by construction and have no constraint in the database: PostgreSQL checks
    deferred constraints row by row at commit, which was a quarter of its time per stored statement."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="agent_rows", db_index=False, db_constraint=False
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    agent = models.CharField(max_length=512)
    direct = models.BooleanField()
    stored = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["agency", "agent", "stored"], name="lrs_sa_agent"),
            models.Index(fields=["statement"], name="lrs_sa_statement"),
        ]

    def __str__(self) -> str:
        return self.agent


class StatementActivity(models.Model):
    """An activity a statement names. direct: the statement's object; otherwise context or sub-statement.
    No constraints in the database for its foreign keys (see StatementAgent)."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="activity_rows", db_index=False, db_constraint=False
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    activity = models.CharField(max_length=1024)
    direct = models.BooleanField()
    stored = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["agency", "activity", "stored"], name="lrs_sact_activity"),
            models.Index(fields=["statement"], name="lrs_sact_statement"),
        ]

    def __str__(self) -> str:
        return self.activity


class Attachment(models.Model):
    """Raw attachment content, stored once per instansi and hash."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    sha2 = models.CharField(max_length=128)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "sha2"], name="lrs_attachment_unique")]

    def __str__(self) -> str:
        return self.sha2


class Activity(models.Model):
    """The LRS's canonical definition of an activity, updated from the statements it receives."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    activity_id = models.CharField(max_length=1024)
    definition = models.JSONField(default=dict)
    # statements.definition_hash of the last definition merged in: merging the same definition again changes
    # nothing, so a batch naming an activity with the definition it had last time skips the merge.
    input_hash = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "activity_id"], name="lrs_activity_unique")]

    def __str__(self) -> str:
        return self.activity_id


class ActivityCredit(models.Model):
    """The admin's mapping of an activity to JP: a completed/passed statement on it by a known pegawai becomes
    a verified learning record with these JP."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("instansi"))
    activity_id = models.CharField(_("IRI aktivitas"), max_length=1024)
    title = models.CharField(_("judul pada catatan pembelajaran"), max_length=255)
    jp = models.DecimalField(_("JP"), max_digits=6, decimal_places=2)
    form = models.ForeignKey(
        "learning.DevelopmentForm", on_delete=models.PROTECT, related_name="+", verbose_name=_("bentuk")
    )
    provider = models.CharField(_("penyelenggara"), max_length=255, blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("pemetaan JP aktivitas xAPI")
        verbose_name_plural = _("pemetaan JP aktivitas xAPI")
        constraints = [
            models.UniqueConstraint(fields=["agency", "activity_id"], name="lrs_credit_unique"),
            models.CheckConstraint(condition=models.Q(jp__gte=0), name="lrs_credit_jp_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.activity_id


class CreditedStatement(models.Model):
    """A statement that produced a learning record: credited exactly once."""

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="credit")
    record = models.ForeignKey("learning.LearningRecord", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return str(self.statement_id)


class DocumentKind(models.TextChoices):
    STATE = "state", "state"
    ACTIVITY_PROFILE = "activity_profile", "activity profile"
    AGENT_PROFILE = "agent_profile", "agent profile"


class Document(models.Model):
    """State, activity profile and agent profile documents (xAPI Communication 2.3, 2.6, 2.7) in one table.

    activity_id is empty for agent profiles, agent empty for activity profiles; registration only for state."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    activity_id = models.CharField(max_length=1024, blank=True, default="")
    agent = models.CharField(max_length=512, blank=True, default="")
    registration = models.CharField(max_length=36, blank=True, default="")
    doc_id = models.CharField(max_length=1024)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    key_hash = models.CharField(max_length=64)  # documents.key_hash: the identity of the document, fixed size
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "key_hash"], name="lrs_document_unique")]
        indexes = [models.Index(fields=["agency", "kind", "activity_id", "agent", "updated"], name="lrs_doc_lookup")]

    def __str__(self) -> str:
        return self.doc_id
