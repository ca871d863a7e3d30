"""The /belajar/ app offline, in a real headless Chromium: a module completed with no network reaches the server
once, when the device is back online, and becomes exactly one verified learning record."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from bangkom.learning.models import LearningRecord
from bangkom.learning.services import RecordInvalid
from bangkom.microlearning.models import Attempt, Module, SyncEvent
from bangkom.microlearning.services import attempt_confirm
from tests.conftest import restore_reference_rows

from ..conftest import Org
from ..microlearning.conftest import make_module
from .test_flows import _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_rows_after"),
]

WAIT_MS = 15_000
OUTBOX = "document.getElementById('ml-outbox').dataset.count"


def _open_app(page: Any, base: str) -> None:
    page.goto(f"{base}/belajar/")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT_MS)


def _wait_controlled(page: Any) -> None:
    """The service worker has installed the shell and controls the page (clients.claim)."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=WAIT_MS)


def _set_offline(page: Any, cdp: Any, offline: bool) -> None:
    """DevTools' network emulation covers the page; Playwright's context switch covers the service worker's own
    requests too (its network-first fetch of data.json), which the DevTools emulation of the page does not reach.
    Both, so that nothing reaches the server."""
    if not offline:
        page.context.set_offline(False)  # first: the page's `online` event must find the worker online too
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    if offline:
        page.context.set_offline(True)


def _server_reachable(page: Any) -> bool:
    """A request the service worker does not answer (a POST) goes to the network: it fails when offline."""
    return bool(
        page.evaluate(
            "fetch('/belajar/api/sync', {method: 'POST', body: '{}'}).then(() => true, () => false)",
        )
    )


def _wait_synced(page: Any) -> None:
    try:
        page.wait_for_function(f"{OUTBOX} === '0' && navigator.onLine", timeout=WAIT_MS)
    except Exception:
        print("app at timeout:", page.evaluate("navigator.onLine"), page.inner_text("body"))
        raise


def _sync(page: Any) -> None:
    page.evaluate("window.bangkomBelajar.sync()")


def _complete(page: Any, module: Module, *, answers: dict[int, int] | None = None, submit: bool = True) -> None:
    """Every page, every question, the task and the reflection, through the app's own controls."""
    page.click(f"[data-module='{module.pk}'] a")
    pages = list(module.pages.order_by("order", "id"))
    for i, p in enumerate(pages):
        page.wait_for_selector(f"article[data-page='{p.pk}']")
        if i < len(pages) - 1:
            page.click("#ml-next")
    for q in module.questions.order_by("order", "id"):
        choice = (answers or {}).get(q.pk, q.correct)
        page.check(f"fieldset[data-question='{q.pk}'] input[value='{choice}']")
    page.check("#ml-task-done")
    page.fill("#ml-note", "Nota dinas sudah saya tulis.")
    page.click("#ml-save-task")
    page.fill("#ml-reflection", "Saya akan menulis nota yang lebih ringkas.")
    page.click("#ml-save-reflection")
    if submit:
        page.click("#ml-submit-btn")
        page.wait_for_selector("#ml-submitted")


def test_module_completed_offline_syncs_once_and_becomes_one_verified_record(
    org: Org, live_server: Any, browser: Any
) -> None:
    restore_reference_rows()
    module = make_module(org)
    base = live_server.url
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    _login(page, base, "staf1")
    _open_app(page, base)
    assert org.staf1.nip in page.inner_text("#ml-profile")
    assert module.title in page.inner_text("#ml-modules")
    _wait_controlled(page)

    cdp = context.new_cdp_session(page)
    # Installable: Chromium reads the manifest without error and objects to nothing but the private context.
    assert cdp.send("Page.getAppManifest")["errors"] == []
    errors = {e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]}
    assert errors <= {"in-incognito"}
    cdp.send("Network.enable")
    _set_offline(page, cdp, True)
    assert not _server_reachable(page)
    page.reload()  # the shell comes from the service worker's cache, the data from the device
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT_MS)
    assert page.get_attribute("#ml-net", "data-online") == "0"
    assert page.inner_text("#ml-net") == "Luring"

    _complete(page, module)
    assert page.inner_text("#ml-submitted") == "Menunggu sinkronisasi"
    outbox = page.evaluate("window.bangkomBelajar.outbox()")
    kinds = sorted(e["kind"] for e in outbox)
    assert kinds == ["answer", "answer", "page", "page", "reflection", "submit", "task"]
    assert page.get_attribute("#ml-outbox", "data-count") == "7"
    assert "7 menunggu sinkronisasi" in page.inner_text("#ml-outbox")
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('bangkom.ml.outbox.{org.staf1.nip}'))")
    assert [e["id"] for e in stored] == [e["id"] for e in outbox]  # persisted, not only in memory
    page.reload()  # still offline: the outbox survives a reload and the module stays shown as waiting
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT_MS)
    assert page.get_attribute("#ml-outbox", "data-count") == "7"
    assert not Attempt.objects.exists() and not SyncEvent.objects.exists()  # nothing reached the server

    _set_offline(page, cdp, False)  # the `online` event starts the sync
    _wait_synced(page)
    attempt = Attempt.objects.get()
    assert (attempt.employee, attempt.module, attempt.status) == (org.staf1, module, "submitted")
    correct = {str(q.pk): q.correct for q in module.questions.all()}
    assert {k: v["choice"] for k, v in attempt.answers.items()} == correct
    assert sorted(attempt.pages_seen) == sorted(module.pages.values_list("pk", flat=True))
    assert attempt.task_done_at is not None and attempt.reflection.startswith("Saya akan")
    assert SyncEvent.objects.count() == 7
    assert set(map(str, SyncEvent.objects.values_list("id", flat=True))) == {e["id"] for e in outbox}
    assert "menunggu konfirmasi atasan" in page.inner_text("#ml-submitted")

    # A response lost on the way back: the device sends the same events again after a reload, twice.
    page.evaluate(
        "([key, events]) => localStorage.setItem(key, JSON.stringify(events))",
        [f"bangkom.ml.outbox.{org.staf1.nip}", outbox],
    )
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT_MS)
    _sync(page)
    _sync(page)
    _wait_synced(page)
    assert Attempt.objects.count() == 1 and SyncEvent.objects.count() == 7

    # The direct atasan reads the reflection and confirms it on the page; a second confirmation changes nothing.
    atasan = browser.new_context(locale="id-ID").new_page()
    _login(atasan, base, "kabid")
    atasan.goto(f"{base}/modul/refleksi/{attempt.pk}/")
    assert "Saya akan menulis nota yang lebih ringkas." in atasan.content()
    atasan.click("button:has-text('Konfirmasi dan catat')")
    atasan.wait_for_url(f"{base}/modul/refleksi/")
    with pytest.raises(RecordInvalid):
        attempt_confirm(actor=org.users["kabid"], attempt=attempt)
    record = LearningRecord.objects.get(employee=org.staf1)
    assert (record.status, record.jp, record.form_id) == ("verified", module.jp, 16)
    atasan.context.close()
    _sync(page)
    page.wait_for_function("document.getElementById('ml-submitted').textContent === 'Dikonfirmasi atasan'")
    context.close()


def test_two_devices_offline_merge_into_one_attempt(org: Org, live_server: Any, browser: Any) -> None:
    module = make_module(org)
    q1, q2 = module.questions.order_by("order", "id")
    base = live_server.url
    devices = []
    for n in range(2):
        context = browser.new_context(locale="id-ID")
        if n == 1:  # an older browser without crypto.randomUUID: the app's own v4 ids must do
            context.add_init_script("delete Crypto.prototype.randomUUID")
        page = context.new_page()
        _login(page, base, "staf1")
        _open_app(page, base)
        _wait_controlled(page)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        _set_offline(page, cdp, True)
        page.reload()
        page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT_MS)
        devices.append((context, page, cdp))
    (ctx_a, phone, cdp_a), (ctx_b, laptop, cdp_b) = devices
    device_ids = [json.loads(p.evaluate("localStorage.getItem('bangkom.ml.device')")) for p in (phone, laptop)]
    assert device_ids[0] != device_ids[1]
    assert laptop.evaluate("typeof crypto.randomUUID") == "undefined"
    assert all(uuid.UUID(d).version == 4 for d in device_ids)

    # The phone answers the second question wrongly first; the laptop answers it later, correctly.
    _complete(phone, module, answers={q2.pk: 0}, submit=False)
    _complete(laptop, module, submit=False)
    assert not Attempt.objects.exists()

    for page, cdp in ((phone, cdp_a), (laptop, cdp_b)):
        _set_offline(page, cdp, False)
        _wait_synced(page)
    attempt = Attempt.objects.get()
    assert {k: v["choice"] for k, v in attempt.answers.items()} == {str(q1.pk): q1.correct, str(q2.pk): q2.correct}
    assert set(SyncEvent.objects.filter(attempt=attempt).values_list("device_id", flat=True)) == set(device_ids)
    assert {e.version for e in SyncEvent.objects.filter(device_id=device_ids[1]).values_list("id", flat=True)} == {4}
    assert SyncEvent.objects.count() == 12  # six events a device: two pages, two answers, task, reflection

    # The phone catches up with the laptop's answer, then submits the merged attempt.
    _sync(phone)
    phone.wait_for_function(
        f"document.querySelector(\"fieldset[data-question='{q2.pk}'] input[value='{q2.correct}']\").checked"
    )
    phone.click("#ml-submit-btn")
    _wait_synced(phone)
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and Attempt.objects.count() == 1
    data = json.loads(laptop.evaluate("JSON.stringify(window.bangkomBelajar.outbox())"))
    assert data == []
    ctx_a.close()
    ctx_b.close()


def test_drafts_survive_and_logout_clears_the_device_then_the_cached_app_asks_for_login(
    org: Org, live_server: Any, browser: Any
) -> None:
    module = make_module(org)
    base = live_server.url
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    _login(page, base, "staf1")
    _open_app(page, base)
    _wait_controlled(page)
    _wait_synced(page)
    page.click(f"[data-module='{module.pk}'] a")
    _wait_synced(page)  # the page seen
    page.fill("#ml-reflection", "Belum selesai saya tulis")  # typed, not saved: a draft
    _sync(page)  # the screen is rebuilt after a sync; the typing stays
    assert page.input_value("#ml-reflection") == "Belum selesai saya tulis"
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT_MS)
    assert page.input_value("#ml-reflection") == "Belum selesai saya tulis"
    # An event the server refuses leaves the outbox and stays visible with the server's reason.
    refused = {"id": str(uuid.uuid4()), "module_id": module.pk, "kind": "answer", "at": "2026-03-02T08:00:00Z"}
    refused["payload"] = {"question_id": 999_999, "choice": 0}
    page.evaluate(
        "([key, ev]) => localStorage.setItem(key, JSON.stringify([ev]))",
        [f"bangkom.ml.outbox.{org.staf1.nip}", refused],
    )
    page.reload()
    page.wait_for_selector(".rejected")
    _wait_synced(page)
    assert "Ditolak server" in page.inner_text(".rejected")
    assert not SyncEvent.objects.filter(pk=refused["id"]).exists()
    page.click("#ml-back")
    assert "1 isian ditolak server" in page.inner_text("#ml-rejected-count")
    page.click("#ml-logout button")
    page.wait_for_url(f"{base}/masuk/")
    left = page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('bangkom.ml.'))")
    assert left == ["bangkom.ml.device"]  # the device keeps its id, nothing of the pegawai
    assert page.evaluate("caches.has('bangkom-ml-data')") is False
    response = page.goto(f"{base}/belajar/")  # the shell from the worker's cache; the app finds no session
    assert response is not None and response.from_service_worker and response.status == 200
    page.wait_for_url(re.compile(r"/masuk/\?next=/belajar/$"))
    assert org.staf1.nip not in page.content()
    context.close()


def test_a_page_image_seen_online_shows_offline(org: Org, live_server: Any, browser: Any) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from bangkom.microlearning.services import PageData, page_save

    module = make_module(org)
    first = module.pages.order_by("order", "id")[0]
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buf, format="PNG")
    image = SimpleUploadedFile("bagan.png", buf.getvalue(), content_type="image/png")
    page_save(
        actor=org.users["admin_a"], module=module, page=first, data=PageData(first.title, first.body, image=image)
    )
    base = live_server.url
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    _login(page, base, "staf1")
    _open_app(page, base)
    _wait_controlled(page)
    page.click(f"[data-module='{module.pk}'] a")
    loaded = "(() => { const i = document.querySelector('article.page img'); return i && i.naturalWidth === 40; })()"
    page.wait_for_function(loaded, timeout=WAIT_MS)  # seen once, online: the worker keeps it
    stored = "caches.open('bangkom-ml-images').then((c) => c.keys()).then((keys) => keys.map((r) => r.url))"
    image_url = page.get_attribute("article.page img", "src")
    assert [url.removeprefix(base) for url in page.evaluate(stored)] == [image_url]

    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    _set_offline(page, cdp, True)
    assert not _server_reachable(page)
    page.reload()
    page.wait_for_function(loaded, timeout=WAIT_MS)
    context.close()


def test_logging_out_of_the_site_removes_the_app_data_but_keeps_unsent_work(
    org: Org, live_server: Any, browser: Any
) -> None:
    """A shared device: the next person must not see the pegawai's profile or JP offline, and answers still
    waiting to be sent must not be lost (they stay under the pegawai's NIP until they log in again)."""
    make_module(org)
    base = live_server.url
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    _login(page, base, "staf1")
    _open_app(page, base)
    _wait_controlled(page)
    _wait_synced(page)
    waiting = {"id": str(uuid.uuid4()), "module_id": 1, "kind": "task", "payload": {"note": "x"}, "at": "2026-03-02"}
    page.evaluate(
        "([key, ev]) => localStorage.setItem(key, JSON.stringify([ev]))",
        [f"bangkom.ml.outbox.{org.staf1.nip}", waiting],
    )
    assert page.evaluate("caches.has('bangkom-ml-data')") is True
    page.goto(f"{base}/")
    page.click("form[action$='/keluar/'] button")
    page.wait_for_url(f"{base}/masuk/")
    left = sorted(page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('bangkom.ml.'))"))
    assert left == ["bangkom.ml.device", f"bangkom.ml.outbox.{org.staf1.nip}"]
    assert page.evaluate("caches.has('bangkom-ml-data')") is False
    context.close()
