"""The two JSON endpoints of the offline app (/belajar/): its data, and the sync of a device's events.

Session-authenticated like the pages; the POST is protected by Django's CSRF check, which reads the X-CSRFToken
header the app sends. Thin: reads through selectors, every write through services.apply_events.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bangkom.microlearning.models import Attempt, AttemptStatus, Module, ModulePage
from bangkom.microlearning.selectors import jp_figures, me_of, modules_for_pegawai, page_image_get
from bangkom.microlearning.services import MAX_EVENTS, RecordInvalid, apply_events, read_device_json
from bangkom.org.models import Employee


def _message(status: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"message": message, **extra}, status=status)


def _pegawai(request: HttpRequest) -> Employee | JsonResponse:
    if not request.user.is_authenticated:
        return _message(401, _("Silakan masuk terlebih dahulu."), login_url=reverse("login"))
    me = me_of(request.user)
    if me is None:
        return _message(403, _("Akun Anda tidak terhubung dengan data pegawai."))
    return me


def attempt_state(attempt: Attempt | None) -> dict[str, Any]:
    if attempt is None:
        return {
            "status": AttemptStatus.IN_PROGRESS.value,
            "pages_seen": [],
            "answers": {},
            "task_done": False,
            "task_note": "",
            "reflection": "",
            "submitted_at": None,
            "return_reason": "",
        }
    return {
        "status": attempt.status,
        "pages_seen": sorted(attempt.pages_seen),
        "answers": {str(k): v.get("choice") for k, v in sorted(attempt.answers.items())},
        "task_done": attempt.task_done_at is not None,
        "task_note": attempt.task_note,
        "reflection": attempt.reflection,
        "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
        "return_reason": attempt.return_reason,
    }


def image_url(page: ModulePage, version: int) -> str | None:
    """Images are served through image_view (scoped), not from MEDIA_URL; the version changes the URL when the
    module changes, so a cached copy is never stale."""
    if not page.image:
        return None
    return reverse("microlearning_image", args=[page.pk]) + f"?v={version}"


def module_state(module: Module, attempt: Attempt | None) -> dict[str, Any]:
    return {
        "id": module.pk,
        "title": module.title,
        "summary": module.summary,
        "jp": float(module.jp),
        "version": module.version,
        "pages": [
            {"id": p.pk, "title": p.title, "body": p.body, "image_url": image_url(p, module.version)}
            for p in module.pages.all()
        ],
        "questions": [{"id": q.pk, "text": q.text, "choices": list(q.choices)} for q in module.questions.all()],
        "task": module.task,
        "reflection_prompt": module.reflection_prompt,
        "attempt": attempt_state(attempt),
    }


@never_cache
@require_GET
def data_view(request: HttpRequest) -> JsonResponse:
    me = _pegawai(request)
    if isinstance(me, JsonResponse):
        return me
    jp = jp_figures(me)
    return JsonResponse(
        {
            "employee": {
                "nip": me.nip,
                "name": me.name,
                "jabatan": me.position.name,
                "unit": me.unit.name,
            },
            "jp": {
                "year": jp.year,
                "total": jp.total,
                "minimum": jp.minimum,
                "records": [
                    {"title": r.title, "jp": float(r.jp), "status": r.status, "end_date": r.end_date.isoformat()}
                    for r in jp.records
                ],
            },
            "modules": [module_state(m, m.my_attempt) for m in modules_for_pegawai(me)],  # type: ignore[attr-defined]
        }
    )


@never_cache
@require_POST
def sync_view(request: HttpRequest) -> JsonResponse:
    me = _pegawai(request)
    if isinstance(me, JsonResponse):
        return me
    if request.content_type != "application/json":
        # (A form-encoded body would also have been read already by the CSRF check, and is not what the app sends.)
        return _message(400, _("Kirim peristiwa sebagai application/json."))
    try:
        body = read_device_json(request.body or b"")
    except RequestDataTooBig:
        return _message(413, _("Kiriman terlalu besar."))
    except ValueError:
        return _message(400, _("Isi kiriman bukan JSON yang sah."))
    if not isinstance(body, dict):
        return _message(400, _("Isi kiriman harus objek JSON dengan device_id dan events."))
    device_id, events = body.get("device_id", ""), body.get("events")
    if not isinstance(device_id, str) or len(device_id) > 64:
        return _message(400, _("device_id harus teks paling banyak 64 karakter."))
    if not isinstance(events, list):
        return _message(400, _("events harus berupa daftar (array)."))
    if len(events) > MAX_EVENTS:
        return _message(400, _("Paling banyak %(n)s peristiwa dalam satu kiriman.") % {"n": MAX_EVENTS})
    try:
        result = apply_events(user=request.user, events=events, device_id=device_id)
    except RecordInvalid as exc:
        return _message(400, " ".join(exc.messages))
    touched = set(result.attempts)
    modules = modules_for_pegawai(me, ids=touched) if touched else []
    return JsonResponse(
        {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
            "modules": [module_state(m, m.my_attempt) for m in modules],  # type: ignore[attr-defined]
        }
    )


def image_view(request: HttpRequest, pk: int) -> FileResponse:
    """A module page's image, for whoever may read the module (404 otherwise)."""
    if not request.user.is_authenticated:
        raise Http404
    page = page_image_get(request.user, pk)
    if page is None:
        raise Http404
    try:
        handle = page.image.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=mimetypes.guess_type(page.image.name)[0] or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
