"""Instansi, unit kerja, jabatan and pegawai: who works where, in which position, under whom."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Length, Lower
from django.utils.translation import gettext_lazy as _

# nip__length in the check constraint below.
models.CharField.register_lookup(Length)


class AgencyKind(models.TextChoices):
    KEMENTERIAN = "kementerian", _("Kementerian")
    LEMBAGA = "lembaga", _("Lembaga")
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")


class Agency(models.Model):
    """An instansi: the unit of data isolation."""

    code = models.CharField(_("kode"), max_length=50, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgencyKind.choices)
    region_code = models.CharField(_("kode wilayah"), max_length=20, blank=True)
    underdeveloped = models.BooleanField(_("daerah tertinggal"), default=False)
    # Overrides of the regulation defaults (settings.BANGKOM_DEFAULTS) for this instansi.
    settings = models.JSONField(_("pengaturan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AgencyKind.values), name="agency_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def setting(self, key: str) -> Any:
        from django.conf import settings as dj_settings

        return self.settings.get(key, dj_settings.BANGKOM_DEFAULTS[key])


class Unit(models.Model):
    """A unit kerja; units form a tree inside one instansi."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="units", verbose_name=_("instansi")
    )
    code = models.CharField(_("kode"), max_length=50)
    name = models.CharField(_("nama"), max_length=255)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("induk"),
    )
    location = models.CharField(
        _("lokasi kantor"),
        max_length=255,
        blank=True,
        default="",
        db_default="",  # the importer writes units in bulk without this column
        help_text=_("Kota/kabupaten kantor unit ini; kosong: sama dengan unit induknya."),
    )

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["agency__code", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="unit_agency_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PositionKind(models.TextChoices):
    JPT_UTAMA = "jpt_utama", _("JPT Utama")
    JPT_MADYA = "jpt_madya", _("JPT Madya")
    JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
    ADMINISTRATOR = "administrator", _("Administrator")
    PENGAWAS = "pengawas", _("Pengawas")
    PELAKSANA = "pelaksana", _("Pelaksana")
    FUNGSIONAL = "fungsional", _("Fungsional")


class FunctionalLevel(models.TextChoices):
    AHLI_PERTAMA = "ahli_pertama", _("Ahli Pertama")
    AHLI_MUDA = "ahli_muda", _("Ahli Muda")
    AHLI_MADYA = "ahli_madya", _("Ahli Madya")
    AHLI_UTAMA = "ahli_utama", _("Ahli Utama")
    PEMULA = "pemula", _("Pemula")
    TERAMPIL = "terampil", _("Terampil")
    MAHIR = "mahir", _("Mahir")
    PENYELIA = "penyelia", _("Penyelia")


class Position(models.Model):
    """A jabatan; its SKJ is the set of competency.Requirement rows."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="positions", verbose_name=_("instansi")
    )
    code = models.CharField(_("kode"), max_length=50)
    name = models.CharField(_("nama"), max_length=255)
    kind = models.CharField(_("jenis jabatan"), max_length=20, choices=PositionKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="positions", verbose_name=_("unit kerja")
    )
    functional_level = models.CharField(
        _("jenjang fungsional"), max_length=20, choices=FunctionalLevel.choices, blank=True
    )

    class Meta:
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        ordering = ["agency__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="position_agency_code_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=PositionKind.values), name="position_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(functional_level="")
                | models.Q(functional_level__in=FunctionalLevel.values),
                name="position_functional_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EmploymentType(models.TextChoices):
    PNS = "pns", _("PNS")
    CPNS = "cpns", _("CPNS")
    PPPK = "pppk", _("PPPK")


class Employee(models.Model):
    """A pegawai (ASN). The supervisor chain defines who is atasan of whom; it never forms a cycle."""

    nip = models.CharField(_("NIP"), max_length=18, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="employees", verbose_name=_("instansi")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="employees", verbose_name=_("unit kerja")
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="employees", verbose_name=_("jabatan")
    )
    employment_type = models.CharField(_("jenis kepegawaian"), max_length=4, choices=EmploymentType.choices)
    supervisor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinates",
        verbose_name=_("atasan langsung"),
    )
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["nip"]
        constraints = [
            models.CheckConstraint(condition=models.Q(nip__length=18), name="employee_nip_length_18"),
            models.CheckConstraint(
                condition=models.Q(employment_type__in=EmploymentType.values), name="employee_type_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("pk")), name="employee_not_own_supervisor"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "unit"]),
            models.Index(fields=["agency", "name"]),
            # A pegawai found by the email an xAPI statement names (mbox), whatever its case (lrs.credit).
            models.Index(models.F("agency"), Lower("email"), name="employee_agency_email_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.nip} {self.name}"

    def clean(self) -> None:
        """Form and admin validation; the import applies the same rules in bulk."""
        from django.core.exceptions import ValidationError

        from bangkom.engine.nip import NipError, check_nip_for_employment
        from bangkom.org.validation import nip_error_message, supervisor_creates_cycle

        errors: dict[str, object] = {}
        try:
            check_nip_for_employment(self.nip or "", self.employment_type or "")
        except NipError as err:
            errors["nip"] = nip_error_message(err)
        if self.supervisor_id is not None:
            if self.supervisor_id == self.pk or supervisor_creates_cycle(self.pk, self.supervisor_id):
                errors["supervisor"] = _("Rantai atasan tidak boleh melingkar.")
            elif self.agency_id and self.supervisor and self.supervisor.agency_id != self.agency_id:
                errors["supervisor"] = _("Atasan harus berada di instansi yang sama.")
        if self.agency_id and self.unit_id and self.unit.agency_id != self.agency_id:
            errors["unit"] = _("Unit kerja harus milik instansi pegawai.")
        if self.agency_id and self.position_id and self.position.agency_id != self.agency_id:
            errors["position"] = _("Jabatan harus milik instansi pegawai.")
        if errors:
            raise ValidationError(errors)
