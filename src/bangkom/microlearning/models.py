"""Micro-learning modules: short pages, a few questions, a practice task and a reflection, taken online or offline.

An admin instansi authors a module and publishes it to the pegawai of the instansi. A pegawai works through it
on one or more devices (the /belajar/ app or a zip package with no network); every change arrives as an event
with a client-made id, logged in SyncEvent so that an event applied twice changes nothing. One Attempt per
module and pegawai merges all devices. The direct atasan confirms the reflection, and the confirmation becomes
one verified learning record (SIASN form 16 E-Learning), exactly once.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from bangkom.competency.models import Competency
from bangkom.learning.models import LearningRecord
from bangkom.org.models import Agency, Employee

ELEARNING_FORM_ID = 16  # SIASN jenis diklat 16 E-Learning
DEFAULT_MODULE_JP = Decimal(3)  # DOMAIN.md: e-learning 3 JP a module unless the module states its JP


class ModuleStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Terbit")
    ARCHIVED = "archived", _("Diarsipkan")


class Module(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="modules", verbose_name=_("instansi"))
    title = models.CharField(_("judul"), max_length=255)
    summary = models.TextField(_("ringkasan"), blank=True, default="")
    jp = models.DecimalField(_("JP"), max_digits=5, decimal_places=2, default=DEFAULT_MODULE_JP)
    competency = models.ForeignKey(
        Competency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="modules",
        verbose_name=_("kompetensi"),
    )
    status = models.CharField(_("status"), max_length=10, choices=ModuleStatus.choices, default=ModuleStatus.DRAFT)
    version = models.PositiveIntegerField(_("versi"), default=0, help_text=_("Naik setiap kali isi terbit berubah."))
    task = models.TextField(_("tugas praktik"), blank=True, default="")
    reflection_prompt = models.TextField(_("pertanyaan refleksi"), blank=True, default="")
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("modul mikro")
        verbose_name_plural = _("modul mikro")
        ordering = ["agency_id", "-updated_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(jp__gte=0), name="module_jp_nonnegative"),
            models.CheckConstraint(condition=models.Q(status__in=ModuleStatus.values), name="module_status_valid"),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="module_agency_status_idx")]

    def __str__(self) -> str:
        return self.title


class ModulePage(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="pages", verbose_name=_("modul"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    title = models.CharField(_("judul"), max_length=255)
    body = models.TextField(_("isi"), help_text=_("Paragraf biasa; pisahkan paragraf dengan baris kosong."))
    image = models.ImageField(_("gambar"), upload_to="microlearning/%Y/", blank=True, max_length=200)

    class Meta:
        verbose_name = _("halaman modul")
        verbose_name_plural = _("halaman modul")
        ordering = ["module_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions", verbose_name=_("modul"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    text = models.TextField(_("pertanyaan"))
    choices = models.JSONField(_("pilihan"), default=list)
    correct = models.PositiveSmallIntegerField(_("jawaban benar (indeks)"), default=0)
    explanation = models.TextField(_("pembahasan"), blank=True, default="")

    class Meta:
        verbose_name = _("soal")
        verbose_name_plural = _("soal")
        ordering = ["module_id", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Sedang dikerjakan")
    SUBMITTED = "submitted", _("Dikirim")
    CONFIRMED = "confirmed", _("Dikonfirmasi")
    RETURNED = "returned", _("Dikembalikan")


class Attempt(models.Model):
    """One pegawai's work on one module, merged from every device (see services.apply_events)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("modul"))
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="module_attempts", verbose_name=_("pegawai")
    )
    pages_seen = models.JSONField(_("halaman dibaca"), default=list)
    answers = models.JSONField(_("jawaban"), default=dict)
    task_done_at = models.DateTimeField(_("tugas selesai"), null=True, blank=True)
    task_note = models.TextField(_("catatan tugas"), blank=True, default="")
    reflection = models.TextField(_("refleksi"), blank=True, default="")
    reflection_at = models.DateTimeField(_("refleksi ditulis"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    return_reason = models.TextField(_("alasan dikembalikan"), blank=True, default="")
    returned_at = models.DateTimeField(_("dikembalikan"), null=True, blank=True)
    learning_record = models.OneToOneField(
        LearningRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="module_attempt",
        verbose_name=_("catatan pembelajaran"),
    )
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())
    updated_at = models.DateTimeField(_("diubah"), db_default=Now())

    class Meta:
        verbose_name = _("pengerjaan modul")
        verbose_name_plural = _("pengerjaan modul")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["module", "employee"], name="attempt_module_employee_unique"),
            models.CheckConstraint(condition=models.Q(status__in=AttemptStatus.values), name="attempt_status_valid"),
        ]
        indexes = [models.Index(fields=["employee", "status"], name="attempt_employee_status_idx")]

    def __str__(self) -> str:
        return f"{self.module_id}/{self.employee_id}"


class EventKind(models.TextChoices):
    PAGE = "page", _("Halaman dibaca")
    ANSWER = "answer", _("Jawaban")
    TASK = "task", _("Tugas praktik")
    REFLECTION = "reflection", _("Refleksi")
    SUBMIT = "submit", _("Kirim")


class SyncEvent(models.Model):
    """The idempotency log: every applied event, keyed by the id its device generated."""

    id = models.UUIDField(primary_key=True)
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    device_id = models.CharField(_("perangkat"), max_length=64, blank=True, default="")
    kind = models.CharField(_("jenis"), max_length=12, choices=EventKind.choices)
    payload = models.JSONField(_("isi"), default=dict)
    client_at = models.DateTimeField(_("waktu di perangkat"))
    received_at = models.DateTimeField(_("diterima"), db_default=Now())

    class Meta:
        verbose_name = _("peristiwa sinkronisasi")
        verbose_name_plural = _("peristiwa sinkronisasi")
        ordering = ["client_at"]

    def __str__(self) -> str:
        return str(self.id)
