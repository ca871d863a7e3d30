"""The /belajar/ app's server side: the shell page, its manifest and its service worker."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.test import Client
from django.urls import reverse

from bangkom.microlearning.app_views import SHELL_STATIC, shell_version

from ..conftest import Org


def test_the_shell_needs_a_login(org: Org) -> None:
    response = Client().get("/belajar/")
    assert response.status_code == 302 and response["Location"] == "/masuk/?next=/belajar/"


def test_the_shell_holds_no_personal_data_and_hands_translated_labels_to_the_script(org: Org) -> None:
    response = org.client("staf1").get("/belajar/")
    assert response.status_code == 200
    html = response.content.decode()
    # Cached by the service worker and shown offline, possibly to the next person on the device.
    assert org.staf1.nip not in html and org.staf1.name not in html
    assert 'rel="manifest" href="/belajar/manifest.webmanifest" crossorigin="use-credentials"' in html
    assert "csrftoken" in response.cookies  # the script sends it back in X-CSRFToken
    config = json.loads(re.search(r'<script id="ml-config" type="application/json">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert config["dataUrl"] == "/belajar/api/data.json" and config["syncUrl"] == "/belajar/api/sync"
    assert config["labels"]["offline"] == "Luring" and config["labels"]["submit"] == "Kirim modul"
    assert config["recordStatus"]["verified"] == "Terverifikasi"  # the JP records list speaks words, not codes
    assert "http" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', html))  # nothing from another host


def test_the_manifest_makes_the_app_installable_without_a_login(org: Org) -> None:
    response = Client().get("/belajar/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/belajar/", "/belajar/", "standalone")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/microlearning/")


def test_the_service_worker_is_scoped_to_the_app_and_names_a_versioned_cache(org: Org) -> None:
    response = Client().get("/belajar/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Service-Worker-Allowed"] == "/belajar/"
    assert "no-cache" in response["Cache-Control"]  # a new release reaches the browser at its next visit
    script = response.content.decode()
    assert f'const VERSION = "{shell_version()}";' in script
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", script)[1])  # type: ignore[index]
    assert shell[0] == "/belajar/" and reverse("microlearning_manifest") in shell
    assert {f"/static/{name}" for name in SHELL_STATIC} <= set(shell)
    assert 'const DATA_URL = "/belajar/api/data.json";' in script


def test_the_app_speaks_english_when_chosen(org: Org) -> None:
    client = org.client("staf1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/belajar/").content.decode()
    config = json.loads(re.search(r'<script id="ml-config" type="application/json">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert config["lang"] == "en" and '<html lang="en">' in html
    assert (config["labels"]["offline"], config["labels"]["submit"]) == ("Offline", "Submit module")
    assert config["labels"]["pending"] == "%(n)s waiting to sync"
    assert json.loads(client.get("/belajar/manifest.webmanifest").content)["name"] == "bangkom Learn"
