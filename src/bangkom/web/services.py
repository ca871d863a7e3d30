"""Workflows started from the web pages (kept out of the views)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

from bangkom.accounts.roles import roles_for
from bangkom.jobs.models import Job
from bangkom.jobs.services import submit_job


def start_import(*, user: Any, files: list[UploadedFile], lang: str) -> Job:
    """Store the uploads in a fresh folder and start the import job, limited to the admin's instansi."""
    roles = roles_for(user)
    if not roles.admin_agency_ids:
        raise PermissionError("only an admin instansi may import")
    folder = Path(settings.VAR_DIR) / "imports" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=False)
    for f in files:
        name = get_valid_filename(Path(f.name or "upload").name).lower()
        with (folder / name).open("wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
    agency_ids = sorted(roles.admin_agency_ids)
    return submit_job(
        kind="import",
        params={"path": str(folder), "restrict_agency_ids": agency_ids, "lang": lang},
        user=user,
        agency_id=agency_ids[0],
    )
