"""Users and roles. Pegawai and atasan come from the linked Employee; other roles are explicit grants."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    employee = models.OneToOneField(
        "org.Employee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        verbose_name=_("pegawai"),
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class Role(models.TextChoices):
    ADMIN_INSTANSI = "admin_instansi", _("Admin instansi")
    PENYELENGGARA = "penyelenggara", _("Penyelenggara")
    ADMIN_NASIONAL = "admin_nasional", _("Admin nasional")


class RoleAssignment(models.Model):
    """A granted role. Admin instansi and penyelenggara are bound to one instansi; admin nasional to none."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("pengguna")
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        "org.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("instansi"),
    )
    granted_at = models.DateTimeField(_("diberikan pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("penugasan peran")
        verbose_name_plural = _("penugasan peran")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="role_assignment_unique"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(agency__isnull=True),
                name="role_assignment_unique_national",
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="role_valid"),
            models.CheckConstraint(
                condition=(
                    models.Q(role="admin_nasional", agency__isnull=True)
                    | (~models.Q(role="admin_nasional") & models.Q(agency__isnull=False))
                ),
                name="role_agency_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.agency_id or ''}"
