"""The zip package for places with no network, and the results files round trip: export, a pegawai's results
file, import by the admin instansi (mapped by NIP, re-import reports duplicates and changes nothing)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bangkom.learning.models import LearningRecord
from bangkom.microlearning.models import Attempt, AttemptStatus, Module, SyncEvent
from bangkom.microlearning.package import export_package, import_results
from bangkom.microlearning.services import OutOfScope, PageData, attempt_confirm, page_save
from tests.conftest import Org
from tests.microlearning.conftest import complete_events, make_module

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
    "000154a24f5d0000000049454e44ae426082"
)


def results_file(org: Org, module: Module, nip: str | None = None, events: list[Any] | None = None) -> bytes:
    body = {
        "format": "bangkom-modul-hasil",
        "version": 1,
        "nip": nip or org.staf1.nip,
        "module_id": module.pk,
        "module_version": module.version,
        "device_id": "paket-1",
        "events": complete_events(module) if events is None else events,
    }
    return json.dumps(body).encode()


def upload(content: bytes, name: str = "hasil.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_export_contains_a_self_contained_player(org: Org, module: Module, tmp_path: Path) -> None:
    page_save(
        actor=org.users["admin_a"],
        module=module,
        data=PageData(title="Bergambar", body="Lihat gambar.", image=SimpleUploadedFile("g.png", PNG)),
    )
    module.refresh_from_db()
    z = zipfile.ZipFile(io.BytesIO(export_package(module)))
    names = set(z.namelist())
    assert {"index.html", "player.js", "data.js", "module.json"} <= names
    images = [n for n in names if n.startswith("images/")]
    assert len(images) == 1 and z.read(images[0]) == PNG
    data = json.loads(z.read("module.json"))
    assert data["id"] == module.pk and data["version"] == module.version and len(data["pages"]) == 3
    assert data["pages"][-1]["image_url"] == images[0]
    assert "correct" not in json.dumps(data["questions"])
    html = z.read("index.html").decode()
    assert '<script src="data.js"></script>' in html and '<script src="player.js"></script>' in html
    assert "http://" not in html and "https://" not in html  # nothing from the network
    labels = html.split('id="labels">', 1)[1].split("</script>", 1)[0]
    assert json.loads(labels)["download"]
    if shutil.which("node"):
        z.extractall(tmp_path)
        subprocess.run(["node", "--check", str(tmp_path / "player.js")], check=True)  # noqa: S603, S607


def test_import_round_trip_and_reimport_changes_nothing(org: Org, module: Module) -> None:
    content = results_file(org, module)
    report = import_results(actor=org.users["admin_a"], file=upload(content))
    assert report.ok and report.accepted == 7 and report.duplicates == 0 and report.employee == "Staf Satu"
    attempt = Attempt.objects.get()
    assert attempt.status == AttemptStatus.SUBMITTED
    state = Attempt.objects.values().get()
    again = import_results(actor=org.users["admin_a"], file=upload(content))
    assert again.ok and again.accepted == 0 and again.duplicates == 7
    assert Attempt.objects.values().get() == state and SyncEvent.objects.count() == 7
    attempt_confirm(actor=org.users["kabid"], attempt=attempt)
    import_results(actor=org.users["admin_a"], file=upload(content))
    assert LearningRecord.objects.filter(employee=org.staf1).count() == 1


def test_results_file_and_sync_merge_into_one_attempt(org: Org, module: Module) -> None:
    events = complete_events(module)
    org.client("staf1").post(
        reverse("microlearning_sync"),
        json.dumps({"device_id": "hp", "events": events[:3]}),
        content_type="application/json",
    )
    report = import_results(actor=org.users["admin_a"], file=upload(results_file(org, module, events=events)))
    assert report.duplicates == 3 and report.accepted == 4
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{bukan json", "bukan JSON"),
        (json.dumps({"format": "lain"}).encode(), "bukan berkas hasil"),
        (json.dumps({"format": "bangkom-modul-hasil", "events": []}).encode(), "NIP"),
        (json.dumps({"format": "bangkom-modul-hasil", "nip": "1", "events": {}}).encode(), "tidak sah"),
        # What a database column cannot hold (each was a 500):
        (b'{"format": "bangkom-modul-hasil", "nip": "1\\u0000", "events": []}', "bukan JSON"),
        (b'{"format": "bangkom-modul-hasil", "nip": "1\\ud800", "events": []}', "bukan JSON"),
        (
            b'{"format": "bangkom-modul-hasil", "nip": "1", "events": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
            "bukan JSON",
        ),
    ],
)
def test_bad_results_files(org: Org, module: Module, content: bytes, message: str) -> None:
    report = import_results(actor=org.users["admin_a"], file=upload(content))
    assert not report.ok and message in report.message
    assert not Attempt.objects.exists()


def test_nip_of_another_instansi_is_refused(org: Org, module: Module) -> None:
    report = import_results(actor=org.users["admin_b"], file=upload(results_file(org, module)))
    assert not report.ok and org.staf1.nip in report.message
    with pytest.raises(OutOfScope):
        import_results(actor=org.users["staf1"], file=upload(results_file(org, module)))
    assert not Attempt.objects.exists()


def test_module_of_another_instansi_in_the_file_is_rejected(org: Org, module: Module) -> None:
    foreign = make_module(org, agency="b", title="Modul B")
    report = import_results(actor=org.users["admin_a"], file=upload(results_file(org, foreign)))
    assert report.ok and report.accepted == 0 and len(report.rejected) == 7
    assert not Attempt.objects.exists()


def test_import_page_reports(org: Org, module: Module) -> None:
    c = org.client("admin_a")
    files = [upload(results_file(org, module), "a.json"), upload(b"x", "b.json")]
    html = c.post(reverse("module_results_import"), {"files": files}).content.decode()
    assert "a.json" in html and "Staf Satu" in html and "Berkas ditolak" in html
    assert org.client("staf1").get(reverse("module_results_import")).status_code == 403


def test_package_download(org: Org, module: Module) -> None:
    r = org.client("admin_a").get(reverse("module_package", args=[module.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert f"modul-{module.pk}-v1.zip" in r["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(r.content)).testzip() is None


def test_cli_package_and_results(org: Org, module: Module, tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("module_package", str(module.pk), "--out", str(tmp_path / "p.zip"), stdout=out)
    assert zipfile.is_zipfile(tmp_path / "p.zip")
    (tmp_path / "h.json").write_bytes(results_file(org, module))
    call_command("module_results", str(tmp_path / "h.json"), "--user", "admin_a", stdout=out)
    call_command("module_results", str(tmp_path / "h.json"), "--user", "admin_a", stdout=out)
    assert "7 diterapkan" in out.getvalue() and "7 duplikat" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("module_results", str(tmp_path / "h.json"), "--user", "admin_b", stdout=out, stderr=out)
    with pytest.raises(CommandError):
        call_command("module_package", "999999", "--out", str(tmp_path / "x.zip"))


def test_import_page_without_files_says_so(org: Org) -> None:
    r = org.client("admin_a").post(reverse("module_results_import"), {})  # was a 500
    assert r.status_code == 200
    assert "berkas" in r.content.decode().lower()
    assert r.context["form"].errors["files"]
