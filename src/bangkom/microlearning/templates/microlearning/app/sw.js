/* bangkom Belajar service worker. The shell is cached when the worker installs (cache-first), data.json is
 * network-first with the last good copy as fallback, images are cached when first shown. The cache name
 * carries the shell's version, so a new release replaces the old shell in one step. */
"use strict";
const VERSION = "{{ version }}";
const SHELL_CACHE = "bangkom-ml-shell-" + VERSION;
const DATA_CACHE = "bangkom-ml-data";
const IMAGE_CACHE = "bangkom-ml-images";
const SCOPE = {{ scope|safe }};
const SHELL = {{ shell|safe }};
const DATA_URL = {{ data_url|safe }};
const SHELL_PATHS = new Set(SHELL.map((u) => new URL(u, self.location.origin).pathname));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) =>
      Promise.all(
        SHELL.map((url) =>
          fetch(url, { credentials: "same-origin", cache: "reload" }).then((response) => {
            // A login page instead of the shell must never be cached as the shell.
            if (!response.ok || response.redirected) throw new Error("shell " + url + ": " + response.status);
            return cache.put(url, response);
          })
        )
      )
    )
      .then(() => fetch(DATA_URL, { credentials: "same-origin" }).then((response) => {
        // The pegawai's data as well, when the install happens while logged in; never required.
        const type = response.headers.get("Content-Type") || "";
        if (response.ok && type.includes("json")) return caches.open(DATA_CACHE).then((c) => c.put(DATA_URL, response));
        return undefined;
      }).catch(() => undefined))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("bangkom-ml-shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k))
      ))
      .then(() => self.clients.claim())
  );
});

function offlineCopy(response) {
  // Marks a stored copy so that the app knows it is not talking to the server.
  const headers = new Headers(response.headers);
  headers.set("X-Bangkom-Offline", "1");
  return response.blob().then((body) => new Response(body, { status: response.status, headers }));
}

function keep(event, cacheName, key, response) {
  // The copy is taken at once (before the page reads the body); the worker stays alive until it is stored.
  const copy = response.clone();
  event.waitUntil(caches.open(cacheName).then((cache) => cache.put(key, copy)).catch(() => undefined));
}

function networkFirst(event) {
  return fetch(event.request).then((response) => {
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && !response.redirected && type.includes("json")) keep(event, DATA_CACHE, DATA_URL, response);
    return response;
  }).catch((error) =>
    caches.open(DATA_CACHE).then((cache) => cache.match(DATA_URL)).then((hit) => {
      if (hit) return offlineCopy(hit);
      throw error;
    })
  );
}

function shellPage(event) {
  // The page from the cache at once; refreshed in the background for the next visit (language, release).
  // A redirect to the login page is never stored: navigations see it as an opaque redirect, not ok.
  const cached = caches.open(SHELL_CACHE).then((cache) => cache.match(SCOPE));
  const network = fetch(event.request).then((response) => {
    if (response.ok && !response.redirected) keep(event, SHELL_CACHE, SCOPE, response);
    return response;
  });
  event.waitUntil(network.then(() => undefined, () => undefined));
  return cached.then((hit) => hit || network);
}

function cacheFirst(event, cacheName, key) {
  return caches.open(cacheName).then((cache) => cache.match(key)).then((hit) =>
    hit || fetch(event.request).then((response) => {
      if (response.ok) keep(event, cacheName, key, response);
      return response;
    })
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // the sync POST goes to the network, and fails visibly offline
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === new URL(DATA_URL, self.location.origin).pathname) {
    event.respondWith(networkFirst(event));
  } else if (request.mode === "navigate" && url.pathname === SCOPE) {
    event.respondWith(shellPage(event));
  } else if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(cacheFirst(event, SHELL_CACHE, url.pathname));
  } else if (request.destination === "image") {
    event.respondWith(cacheFirst(event, IMAGE_CACHE, request));
  }
});
