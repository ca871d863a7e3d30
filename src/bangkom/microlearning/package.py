"""The zip package of a module for places with no network, and the import of the results files it produces.

The package is a folder a pegawai opens from a flash disk: index.html runs in any browser from file:// with no
server (the module travels inside data.js, as browsers refuse to read a neighbouring JSON file from file://),
keeps the work in the browser's localStorage, and lets the pegawai download a results file. That file holds
the same events as the /belajar/ app sends to /sync, with the pegawai's NIP; the admin instansi uploads it and
import_results feeds it through services.apply_events, so importing the same file again changes nothing.
"""

from __future__ import annotations

import io
import json
import posixpath
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkom.accounts.roles import roles_for
from bangkom.audit.services import record as audit
from bangkom.microlearning.models import Module
from bangkom.microlearning.services import MAX_EVENTS, OutOfScope, RecordInvalid, apply_events, read_device_json
from bangkom.org.models import Employee

PACKAGE_FORMAT = "bangkom-modul"
RESULTS_FORMAT = "bangkom-modul-hasil"
RESULTS_MAX_BYTES = 2 * 1024 * 1024
RESULTS_MAX_EVENTS = 5000


def package_data(module: Module) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The module as the player reads it, and its images (name in the zip -> bytes)."""
    images: dict[str, bytes] = {}
    pages = []
    for p in module.pages.order_by("order", "pk"):
        image = None
        if p.image:
            try:
                with p.image.open("rb") as fh:
                    content = fh.read()
            except OSError:
                content = b""
            if content:
                image = f"images/{p.pk}-{posixpath.basename(p.image.name)}"
                images[image] = content
        pages.append({"id": p.pk, "title": p.title, "body": p.body, "image_url": image})
    data = {
        "format": PACKAGE_FORMAT,
        "id": module.pk,
        "agency": module.agency.name,
        "title": module.title,
        "summary": module.summary,
        "jp": float(module.jp),
        "version": module.version,
        "pages": pages,
        "questions": [
            {"id": q.pk, "text": q.text, "choices": list(q.choices)} for q in module.questions.order_by("order", "pk")
        ],
        "task": module.task,
        "reflection_prompt": module.reflection_prompt,
        "exported_at": timezone.now().isoformat(),
    }
    return data, images


def export_package(module: Module) -> bytes:
    """The zip of one module: index.html, player.js, data.js, module.json and the images."""
    data, images = package_data(module)
    blob = json.dumps(data, ensure_ascii=False, indent=1)
    # data.js is read by a <script> tag: "</" must not close it early.
    script = "window.BANGKOM_MODULE = " + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + ";\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("index.html", get_template("microlearning/package/index.html").render({"module": module}))
        z.writestr("player.js", get_template("microlearning/package/player.js").render({}))
        z.writestr("data.js", script)
        z.writestr("module.json", blob)
        for name, content in images.items():
            z.writestr(name, content)
    return buf.getvalue()


def package_filename(module: Module) -> str:
    return f"modul-{module.pk}-v{module.version}.zip"


@dataclass
class FileReport:
    name: str
    ok: bool
    nip: str = ""
    employee: str = ""
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    message: str = ""


def _read(file: UploadedFile) -> dict[str, Any] | str:
    if (file.size or 0) > RESULTS_MAX_BYTES:
        return _("Berkas terlalu besar (paling besar 2 MB).")
    data = file.read(RESULTS_MAX_BYTES + 1)  # a size that lied (a pipe, /dev/zero) stops here too
    if len(data) > RESULTS_MAX_BYTES:
        return _("Berkas terlalu besar (paling besar 2 MB).")
    try:
        body = read_device_json(data)
    except ValueError:
        return _("Berkas bukan JSON yang sah.")
    if not isinstance(body, dict) or body.get("format") != RESULTS_FORMAT:
        return _("Berkas ini bukan berkas hasil paket modul bangkom.")
    if not isinstance(body.get("nip"), str) or not body["nip"].strip():
        return _("NIP tidak ada di berkas hasil.")
    events = body.get("events")
    if not isinstance(events, list) or len(events) > RESULTS_MAX_EVENTS:
        return _("Daftar peristiwa di berkas hasil tidak sah.")
    return body


def import_results(*, actor: Any, file: UploadedFile) -> FileReport:
    """One results file: mapped by NIP to a pegawai of the admin's instansi, applied through apply_events."""
    roles = roles_for(actor)
    if not roles.admin_agency_ids:
        raise OutOfScope
    name = file.name or "hasil.json"
    body = _read(file)
    if isinstance(body, str):
        return FileReport(name, ok=False, message=body)
    nip = body["nip"].strip()
    emp = Employee.objects.filter(nip=nip, agency_id__in=roles.admin_agency_ids).first()
    if emp is None:
        return FileReport(
            name, ok=False, nip=nip, message=_("NIP %(nip)s tidak ditemukan di instansi Anda.") % {"nip": nip}
        )
    device = body.get("device_id") if isinstance(body.get("device_id"), str) else ""
    device = (device or f"paket-{uuid.uuid5(uuid.NAMESPACE_URL, name)}")[:64]
    events = sorted(body["events"], key=lambda e: isinstance(e, dict) and e.get("kind") == "submit")
    report = FileReport(name, ok=True, nip=nip, employee=emp.name)
    try:
        with transaction.atomic():  # one file lands whole or not at all
            report = _apply_file(actor, emp, events, device, report)
    except RecordInvalid as exc:
        return FileReport(name, ok=False, nip=nip, employee=emp.name, message=" ".join(exc.messages))
    audit(
        actor=actor,
        action="import",
        entity="microlearning.results",
        object_id=emp.pk,
        agency_id=emp.agency_id,
        after={"file": name[:200], "accepted": report.accepted, "duplicates": report.duplicates},
    )
    return report


def _apply_file(actor: Any, emp: Employee, events: list[Any], device: str, report: FileReport) -> FileReport:
    for start in range(0, len(events), MAX_EVENTS):
        out = apply_events(user=actor, events=events[start : start + MAX_EVENTS], device_id=device, employee=emp)
        report.accepted += len(out.accepted)
        report.duplicates += len(out.duplicates)
        report.rejected += out.rejected
    return report
