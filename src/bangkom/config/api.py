"""The JSON API under /api/v1 (django-ninja); each app contributes a router."""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(title="bangkom API", version="1", urls_namespace="api", auth=django_auth)
