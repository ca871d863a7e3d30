"""Yearly performance ratings (PermenPANRB 6/2022) as CONTRACT.md imports them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bangkom.org.models import Employee


class Rating(models.TextChoices):
    DI_ATAS = "di_atas", _("Di atas ekspektasi")
    SESUAI = "sesuai", _("Sesuai ekspektasi")
    DI_BAWAH = "di_bawah", _("Di bawah ekspektasi")


class PerformanceRating(models.Model):
    # Indexed through the leading column of the unique constraint below; no separate index.
    employee = models.ForeignKey(
        Employee,
        on_delete=models.CASCADE,
        related_name="performance_ratings",
        db_index=False,
        verbose_name=_("pegawai"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    hasil_kerja = models.CharField(_("hasil kerja"), max_length=8, choices=Rating.choices)
    perilaku_kerja = models.CharField(_("perilaku kerja"), max_length=8, choices=Rating.choices)

    class Meta:
        verbose_name = _("penilaian kinerja")
        verbose_name_plural = _("penilaian kinerja")
        ordering = ["employee_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="performance_unique"),
            models.CheckConstraint(
                condition=models.Q(hasil_kerja__in=Rating.values), name="performance_hasil_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(perilaku_kerja__in=Rating.values), name="performance_perilaku_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1950, year__lte=2200), name="performance_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}"
