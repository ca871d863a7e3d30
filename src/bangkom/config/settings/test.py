"""Test settings: same database engine as chosen by DATABASE_URL, jobs inline unless a test says otherwise."""

from .base import *  # noqa: F403

SECRET_KEY = "bangkom-test-only-not-secret"  # noqa: S105
DEBUG = False
BANGKOM_JOB_RUNNER = "sync"
# Argon2 stays the hasher (the login tests prove it); cheaper parameters are not configurable per hasher,
# so tests create users through fixtures that reuse one precomputed hash.
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
