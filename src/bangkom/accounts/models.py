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


class ApiToken(models.Model):
    """A bearer token for another system (an LMS, a training provider) calling the API as `user`.

    Only the SHA-256 of the secret is kept: a leaked database gives no usable token. The secret is random
    (256 bits), so a plain hash is enough; a slow password hash would only slow every API call. The prefix is
    the first characters of the token, stored in clear so that people can tell tokens apart and revoke one.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("pengguna"))
    name = models.CharField(_("nama"), max_length=100, help_text=_("Untuk apa token ini, misalnya nama sistemnya."))
    prefix = models.CharField(_("awalan"), max_length=16, unique=True)
    key_hash = models.CharField(_("hash SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
