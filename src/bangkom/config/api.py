"""The JSON API under /api/v1 (django-ninja); each app contributes a router. Session auth (with CSRF)."""

from ninja import NinjaAPI
from ninja.security import django_auth

from bangkom.competency.api import router as competency_router
from bangkom.jobs.api import router as jobs_router
from bangkom.org.api import router as org_router

api = NinjaAPI(title="bangkom API", version="1", urls_namespace="api", auth=django_auth)
api.add_router("/", org_router)
api.add_router("/", jobs_router)
api.add_router("/", competency_router)
