"""Competencies (PermenPANRB 38/2017), their level descriptions, SKJ requirements and assessments."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangkom.org.models import Agency, Employee, Position

LEVEL_MIN = 1
LEVEL_MAX = 5
LEVEL_VALIDATORS = [MinValueValidator(LEVEL_MIN), MaxValueValidator(LEVEL_MAX)]


class CompetencyType(models.TextChoices):
    MANAJERIAL = "manajerial", _("Manajerial")
    SOSIAL_KULTURAL = "sosial_kultural", _("Sosial kultural")
    TEKNIS = "teknis", _("Teknis")


class Competency(models.Model):
    """A competency. National ones (M.1-M.8, SK.1) have no agency; technical ones belong to one instansi."""

    code = models.CharField(_("kode"), max_length=50, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    name_en = models.CharField(_("nama (Inggris)"), max_length=255, blank=True)
    type = models.CharField(_("jenis"), max_length=20, choices=CompetencyType.choices)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="competencies",
        verbose_name=_("instansi"),
    )
    definition = models.TextField(_("definisi"), blank=True)

    class Meta:
        verbose_name = _("kompetensi")
        verbose_name_plural = _("kompetensi")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=CompetencyType.values), name="competency_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CompetencyLevel(models.Model):
    """What a level of a competency looks like (our own short descriptions, in both languages)."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    description = models.TextField(_("deskripsi"))
    description_en = models.TextField(_("deskripsi (Inggris)"), blank=True)

    class Meta:
        verbose_name = _("level kompetensi")
        verbose_name_plural = _("level kompetensi")
        ordering = ["competency__code", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="competency_level_unique"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="competency_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} L{self.level}"


class Requirement(models.Model):
    """One line of a Standar Kompetensi Jabatan (SKJ): the level a position requires of a competency."""

    # Indexed through the leading column of the unique constraint below; no separate index.
    position = models.ForeignKey(
        Position,
        on_delete=models.CASCADE,
        related_name="requirements",
        db_index=False,
        verbose_name=_("jabatan"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("kompetensi")
    )
    required_level = models.PositiveSmallIntegerField(_("level dipersyaratkan"), validators=LEVEL_VALIDATORS)

    class Meta:
        verbose_name = _("standar kompetensi jabatan")
        verbose_name_plural = _("standar kompetensi jabatan")
        ordering = ["position__code", "competency__code"]
        constraints = [
            models.UniqueConstraint(fields=["position", "competency"], name="requirement_unique"),
            models.CheckConstraint(
                condition=models.Q(required_level__gte=1, required_level__lte=5),
                name="requirement_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position.code} {self.competency.code}={self.required_level}"


class AssessmentMethod(models.TextChoices):
    ASSESSMENT_CENTER = "assessment_center", _("Assessment center")
    UJI_KOMPETENSI = "uji_kompetensi", _("Uji kompetensi")
    ATASAN = "atasan", _("Penilaian atasan")
    REKAN = "rekan", _("Penilaian rekan kerja")
    DIRI = "diri", _("Penilaian diri")
    LAINNYA = "lainnya", _("Lainnya")


class Assessment(models.Model):
    """One assessed level. History is kept; the latest by assessed_on is the current level."""

    # Indexed through the leading column of the unique constraint below; no separate index.
    employee = models.ForeignKey(
        Employee,
        on_delete=models.CASCADE,
        related_name="assessments",
        db_index=False,
        verbose_name=_("pegawai"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("kompetensi")
    )
    assessed_on = models.DateField(_("tanggal penilaian"))
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    method = models.CharField(_("metode"), max_length=20, choices=AssessmentMethod.choices)
    assessor = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments_made",
        verbose_name=_("penilai"),
    )
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("penilaian kompetensi")
        verbose_name_plural = _("penilaian kompetensi")
        ordering = ["employee_id", "competency_id", "-assessed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "competency", "assessed_on"], name="assessment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="assessment_level_range"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=AssessmentMethod.values), name="assessment_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}/{self.competency_id}@{self.assessed_on}={self.level}"
