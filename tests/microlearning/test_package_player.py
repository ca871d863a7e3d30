"""The offline package in a real browser: extracted to a folder, opened from file:// with no server, worked
through, the results file downloaded and imported by the admin instansi; the same file again is all duplicates."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bangkom.microlearning.models import Attempt, AttemptStatus, Module
from bangkom.microlearning.package import export_package, import_results
from tests.conftest import Org

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CHROMIUM = os.environ.get("BANGKOM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def test_player_runs_from_file_and_its_results_import(org: Org, module: Module, tmp_path: Path) -> None:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium not found: run `make browser-deps`")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    zipfile.ZipFile(io.BytesIO(export_package(module))).extractall(tmp_path)
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        context = browser.new_context(accept_downloads=True)
        page: Any = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((tmp_path / "index.html").as_uri())
        page.fill("#nip", org.staf1.nip)
        page.click("button:has-text('Simpan NIP')")
        page.click("button:has-text('Berikutnya')")
        # The first choice of question 1 and the second of question 2 are the right ones (conftest).
        page.check("input[name^=q] >> nth=0")
        page.check("input[name^=q] >> nth=3")
        page.fill("#task-note", "Sudah.")
        page.click("button:has-text('Tandai tugas selesai')")
        page.fill("textarea[aria-label=Refleksi]", "Lebih ringkas.")
        page.click("button:has-text('Simpan refleksi')")
        page.click("button:has-text('Kirim modul')")
        page.reload()  # the work survives in localStorage
        assert "Modul sudah dikirim" in page.inner_text("main")
        with page.expect_download() as download:
            page.click("button:has-text('Unduh berkas hasil')")
        content = Path(download.value.path()).read_bytes()
        browser.close()
    assert errors == []
    report = import_results(actor=org.users["admin_a"], file=SimpleUploadedFile("hasil.json", content))
    assert report.ok and report.accepted == 7 and not report.rejected, report
    attempt = Attempt.objects.get()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.reflection == "Lebih ringkas."
    assert {a["choice"] for a in attempt.answers.values()} == {0, 1}
    again = import_results(actor=org.users["admin_a"], file=SimpleUploadedFile("hasil.json", content))
    assert again.accepted == 0 and again.duplicates == 7
