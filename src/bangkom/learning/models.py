"""The 25 SIASN forms of development and learning records (CONTRACT.md learning_records)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from bangkom.org.models import Agency, Employee


class LearningPath(models.TextChoices):
    KLASIKAL = "klasikal", _("Klasikal")
    NONKLASIKAL = "nonklasikal", _("Nonklasikal")


class Mix702010(models.TextChoices):
    EXPERIENCE = "70", _("70: pengalaman kerja")
    OTHERS = "20", _("20: belajar dari orang lain")
    FORMAL = "10", _("10: pembelajaran formal")


class JpUnit(models.TextChoices):
    JP = "jp", _("JP sesuai sertifikat")
    SESSION = "sesi", _("per sesi")
    DAY = "hari", _("per hari")
    EVENT = "kegiatan", _("per kegiatan")
    MODULE = "modul", _("per modul (kecuali modul menyebut JP-nya)")


class JpRuleFields(models.Model):
    """How a form is credited in JP (engine.hours.FormRule): unit, JP per unit and caps."""

    jp_unit = models.CharField(_("satuan"), max_length=10, choices=JpUnit.choices, default=JpUnit.JP)
    jp_per_unit = models.DecimalField(
        _("JP per satuan"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Kosong untuk satuan JP sesuai sertifikat."),
    )
    max_units_per_month = models.PositiveSmallIntegerField(
        _("batas satuan per bulan"), null=True, blank=True, help_text=_("Misalnya paling banyak 2 sesi sebulan.")
    )
    max_jp_per_day = models.DecimalField(
        _("batas JP per hari"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Misalnya belajar mandiri paling banyak 2 JP sehari."),
    )

    class Meta:
        abstract = True


class DevelopmentForm(JpRuleFields):
    """A SIASN jenis diklat; its primary key is the SIASN id (1-25). The rule fields are the national
    defaults (DOMAIN.md); an instansi overrides them with AgencyJpRule."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    name_en = models.CharField(_("nama (Inggris)"), max_length=100)
    path = models.CharField(_("jalur"), max_length=12, choices=LearningPath.choices)
    mix_category = models.CharField(_("kategori 70-20-10"), max_length=2, choices=Mix702010.choices)

    class Meta:
        verbose_name = _("bentuk pengembangan")
        verbose_name_plural = _("bentuk pengembangan")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(id__gte=1, id__lte=25), name="form_id_range")]

    def __str__(self) -> str:
        return f"{self.id}. {self.name}"


class AgencyJpRule(JpRuleFields):
    """An instansi's own JP rule for one form, edited by its admin instansi."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="jp_rules", db_index=False)
    form = models.ForeignKey(DevelopmentForm, on_delete=models.CASCADE, related_name="agency_rules")

    class Meta:
        verbose_name = _("aturan JP instansi")
        verbose_name_plural = _("aturan JP instansi")
        constraints = [models.UniqueConstraint(fields=["agency", "form"], name="agency_jp_rule_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.form_id}"


class RecordStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
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
    status = models.CharField(_("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.VERIFIED)
    quantity = models.DecimalField(_("jumlah satuan"), max_digits=7, decimal_places=2, null=True, blank=True)
    evidence = models.FileField(_("bukti"), upload_to="evidence/%Y/", blank=True, max_length=200, db_default="")
    evidence_type = models.CharField(_("jenis berkas bukti"), max_length=40, blank=True, db_default="")
    rejection_reason = models.TextField(_("alasan penolakan"), blank=True, db_default="")
    source = models.CharField(_("sumber"), max_length=10, db_default="import", default="web")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())
    updated_at = models.DateTimeField(_("diubah"), db_default=Now())

    class Meta:
        verbose_name = _("catatan pembelajaran")
        verbose_name_plural = _("catatan pembelajaran")
        ordering = ["employee_id", "-end_date"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "title", "start_date"], name="learning_record_unique"),
            models.CheckConstraint(condition=models.Q(jp__gte=0), name="learning_record_jp_nonnegative"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="learning_record_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RecordStatus.values), name="learning_record_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "end_date"]),
            models.Index(fields=["status", "employee"], name="learning_record_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.jp} JP)"


RECAP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed from paper


def new_recap_code() -> str:
    raw = "".join(secrets.choice(RECAP_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


class JpRecap(models.Model):
    """A printed yearly recap; anyone holding its code can check it on the public verification page."""

    code = models.CharField(_("kode verifikasi"), max_length=14, unique=True, default=new_recap_code)
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="jp_recaps")
    year = models.PositiveSmallIntegerField(_("tahun"))
    total_hundredths = models.BigIntegerField(_("total JP (perseratus)"))
    record_count = models.PositiveIntegerField(_("jumlah catatan"))
    digest = models.CharField(_("sidik isi"), max_length=64)
    issued_at = models.DateTimeField(_("diterbitkan"), db_default=Now())
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rekap JP")
        verbose_name_plural = _("rekap JP")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.code
