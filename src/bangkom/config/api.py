"""The JSON API under /api/v1 (django-ninja); each app contributes a router.

Two ways in: a browser session (with CSRF, for the pages' own scripts) and a bearer token for other systems
(`bangkom api-token create`), which acts with its user's roles and needs no CSRF. The token is tried first:
the session check refuses a POST without CSRF outright, before any later method could answer.

A malformed request (missing field, a date or number that does not parse) answers 422 in the same shape as a
refusal by a service: {"detail": [{"field": ..., "message": ...}]}, the message in the user's language.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from bangkom.accounts.api_auth import token_auth
from bangkom.competency.api import router as competency_router
from bangkom.engine.jsontext import unstorable_path
from bangkom.jobs.api import router as jobs_router
from bangkom.learning.api import router as learning_router
from bangkom.org.api import router as org_router
from bangkom.planning.api import router as planning_router
from bangkom.planning.plan_api import router as plan_router

DESCRIPTION = """
API JSON bangkom. Hak akses sama dengan pengguna pemanggilnya: pegawai melihat datanya sendiri, atasan juga
bawahannya, admin instansi seluruh pegawai instansinya. Data di luar lingkup dijawab 404, sama seperti data
yang tidak ada.

Masuk dengan sesi peramban (dengan token CSRF) atau, untuk sistem lain, dengan token API:
`Authorization: Bearer <token>` (buat dengan `bangkom api-token create --user NAMA --name SISTEM`).

Masukan yang salah dijawab 422: `{"detail": [{"field": "jp", "message": "JP harus berupa angka."}]}`
dan tidak ada yang tersimpan.

Bukti kegiatan (berkas sertifikat) belum dapat diunggah lewat API; unggah lewat halaman catatan pembelajaran.
"""


class UnstorableBody(ValueError):
    """A JSON body with what no database column holds (engine.jsontext): the path of the first such value."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


class StorableJsonParser(Parser):
    """JSON bodies as ninja reads them, refused when a string holds NUL or a lone surrogate, a number is NaN or
    infinite, or the nesting is deeper than any schema here (each reached the database as a 500 before)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        where = unstorable_path(data)
        if where is not None:
            raise UnstorableBody(where)
        return data


api = NinjaAPI(
    title="bangkom API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=[token_auth, django_auth],
    parser=StorableJsonParser(),
)
api.add_router("/", org_router)
api.add_router("/", jobs_router)
api.add_router("/", competency_router)
api.add_router("/", learning_router)
api.add_router("/", planning_router)
api.add_router("/", plan_router)

BODY_PARAM = "payload"
_SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")
_DATE_TYPES = ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact")
_NUMBER_TYPES = (
    "decimal_parsing",
    "decimal_type",
    "float_parsing",
    "float_type",
    "finite_number",
    "int_parsing",
    "int_type",
    "int_from_float",
    "int_parsing_size",
)


def _field(error: dict[str, Any]) -> str | None:
    """The field the caller sent: ("body", "payload", "jp") -> "jp", ("query", "year") -> "year".

    Handlers name their body schema parameter `payload`; that name is ours, not something the caller sent.
    """
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] in _SOURCES:
        loc = loc[1:]
    if loc and loc[0] == BODY_PARAM:
        loc = loc[1:]
    return ".".join(loc) or None


def _number_message(field: str | None) -> str:
    if field == "jp":
        return _("JP harus berupa angka.")
    if field == "quantity":
        return _("Jumlah harus berupa angka.")
    if field == "form":
        return _("Bentuk pengembangan harus berupa angka (jenis diklat SIASN 1-25).")
    if field == "year":
        return _("Tahun harus berupa angka.")
    return _("Harus berupa angka.")


def _message(error: dict[str, Any], field: str | None) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Wajib diisi.")
    if kind in _DATE_TYPES:
        return _("Tanggal tidak valid (YYYY-MM-DD).")
    if kind in _NUMBER_TYPES:
        return _number_message(field)
    if kind == "string_too_long":
        return _("Terlalu panjang: paling banyak %(max)s karakter.") % {"max": ctx.get("max_length", "?")}
    if kind == "string_type":
        return _("Harus berupa teks (dalam tanda petik).")
    if kind in ("bool_parsing", "bool_type"):
        return _("Harus berupa true atau false.")
    if kind == "greater_than_equal":
        return _("Terlalu kecil: paling sedikit %(min)s.") % {"min": ctx.get("ge", "?")}
    if kind == "greater_than":
        return _("Terlalu kecil: harus lebih dari %(min)s.") % {"min": ctx.get("gt", "?")}
    if kind == "less_than_equal":
        return _("Terlalu besar: paling banyak %(max)s.") % {"max": ctx.get("le", "?")}
    if kind == "less_than":
        return _("Terlalu besar: harus kurang dari %(max)s.") % {"max": ctx.get("lt", "?")}
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return _("Isi permintaan harus berupa objek JSON.")
    if kind in ("uuid_parsing", "uuid_type"):
        return _("Bukan UUID yang sah.")
    return _("Nilai tidak valid.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's answer to an HttpError ({"detail": message}), except for a body refused by StorableJsonParser
    (ninja wraps whatever the parser raises into a 400 "Cannot parse request body"): a 422 naming the field."""
    cause = exc.__cause__
    if isinstance(cause, UnstorableBody):
        field = cause.where.removeprefix("$").lstrip(".") or None
        message = _(
            "Tidak dapat disimpan: teks berisi karakter NUL atau surrogate tunggal, angka tak hingga/NaN, "
            "atau susunan terlalu dalam."
        )
        return api.create_response(request, {"detail": [{"field": field, "message": message}]}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Field and message in the user's language, instead of pydantic's English and its internal locations."""
    detail = []
    for error in exc.errors:
        if "loc" not in error:  # ninja's own errors, e.g. the cursor paginator's {"cursor": "Invalid Cursor"}
            detail.append({"field": next(iter(error), None), "message": _("Nilai tidak valid.")})
            continue
        field = _field(error)
        detail.append({"field": field, "message": _message(error, field)})
    return api.create_response(request, {"detail": detail}, status=422)
