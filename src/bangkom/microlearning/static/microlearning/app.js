/* bangkom Belajar: the pegawai's offline micro-learning app. Vanilla JS, no framework, no build step.
 *
 * State lives on the device: the last data.json and an outbox of events, both in localStorage under the
 * pegawai's NIP. Every action becomes an event that is written to the outbox BEFORE the screen shows it as
 * saved; the screen is always the server's state with the outbox applied on top, so the app works offline.
 * Sync posts the outbox (on load, when the browser comes online, every 30 s); the server is idempotent by
 * event id, so an event sent twice is harmless, and an event leaves the outbox only once the server has it.
 */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("ml-config").textContent);
  var L = cfg.labels;
  var PREFIX = "bangkom.ml.";
  var SYNC_EVERY_MS = 30000;
  var REFRESH_MS = 5 * 60000;
  var BATCH = 100;
  var app = document.getElementById("ml-app");
  var netEl = document.getElementById("ml-net");
  var outboxEl = document.getElementById("ml-outbox");
  var syncBtn = document.getElementById("ml-sync");
  var logoutBtn = document.querySelector("#ml-logout button");

  var nip = load("current", null); // whose data the device shows (a device may be shared)
  var data = nip ? load("data." + nip, null) : null;
  var outbox = nip ? load("outbox." + nip, []) : [];
  var rejected = nip ? load("rejected." + nip, []) : [];
  var lastSync = nip ? load("synced." + nip, null) : null;
  var drafts = nip ? load("drafts." + nip, {}) : {}; // typed but not yet saved: survives re-renders and reloads
  var reachable = navigator.onLine; // false after a failed request until the next one succeeds
  var syncing = false;
  var retry = 0;
  var soon = 0;
  var backoff = 1000;
  var lastFetch = 0;
  var attempted = false; // the first sync has been tried: without data by now, there is none to be had
  var syncError = "";
  var needsLogin = false;
  var notice = "";

  /* ---------- storage ---------- */
  function load(key, fallback) {
    try {
      var raw = localStorage.getItem(PREFIX + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }
  function save(key, value) {
    localStorage.setItem(PREFIX + key, JSON.stringify(value)); // throws when the storage is full: callers decide
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    var b = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var deviceId = load("device", null);
  if (!deviceId) {
    deviceId = uuid();
    try { save("device", deviceId); } catch (e) { /* a new id next time: harmless */ }
  }

  function draft(key, fallback) {
    return Object.prototype.hasOwnProperty.call(drafts, key) ? drafts[key] : fallback;
  }
  function keepDraft(key, value) {
    drafts[key] = value;
    try { save("drafts." + nip, drafts); } catch (e) { /* kept in memory */ }
  }
  function dropDraft(key) {
    delete drafts[key];
    try { save("drafts." + nip, drafts); } catch (e) { /* kept in memory */ }
  }

  /* ---------- text ---------- */
  function t(key, params) {
    var s = L[key] || key;
    if (params) {
      Object.keys(params).forEach(function (k) { s = s.split("%(" + k + ")s").join(String(params[k])); });
    }
    return s;
  }
  function fmtDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return iso || "";
    return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).toLocaleDateString(cfg.lang, { day: "numeric", month: "short", year: "numeric" });
  }
  function fmtNum(x) {
    var n = Number(x);
    return isNaN(n) ? String(x) : n.toLocaleString(cfg.lang, { maximumFractionDigits: 2 });
  }

  /* ---------- DOM helper: text only, never HTML from data ---------- */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") el.textContent = v;
        else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
        else if (k === "value") el.value = v;
        else if (k === "checked" || k === "disabled") el[k] = !!v;
        else el.setAttribute(k, v === true ? "" : v);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) el.appendChild(x); });
      else el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }

  /* ---------- the effective state: server attempt + local outbox ---------- */
  function moduleById(id) {
    if (!data) return null;
    for (var i = 0; i < data.modules.length; i++) if (data.modules[i].id === id) return data.modules[i];
    return null;
  }

  function effective(mod) {
    var a = mod.attempt || {};
    var st = {
      status: a.status || "",
      pagesSeen: (a.pages_seen || []).slice(),
      answers: {},
      taskDone: !!a.task_done,
      note: a.task_note || a.note || "",
      reflection: a.reflection || "",
      submitted: a.status === "submitted" || a.status === "confirmed",
      returnReason: a.status === "returned" ? a.return_reason || "" : "",
      pending: 0,
      pendingSubmit: false,
    };
    Object.keys(a.answers || {}).forEach(function (k) { st.answers[k] = a.answers[k]; });
    outbox.forEach(function (ev) {
      if (ev.module_id !== mod.id) return;
      st.pending += 1;
      var p = ev.payload || {};
      if (ev.kind === "page") {
        if (st.pagesSeen.indexOf(p.page_id) < 0) st.pagesSeen.push(p.page_id);
      } else if (ev.kind === "answer") {
        st.answers[String(p.question_id)] = p.choice;
      } else if (ev.kind === "task") {
        st.taskDone = true;
        st.note = p.note || "";
      } else if (ev.kind === "reflection") {
        st.reflection = p.text || "";
      } else if (ev.kind === "submit") {
        st.pendingSubmit = true;
      }
    });
    return st;
  }

  function complete(mod, st) {
    var pagesOk = mod.pages.every(function (p) { return st.pagesSeen.indexOf(p.id) >= 0; });
    var answersOk = mod.questions.every(function (q) { return typeof st.answers[String(q.id)] === "number"; });
    var taskOk = !mod.task || st.taskDone;
    var reflOk = !mod.reflection_prompt || st.reflection.trim() !== "";
    return pagesOk && answersOk && taskOk && reflOk;
  }

  function locked(st) {
    return st.submitted || st.pendingSubmit;
  }

  function statusLabel(mod, st) {
    if (st.pendingSubmit) return t("waiting");
    var s = st.status;
    if (s === "confirmed") return t("statusConfirmed");
    if (s === "returned") return t("statusReturned");
    if (s === "submitted") return t("statusSubmitted");
    if (st.pending || st.pagesSeen.length || Object.keys(st.answers).length || st.taskDone) return t("statusProgress");
    return t("statusNew");
  }

  /* ---------- recording an event ---------- */
  function record(moduleId, kind, payload, quiet) {
    var ev = { id: uuid(), module_id: moduleId, kind: kind, payload: payload, at: new Date().toISOString() };
    var next = outbox.concat([ev]);
    try {
      save("outbox." + nip, next); // persisted first: only then is it shown as saved
    } catch (e) {
      notice = t("storageFull");
      if (!quiet) render();
      return false;
    }
    outbox = next;
    notice = "";
    if (!quiet) render();
    if (reachable) {
      clearTimeout(soon); // a burst of answers goes in one request
      soon = setTimeout(sync, 800);
    }
    return true;
  }

  /* ---------- views ---------- */
  var view = { module: null, page: 0 };

  function routeFromHash() {
    var m = /^#modul-(\d+)(?:-(\d+))?$/.exec(location.hash);
    view.module = m ? Number(m[1]) : null;
    view.page = m && m[2] ? Number(m[2]) - 1 : 0;
  }

  function go(moduleId, page) {
    var hash = moduleId === null ? "" : "#modul-" + moduleId + "-" + (page + 1);
    if (location.hash !== hash) {
      if (hash) location.hash = hash;
      else history.pushState(null, "", location.pathname + location.search);
    }
    routeFromHash();
    render();
    window.scrollTo(0, 0);
  }

  function renderStatus() {
    var online = navigator.onLine && reachable;
    netEl.textContent = online ? t("online") : t("offline");
    netEl.className = "pill " + (online ? "on" : "off");
    netEl.dataset.online = online ? "1" : "0";
    outboxEl.dataset.count = String(outbox.length);
    outboxEl.textContent = outbox.length ? t("pending", { n: outbox.length }) : t("allSynced");
    outboxEl.className = "pill" + (outbox.length ? " wait" : "");
    syncBtn.disabled = syncing;
    logoutBtn.disabled = !online; // logging out needs the server
    syncBtn.textContent = syncing ? t("syncing") : t("sync");
  }

  function renderHome() {
    var e = data.employee || {};
    var jp = data.jp || {};
    var total = Number(jp.total) || 0;
    var minimum = Number(jp.minimum) || 0;
    var pct = minimum > 0 ? Math.min(100, Math.round((total / minimum) * 100)) : 100;
    var records = jp.records || [];
    return [
      rejected.length ? h("p", { class: "error", id: "ml-rejected-count", text: t("rejectedCount", { n: rejected.length }) }) : null,
      h("section", { class: "card", id: "ml-profile" },
        h("h2", { text: t("profile") }),
        h("p", { class: "name", text: e.name || "" }),
        h("dl", { class: "facts" },
          h("dt", { text: t("nip") }), h("dd", { text: e.nip || "" }),
          h("dt", { text: t("position") }), h("dd", { text: e.jabatan || "" }),
          h("dt", { text: t("unit") }), h("dd", { text: e.unit || "" }))),
      h("section", { class: "card", id: "ml-jp" },
        h("h2", { text: t("jpTitle", { year: jp.year || "" }) }),
        h("p", { text: t("jpOf", { total: fmtNum(total), minimum: fmtNum(minimum) }) }),
        h("div", { class: "meter" + (pct >= 100 ? " ok" : ""), role: "img", "aria-label": pct + "%" },
          h("span", { style: "width:" + pct + "%" })),
        pct >= 100 && minimum > 0 ? h("p", { class: "ok", text: t("jpReached") }) : null,
        records.length ? h("details", null, h("summary", { text: t("jpRecords") + " (" + records.length + ")" }),
          h("ul", { class: "records" }, records.map(function (r) {
            return h("li", null, h("span", { text: r.title }), " ",
              h("span", { class: "muted", text: t("jp", { jp: fmtNum(r.jp) }) + " · " +
                ((cfg.recordStatus || {})[r.status] || r.status || "") + " · " + fmtDate(r.end_date) }));
          }))) : null),
      h("section", { id: "ml-modules" },
        h("h2", { text: t("modules") }),
        data.modules.length ? h("ul", { class: "modules" }, data.modules.map(function (m) {
          var st = effective(m);
          return h("li", { class: "card", "data-module": m.id },
            h("h3", null, h("a", { href: "#modul-" + m.id + "-1", text: m.title })),
            m.summary ? h("p", { text: m.summary }) : null,
            h("p", { class: "muted" }, t("jp", { jp: fmtNum(m.jp) }) + " · ",
              h("span", { class: "state", text: statusLabel(m, st) })));
        })) : h("p", { class: "muted", text: t("noModules") })),
    ];
  }

  function paragraphs(text) {
    return String(text || "").split(/\n\s*\n/).map(function (p) { return h("p", { text: p.trim() }); });
  }

  function renderModule(mod) {
    var st = effective(mod);
    var ro = locked(st);
    var pages = mod.pages;
    var n = Math.max(0, Math.min(view.page, pages.length - 1));
    var page = pages[n];
    if (page && st.pagesSeen.indexOf(page.id) < 0 && !ro) {
      // Opening a page is the event, recorded once.
      if (record(mod.id, "page", { page_id: page.id }, true)) st = effective(mod);
    }
    var out = [
      h("p", null, h("a", { href: "#", id: "ml-back", onclick: function (ev) { ev.preventDefault(); go(null, 0); }, text: t("back") })),
      h("h1", { text: mod.title }),
      h("p", { class: "muted" }, t("jp", { jp: fmtNum(mod.jp) }) + " · ",
        h("span", { class: "state", id: "ml-state", text: statusLabel(mod, st) }), " · ",
        t("pagesSeen", { n: st.pagesSeen.length, total: pages.length })),
    ];
    if (st.returnReason) out.push(h("p", { class: "error", text: t("statusReturned") + ": " + st.returnReason }));
    rejected.filter(function (r) { return r.event.module_id === mod.id; }).forEach(function (r) {
      out.push(h("p", { class: "error rejected" }, t("rejected") + ": " + r.message + " ",
        h("button", { type: "button", class: "secondary", onclick: function () { dismiss(r.event.id); }, text: t("dismiss") })));
    });
    if (page) {
      out.push(h("article", { class: "card page", "data-page": page.id },
        h("p", { class: "muted", text: t("pageOf", { n: n + 1, total: pages.length }) }),
        h("h2", { text: page.title }),
        page.image_url ? h("img", { src: page.image_url, alt: "", loading: "lazy" }) : null,
        paragraphs(page.body),
        h("p", { class: "pager" },
          n > 0 ? h("button", { type: "button", class: "secondary", id: "ml-prev", onclick: function () { go(mod.id, n - 1); }, text: t("prev") }) : null,
          n < pages.length - 1 ? h("button", { type: "button", id: "ml-next", onclick: function () { go(mod.id, n + 1); }, text: t("next") }) : null)));
    }
    if (mod.questions.length) {
      out.push(h("section", { class: "card", id: "ml-questions" }, h("h2", { text: t("questions") }),
        mod.questions.map(function (q, qi) {
          var chosen = st.answers[String(q.id)];
          return h("fieldset", { "data-question": q.id }, h("legend", { text: (qi + 1) + ". " + q.text }),
            q.choices.map(function (c, ci) {
              return h("label", { class: "choice" },
                h("input", { type: "radio", id: "ml-q" + q.id + "-" + ci, name: "q" + q.id, value: String(ci),
                  checked: chosen === ci, disabled: ro,
                  onchange: function () { record(mod.id, "answer", { question_id: q.id, choice: ci }); } }),
                " " + c);
            }));
        })));
    }
    if (mod.task) {
      var noteKey = mod.id + ":note";
      var doneKey = mod.id + ":done";
      var note = h("textarea", { id: "ml-note", rows: "3", disabled: ro, value: ro ? st.note : draft(noteKey, st.note),
        oninput: function () { keepDraft(noteKey, note.value); } });
      var done = h("input", { type: "checkbox", id: "ml-task-done", checked: ro ? st.taskDone : draft(doneKey, st.taskDone),
        disabled: ro, onchange: function () { keepDraft(doneKey, done.checked); } });
      out.push(h("section", { class: "card", id: "ml-task" }, h("h2", { text: t("task") }), paragraphs(mod.task),
        h("label", { class: "choice" }, done, " " + t("taskDone")),
        h("label", { for: "ml-note", text: t("taskNote") }), note,
        ro ? null : h("p", null, h("button", { type: "button", id: "ml-save-task", text: t("saveTask"), onclick: function () {
          if (done.checked && record(mod.id, "task", { note: note.value })) {
            dropDraft(noteKey);
            dropDraft(doneKey);
          }
        } })),
        st.taskDone ? h("p", { class: "ok saved", text: t("saved") }) : null));
    }
    if (mod.reflection_prompt) {
      var reflKey = mod.id + ":reflection";
      var refl = h("textarea", { id: "ml-reflection", rows: "4", disabled: ro,
        value: ro ? st.reflection : draft(reflKey, st.reflection), oninput: function () { keepDraft(reflKey, refl.value); } });
      out.push(h("section", { class: "card", id: "ml-reflect" }, h("h2", { text: t("reflection") }),
        paragraphs(mod.reflection_prompt), refl,
        ro ? null : h("p", null, h("button", { type: "button", id: "ml-save-reflection", text: t("saveReflection"), onclick: function () {
          if (refl.value.trim() && record(mod.id, "reflection", { text: refl.value })) dropDraft(reflKey);
        } })),
        st.reflection ? h("p", { class: "ok saved", text: t("saved") }) : null));
    }
    var ready = complete(mod, st);
    out.push(h("section", { class: "card", id: "ml-submit" },
      ro ? h("p", { class: st.pendingSubmit ? "wait" : "ok", id: "ml-submitted", text: statusLabel(mod, st) })
        : [ready ? null : h("p", { class: "muted", text: t("submitNeeds") }),
          h("button", { type: "button", id: "ml-submit-btn", disabled: !ready, text: t("submit"), onclick: function () {
            record(mod.id, "submit", {});
          } })]));
    return out;
  }

  function render() {
    renderStatus();
    var nodes;
    if (needsLogin) {
      nodes = [h("p", { class: "card", id: "ml-login" }, t("loginAgain") + " ", h("a", { href: cfg.loginUrl, text: t("login") }))];
    } else {
      nodes = [];
    }
    if (!data) {
      nodes.push(h("p", { class: "muted", text: attempted ? t("noData") : t("loading") }));
    } else {
      var mod = view.module === null ? null : moduleById(view.module);
      nodes = nodes.concat(mod ? renderModule(mod) : renderHome());
    }
    if (notice) nodes.unshift(h("p", { class: "error", text: notice }));
    if (syncError) nodes.push(h("p", { class: "muted", id: "ml-sync-error", text: syncError }));
    if (lastSync) nodes.push(h("p", { class: "muted", text: t("lastSync", { time: new Date(lastSync).toLocaleString(cfg.lang) }) }));
    // The screen is rebuilt on every change and sync: keep the keyboard focus and the caret where they were.
    var active = document.activeElement;
    var focusId = active && active.id;
    var caret = active && active.tagName === "TEXTAREA" ? [active.selectionStart, active.selectionEnd] : null;
    app.replaceChildren.apply(app, nodes);
    var again = focusId && document.getElementById(focusId);
    if (again) {
      again.focus();
      if (caret && again.tagName === "TEXTAREA") again.setSelectionRange(caret[0], caret[1]);
    }
    if (data || attempted) document.body.dataset.ready = "1"; // usable: the marker the browser tests wait for
  }

  function dismiss(id) {
    rejected = rejected.filter(function (r) { return r.event.id !== id; });
    try { save("rejected." + nip, rejected); } catch (e) { /* shown again after reload: harmless */ }
    render();
  }

  /* ---------- talking to the server ---------- */
  function csrfToken() {
    var m = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function isLoginResponse(r) {
    return r.status === 401 || r.redirected; // login_required sends a redirect to the login page
  }

  function json(r) {
    if (r.ok && (r.headers.get("Content-Type") || "").indexOf("json") >= 0) return r.json();
    // The server's own explanation when it gives one (a refused batch says why).
    return r.json().catch(function () { return {}; }).then(function (body) {
      var error = new Error(String(r.status));
      error.serverMessage = body && typeof body.message === "string" ? body.message : "";
      throw error;
    });
  }

  function switchTo(newNip) {
    // Another pegawai logged in on this device: their own store; the previous one's outbox waits for them.
    nip = newNip;
    try { save("current", nip); } catch (e) { /* this tab still knows */ }
    outbox = load("outbox." + nip, []);
    rejected = load("rejected." + nip, []);
    lastSync = load("synced." + nip, null);
    drafts = load("drafts." + nip, {});
  }

  function adopt(fresh) {
    var newNip = fresh.employee && fresh.employee.nip;
    if (newNip && newNip !== nip) switchTo(newNip);
    data = fresh;
    try { save("data." + nip, data); } catch (e) { /* the screen still shows it */ }
  }

  function fetchData() {
    // Same request as the page's <link rel=preload>, so that the first one is taken from there.
    return fetch(cfg.dataUrl, { credentials: "same-origin" }).then(function (r) {
      if (r.headers.get("X-Bangkom-Offline")) {
        // The service worker's last copy: the server did not answer. Used only when the device has nothing.
        reachable = false;
        if (data) throw new Error("offline");
        return json(r).then(adopt).then(function () { throw new Error("offline"); });
      }
      reachable = true;
      if (isLoginResponse(r)) { needsLogin = true; return false; }
      return json(r).then(function (fresh) {
        needsLogin = false;
        lastFetch = Date.now();
        adopt(fresh);
        return true;
      });
    });
  }

  function postOutbox(tried) {
    // In batches, well under the server's limit per request; each event is tried once per sync.
    tried = tried || {};
    var batch = outbox.filter(function (ev) { return !tried[ev.id]; }).slice(0, BATCH);
    if (!batch.length) return Promise.resolve();
    batch.forEach(function (ev) { tried[ev.id] = true; });
    var owner = nip;
    return fetch(cfg.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ device_id: deviceId, events: batch }),
    }).then(function (r) {
      if (r.headers.get("X-Bangkom-Offline")) { reachable = false; throw new Error("offline"); }
      if (isLoginResponse(r)) { needsLogin = true; throw new Error("login"); }
      return json(r);
    }).then(function (res) {
      if (owner !== nip) return;
      var gone = {};
      (res.accepted || []).concat(res.duplicates || []).forEach(function (id) { gone[id] = true; });
      var refused = {};
      (res.rejected || []).forEach(function (x) { refused[x.id] = x.message || ""; });
      // Events recorded while the request was under way stay: re-read what is stored now.
      var current = load("outbox." + nip, outbox);
      var keep = [];
      current.forEach(function (ev) {
        if (gone[ev.id]) return;
        if (Object.prototype.hasOwnProperty.call(refused, ev.id)) {
          rejected.push({ event: ev, message: refused[ev.id] });
          return;
        }
        keep.push(ev);
      });
      if (res.modules && data) {
        var byId = {};
        res.modules.forEach(function (m) { byId[m.id] = m; });
        data.modules = data.modules.map(function (m) { return byId[m.id] || m; });
        res.modules.forEach(function (m) { if (!data.modules.some(function (x) { return x.id === m.id; })) data.modules.push(m); });
      }
      // Order matters: the server state first, then the outbox without what the server now holds.
      try { save("data." + nip, data); } catch (e) { /* shown anyway */ }
      try { save("rejected." + nip, rejected); } catch (e) { /* shown anyway */ }
      save("outbox." + nip, keep);
      outbox = keep;
      return postOutbox(tried);
    });
  }

  function sync() {
    if (syncing) return Promise.resolve();
    clearTimeout(retry);
    syncing = true;
    syncError = "";
    renderStatus();
    return fetchData().then(function (ok) {
      if (!ok) return;
      return postOutbox().then(function () {
        backoff = 1000;
        lastSync = new Date().toISOString();
        try { save("synced." + nip, lastSync); } catch (e) { /* cosmetic */ }
      });
    }).catch(function (error) {
      // The outbox is untouched: nothing is lost. Offline is no error; online, the server may come up a little
      // after the network does: try again soon rather than at the next 30 s tick.
      if (navigator.onLine) {
        syncError = t("syncFailed") + (error && error.serverMessage ? " " + error.serverMessage : "");
        retry = setTimeout(sync, backoff);
        backoff = Math.min(backoff * 2, SYNC_EVERY_MS);
      } else {
        reachable = false;
      }
    }).then(function () {
      syncing = false;
      attempted = true;
      // Online but logged out: to the login page. The device's data and outbox stay, kept under the NIP.
      if (needsLogin) { location.href = cfg.loginUrl; return; }
      render();
      document.body.dataset.synced = String(Date.now());
    });
  }

  /* ---------- start ---------- */
  window.addEventListener("online", function () { reachable = true; sync(); });
  window.addEventListener("offline", function () { reachable = false; renderStatus(); });
  window.addEventListener("hashchange", function () { routeFromHash(); render(); });
  window.addEventListener("popstate", function () { routeFromHash(); render(); });
  window.addEventListener("storage", function (ev) {
    // Another tab of the app changed the store: follow it, another pegawai's login included.
    if (!ev.key || ev.key.indexOf(PREFIX) !== 0) return;
    var current = load("current", null);
    if (current !== nip) {
      if (!current) { nip = null; data = null; outbox = []; rejected = []; render(); return; }
      switchTo(current);
    }
    data = load("data." + nip, data);
    outbox = load("outbox." + nip, outbox);
    rejected = load("rejected." + nip, rejected);
    render();
  });
  syncBtn.addEventListener("click", function () { sync(); });
  // Installing: the browser offers it when the app qualifies; the button appears only then.
  var installBtn = document.getElementById("ml-install");
  var installPrompt = null;
  window.addEventListener("beforeinstallprompt", function (ev) {
    ev.preventDefault();
    installPrompt = ev;
    installBtn.hidden = false;
  });
  installBtn.addEventListener("click", function () {
    if (installPrompt) installPrompt.prompt();
    installPrompt = null;
    installBtn.hidden = true;
  });
  window.addEventListener("appinstalled", function () { installBtn.hidden = true; });
  var logoutForm = document.getElementById("ml-logout");
  logoutForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (outbox.length && !window.confirm(t("logoutPending", { n: outbox.length }))) return;
    logoutForm.elements.csrfmiddlewaretoken.value = csrfToken();
    var cleared = Promise.resolve();
    if (!outbox.length && nip) {
      // Nothing waits to be sent: the pegawai's data leaves this device with them (a device may be shared).
      ["data.", "rejected.", "synced.", "outbox.", "drafts."].forEach(function (k) { localStorage.removeItem(PREFIX + k + nip); });
      localStorage.removeItem(PREFIX + "current");
      if (window.caches) cleared = caches.delete("bangkom-ml-data").catch(function () { return false; });
    }
    cleared.then(function () { logoutForm.submit(); });
  });
  // Every 30 s while online when something waits to be sent; otherwise the data is refreshed only now and then,
  // and when the app comes back to the screen: an idle open app should not cost the server a request a minute.
  setInterval(function () {
    if (!navigator.onLine) return;
    if (outbox.length || (!document.hidden && Date.now() - lastFetch > REFRESH_MS)) sync();
  }, SYNC_EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && navigator.onLine && Date.now() - lastFetch > SYNC_EVERY_MS) sync();
  });

  routeFromHash();
  render();
  sync().then(function () {
    // After the first data, so that the worker's downloads do not compete with it on a slow link.
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(cfg.swUrl, { scope: cfg.scope }).catch(function () { /* works online without */ });
    }
  });
  window.bangkomBelajar = { sync: sync, outbox: function () { return outbox.slice(); } };
})();
