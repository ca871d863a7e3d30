"""App config for the demo data commands (seed-demo, make-dataset); the app has no models."""

from __future__ import annotations

from django.apps import AppConfig


class DemodataConfig(AppConfig):
    name = "bangkom.demodata"
    label = "demodata"
    verbose_name = "Data demo"
