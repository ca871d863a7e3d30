"""The pegawai's pages on a slow link, in a real headless Chromium: usable in under 3 seconds on emulated slow 3G
(400 ms latency, 400 kbit/s each way), cold (empty browser cache, no service worker yet).

The one timing assertion of the project, because issue 8 requires it; the bound is the issue's own 3 s and the
measured figures are printed (pytest -s)."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import Org
from ..microlearning.conftest import make_module
from .test_flows import _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_rows_after"),
]

SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}
USABLE_MS = 3000
NAVIGATION = "JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())"


def _cold_load(page: Any, cdp: Any, url: str, ready: str | None = None) -> dict[str, float]:
    """Times from navigation start (ms): DOMContentLoaded, load, and the page's own ready marker if it has one."""
    import json

    cdp.send("Network.clearBrowserCache")
    page.goto(url, wait_until="load")
    nav = json.loads(page.evaluate(NAVIGATION))
    figures = {"dcl": nav["domContentLoadedEventEnd"], "load": nav["loadEventEnd"], "bytes": nav["transferSize"]}
    if ready is not None:
        # Resolves in the page at the first animation frame where the marker is set: that moment, in page time.
        handle = page.wait_for_function(f"({ready}) ? performance.now() : false", timeout=10_000)
        figures["ready"] = float(handle.json_value())
    return figures


def test_home_and_belajar_are_usable_within_3_s_on_slow_3g(org: Org, live_server: Any, browser: Any) -> None:
    make_module(org)
    base = live_server.url
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    _login(page, base, "staf1")  # at full speed: the login itself is not what is measured
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)

    home = _cold_load(page, cdp, f"{base}/")
    assert "Selamat datang" in page.content()
    app = _cold_load(page, cdp, f"{base}/belajar/", ready="document.body.dataset.ready === '1'")
    assert org.staf1.nip in page.inner_text("#ml-profile")
    data_requests = page.evaluate(
        "performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/data.json')).length"
    )
    assert data_requests == 1  # the script's fetch took the page's preload instead of a second round trip
    print(
        f"\nslow 3G (400 ms, 400 kbit/s), cold: home DOMContentLoaded {home['dcl']:.0f} ms, load {home['load']:.0f} ms;"
        f" /belajar/ DOMContentLoaded {app['dcl']:.0f} ms, load {app['load']:.0f} ms, ready {app['ready']:.0f} ms"
    )
    assert home["dcl"] > 400  # the emulation is in force: one round trip at least
    assert home["load"] < USABLE_MS
    assert app["dcl"] < USABLE_MS and app["ready"] < USABLE_MS
    context.close()
