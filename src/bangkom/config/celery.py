"""Celery application: workers on any machine run the same job functions as the embedded thread runner."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bangkom.config.settings.local")

app = Celery("bangkom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["bangkom.jobs"])
