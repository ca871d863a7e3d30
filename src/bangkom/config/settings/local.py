"""Embedded default: one laptop, SQLite, no server to install."""

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# A development key is acceptable only for the local embedded mode; production refuses to start without one.
SECRET_KEY = _SECRET_KEY or "bangkom-local-development-only-not-secret"
