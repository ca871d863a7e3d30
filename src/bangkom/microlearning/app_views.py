"""The pegawai's installable micro-learning app: its shell page, web app manifest and service worker.

The shell holds no personal data: everything about the pegawai comes from data.json, so the page can be cached
by the service worker and served offline. The labels the script shows are translated here, through gettext,
and handed to the script as one JSON blob in the page.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from bangkom.learning.models import RecordStatus

SCOPE = "/belajar/"
# The files of the shell besides the page itself; the service worker stores them when it installs.
SHELL_STATIC = (
    "microlearning/app.css",
    "microlearning/app.js",
    "microlearning/icon.svg",
    "microlearning/icon-192.png",
    "microlearning/icon-512.png",
)
_SW_TEMPLATE = "microlearning/app/sw.js"


def _url(name: str, fallback: str) -> str:
    """The JSON endpoints belong to the microlearning server side; their paths are fixed by the sync contract."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _data_url() -> str:
    return _url("microlearning_data", SCOPE + "api/data.json")


def _sync_url() -> str:
    return _url("microlearning_sync", SCOPE + "api/sync")


def _labels() -> dict[str, str]:
    return {
        "online": _("Daring"),
        "offline": _("Luring"),
        "pending": _("%(n)s menunggu sinkronisasi"),
        "allSynced": _("Semua tersinkron"),
        "sync": _("Sinkronkan"),
        "syncing": _("Menyinkronkan…"),
        "syncFailed": _("Sinkronisasi gagal; data tetap tersimpan di perangkat ini dan dicoba lagi nanti."),
        "lastSync": _("Sinkron terakhir: %(time)s"),
        "loading": _("Memuat…"),
        "noData": _("Data belum pernah diunduh. Sambungkan perangkat ke internet lalu muat ulang halaman ini."),
        "loginAgain": _("Sesi Anda berakhir. Silakan masuk lagi; data di perangkat ini tidak hilang."),
        "login": _("Masuk"),
        "profile": _("Profil saya"),
        "nip": _("NIP"),
        "position": _("Jabatan"),
        "unit": _("Unit kerja"),
        "jpTitle": _("JP saya tahun %(year)s"),
        "jpOf": _("%(total)s dari minimal %(minimum)s JP"),
        "jpReached": _("Target JP tahun ini tercapai."),
        "jpRecords": _("Catatan pembelajaran"),
        "modules": _("Modul saya"),
        "noModules": _("Belum ada modul untuk Anda."),
        "open": _("Buka"),
        "back": _("Kembali ke daftar modul"),
        "jp": _("%(jp)s JP"),
        "pageOf": _("Halaman %(n)s dari %(total)s"),
        "prev": _("Sebelumnya"),
        "next": _("Berikutnya"),
        "questions": _("Pertanyaan"),
        "task": _("Tugas praktik"),
        "taskDone": _("Tugas sudah saya kerjakan"),
        "taskNote": _("Catatan pengerjaan"),
        "saveTask": _("Simpan tugas"),
        "reflection": _("Refleksi"),
        "saveReflection": _("Simpan refleksi"),
        "submit": _("Kirim modul"),
        "submitNeeds": _(
            "Sebelum dikirim: baca semua halaman, jawab semua pertanyaan, kerjakan tugas dan tulis refleksi."
        ),
        "saved": _("Tersimpan di perangkat"),
        "waiting": _("Menunggu sinkronisasi"),
        "statusNew": _("Belum dimulai"),
        "statusProgress": _("Sedang dikerjakan"),
        "statusSubmitted": _("Terkirim, menunggu konfirmasi atasan"),
        "statusConfirmed": _("Dikonfirmasi atasan"),
        "statusReturned": _("Dikembalikan"),
        "rejected": _("Ditolak server"),
        "rejectedCount": _("%(n)s isian ditolak server; buka modulnya untuk melihat alasannya."),
        "dismiss": _("Tutup"),
        "storageFull": _("Penyimpanan perangkat penuh; isian ini belum tersimpan."),
        "pagesSeen": _("%(n)s dari %(total)s halaman dibaca"),
        "logoutPending": _(
            "%(n)s isian belum tersinkron. Isian itu tetap tersimpan di perangkat ini dan terkirim setelah Anda "
            "masuk lagi. Tetap keluar?"
        ),
    }


@cache
def shell_version() -> str:
    """Changes whenever a file of the shell changes, so that browsers install the new service worker."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        digest.update(name.encode())
        if isinstance(path, str):
            with open(path, "rb") as handle:
                digest.update(handle.read())
    for name in ("microlearning/app/shell.html", _SW_TEMPLATE):
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    return digest.hexdigest()[:12]


@require_GET
@login_required
@ensure_csrf_cookie
def app_shell(request: HttpRequest) -> HttpResponse:
    config = {
        "dataUrl": _data_url(),
        "syncUrl": _sync_url(),
        "loginUrl": reverse("login") + "?next=" + SCOPE,
        "swUrl": reverse("microlearning_sw"),
        "scope": SCOPE,
        "lang": get_language() or "id",
        "labels": _labels(),
        "recordStatus": {value: str(label) for value, label in RecordStatus.choices},
    }
    response = render(request, "microlearning/app/shell.html", {"config": config})
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """Public: browsers fetch the manifest without cookies."""
    icons = [
        {"src": static("microlearning/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": static("microlearning/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("microlearning/icon-512.png"), "sizes": "512x512", "type": "image/png"},
    ]
    body = {
        "name": _("bangkom Belajar"),
        "short_name": _("Belajar"),
        "description": _("Modul micro-learning untuk pegawai, bisa dipakai tanpa internet."),
        "lang": get_language() or "id",
        "id": SCOPE,
        "start_url": SCOPE,
        "scope": SCOPE,
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b5d7a",
        "icons": icons,
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /belajar/ so that its scope is the app; public because it holds no personal data."""
    shell = [SCOPE, *(static(name) for name in SHELL_STATIC), reverse("microlearning_manifest")]
    context = {
        "version": shell_version(),
        "scope": json.dumps(SCOPE),
        "shell": json.dumps(shell),
        "data_url": json.dumps(_data_url()),
    }
    response = HttpResponse(render_to_string(_SW_TEMPLATE, context), content_type="application/javascript")
    response["Service-Worker-Allowed"] = SCOPE
    return response
