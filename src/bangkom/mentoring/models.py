"""Coaching and mentoring programmes: who takes part, who is paired with whom and why, and the sessions held.

A programme belongs to one instansi (optionally run for one unit kerja). Its rules say how often pairs meet,
where mentors may come from, and whether the direct atasan may be the mentor. The matching proposal
(engine/matching.py) is reviewed and edited by the admin before it is published; a published pair logs
sessions, and a session the mentor confirms becomes one verified learning record of the mentee (the JP of the
programme's form rule, within the monthly cap), exactly once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from bangkom.learning.models import DevelopmentForm, LearningRecord
from bangkom.org.models import Agency, Employee, Unit

COACHING_FORM_ID = 14  # SIASN jenis diklat 14 Coaching
MENTORING_FORM_ID = 15  # 15 Mentoring


class ProgrammeKind(models.TextChoices):
    COACHING = "coaching", _("Coaching")
    MENTORING = "mentoring", _("Mentoring")


class UnitRule(models.TextChoices):
    ANY = "any", _("Dari unit mana pun")
    WITHIN = "within", _("Dalam unit kerja yang sama")
    ACROSS = "across", _("Lintas unit kerja (unit berbeda)")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Persiapan")
    PUBLISHED = "published", _("Berjalan")
    CLOSED = "closed", _("Selesai")


class Programme(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="programmes", verbose_name=_("instansi"))
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programmes",
        verbose_name=_("unit penyelenggara"),
        help_text=_("Kosong bila diselenggarakan untuk seluruh instansi."),
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=ProgrammeKind.choices)
    name = models.CharField(_("nama program"), max_length=255)
    goal = models.TextField(_("tujuan"), blank=True, default="")
    start_date = models.DateField(_("mulai"))
    end_date = models.DateField(_("selesai"))
    form = models.ForeignKey(
        DevelopmentForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("bentuk pengembangan")
    )
    sessions_per_month = models.PositiveSmallIntegerField(_("sesi per bulan"), default=2)
    unit_rule = models.CharField(_("asal mentor"), max_length=10, choices=UnitRule.choices, default=UnitRule.ANY)
    same_location = models.BooleanField(_("mentor di lokasi yang sama"), default=False)
    allow_direct_atasan = models.BooleanField(_("atasan langsung boleh menjadi mentor"), default=True)
    mentor_min_level = models.PositiveSmallIntegerField(
        _("level minimal mentor"),
        default=4,
        help_text=_("Level hasil penilaian mentor pada kompetensi yang perlu dikembangkan mentee."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())
    published_at = models.DateTimeField(_("diumumkan"), null=True, blank=True)

    class Meta:
        verbose_name = _("program coaching/mentoring")
        verbose_name_plural = _("program coaching/mentoring")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="programme_dates"),
            models.CheckConstraint(condition=models.Q(kind__in=ProgrammeKind.values), name="programme_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(sessions_per_month__gte=1, sessions_per_month__lte=8), name="programme_sessions"
            ),
            models.CheckConstraint(
                condition=models.Q(mentor_min_level__gte=1, mentor_min_level__lte=5), name="programme_min_level"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class Participant(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="programme_roles", verbose_name=_("pegawai")
    )
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    capacity = models.PositiveSmallIntegerField(
        _("kapasitas"), default=0, help_text=_("Jumlah mentee paling banyak (untuk mentor).")
    )

    class Meta:
        verbose_name = _("peserta program")
        verbose_name_plural = _("peserta program")
        ordering = ["programme_id", "role", "employee_id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "employee", "role"], name="participant_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="participant_role_valid"),
            models.CheckConstraint(condition=models.Q(capacity__lte=20), name="participant_capacity_range"),
        ]

    def __str__(self) -> str:
        return f"{self.role}:{self.employee_id}"


class PairingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Usulan")
    ACTIVE = "active", _("Berjalan")
    ENDED = "ended", _("Berakhir")


class Pairing(models.Model):
    """A mentee with a mentor; `reasons` says why it was proposed (or that the admin chose it)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pairings")
    mentee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentee"))
    mentor = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentor"))
    fit = models.FloatField(_("kecocokan"), default=0)
    # {"competencies": [{"competency": id, "code": str, "gap": int, "mentor_level": int}], "same_location": bool,
    #  "same_unit": bool, "seniority": int, "manual": bool}
    reasons = models.JSONField(_("alasan"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PairingStatus.choices, default=PairingStatus.PROPOSED)
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())

    class Meta:
        verbose_name = _("pasangan")
        verbose_name_plural = _("pasangan")
        ordering = ["programme_id", "mentor_id", "mentee_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee"],
                condition=~models.Q(status="ended"),
                name="pairing_one_open_per_mentee",
            ),
            models.CheckConstraint(condition=~models.Q(mentee=models.F("mentor")), name="pairing_not_self"),
            models.CheckConstraint(condition=models.Q(status__in=PairingStatus.values), name="pairing_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} <- {self.mentor_id}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Terjadwal")
    HELD = "held", _("Sudah berlangsung, menunggu konfirmasi mentor")
    CONFIRMED = "confirmed", _("Dikonfirmasi")
    CANCELLED = "cancelled", _("Batal")


class Session(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("tanggal"))
    duration_minutes = models.PositiveSmallIntegerField(_("durasi (menit)"), default=60)
    topic = models.CharField(_("topik"), max_length=255)
    # GROW (coaching): goal, reality, options, will
    goal = models.TextField(_("goal (sasaran)"), blank=True, default="")
    reality = models.TextField(_("reality (kenyataan)"), blank=True, default="")
    options = models.TextField(_("options (pilihan)"), blank=True, default="")
    will = models.TextField(_("will (tindak lanjut)"), blank=True, default="")
    reflection = models.TextField(_("refleksi mentee"), blank=True, default="")
    mentor_notes = models.TextField(_("catatan mentor"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("dikonfirmasi pada"), null=True, blank=True)
    record = models.OneToOneField(
        LearningRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentoring_session",
        verbose_name=_("catatan pembelajaran"),
    )
    jp = models.DecimalField(_("JP dikreditkan"), max_digits=5, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())

    class Meta:
        verbose_name = _("sesi")
        verbose_name_plural = _("sesi")
        ordering = ["pairing_id", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=600), name="session_duration"
            ),
        ]
        indexes = [models.Index(fields=["pairing", "date"], name="session_pairing_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"
