from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LrsConfig(AppConfig):
    name = "bangkom.lrs"
    label = "lrs"
    verbose_name = _("Learning Record Store (xAPI)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from bangkom.lrs.checks import sqlite_version

        checks.register(sqlite_version)
