"""The 25 SIASN forms of development and learning records (CONTRACT.md learning_records)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bangkom.org.models import Employee


class LearningPath(models.TextChoices):
    KLASIKAL = "klasikal", _("Klasikal")
    NONKLASIKAL = "nonklasikal", _("Nonklasikal")


class Mix702010(models.TextChoices):
    EXPERIENCE = "70", _("70: pengalaman kerja")
    OTHERS = "20", _("20: belajar dari orang lain")
    FORMAL = "10", _("10: pembelajaran formal")


class DevelopmentForm(models.Model):
    """A SIASN jenis diklat; its primary key is the SIASN id (1-25)."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    name_en = models.CharField(_("nama (Inggris)"), max_length=100)
    path = models.CharField(_("jalur"), max_length=12, choices=LearningPath.choices)
    mix_category = models.CharField(_("kategori 70-20-10"), max_length=2, choices=Mix702010.choices)

    class Meta:
        verbose_name = _("bentuk pengembangan")
        verbose_name_plural = _("bentuk pengembangan")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(id__gte=1, id__lte=25), name="form_id_range")
        ]

    def __str__(self) -> str:
        return f"{self.id}. {self.name}"


class RecordStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    VERIFIED = "verified", _("Terverifikasi")
    REJECTED = "rejected", _("Ditolak")


class LearningRecord(models.Model):
    """One development activity of a pegawai; only verified records count towards the yearly JP."""

    # Indexed through the leading column of the unique constraint below; no separate index.
    employee = models.ForeignKey(
        Employee,
        on_delete=models.CASCADE,
        related_name="learning_records",
        db_index=False,
        verbose_name=_("pegawai"),
    )
    title = models.CharField(_("judul"), max_length=500)
    start_date = models.DateField(_("tanggal mulai"))
    end_date = models.DateField(_("tanggal selesai"))
    form = models.ForeignKey(
        DevelopmentForm,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("bentuk pengembangan"),
    )
    provider = models.CharField(_("penyelenggara"), max_length=255)
    jp = models.DecimalField(_("JP"), max_digits=7, decimal_places=2)
    certificate_no = models.CharField(_("nomor sertifikat"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.VERIFIED
    )

    class Meta:
        verbose_name = _("catatan pembelajaran")
        verbose_name_plural = _("catatan pembelajaran")
        ordering = ["employee_id", "-end_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "title", "start_date"], name="learning_record_unique"
            ),
            models.CheckConstraint(condition=models.Q(jp__gte=0), name="learning_record_jp_nonnegative"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="learning_record_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RecordStatus.values), name="learning_record_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["employee", "end_date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.jp} JP)"
