/* bangkom offline module player: runs from file:// with no server. The work is kept in localStorage as events
   of the same format as the /belajar/ app sends to /belajar/api/sync; "download" writes them, with the NIP,
   to a results file that the admin instansi imports. Text is always set through textContent. */
(function () {
  "use strict";
  var M = window.BANGKOM_MODULE;
  var L = JSON.parse(document.getElementById("labels").textContent);
  var KEY = "bangkom-modul-" + M.id;
  var store = null;
  try { store = window.localStorage; store.getItem(KEY); } catch (e) { store = null; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function load() {
    var s = null;
    try { s = JSON.parse((store && store.getItem(KEY)) || "null"); } catch (e) { s = null; }
    s = s || {};
    s.device_id = s.device_id || "paket-" + uuid();
    s.events = s.events || [];
    s.nip = s.nip || "";
    s.page = s.page || 0;
    return s;
  }
  var S = load();
  function save() { if (store) { store.setItem(KEY, JSON.stringify(S)); } }

  // One event per thing: a newer answer to the same question replaces the older one in the file.
  function slot(kind, payload) {
    if (kind === "answer") { return "answer:" + payload.question_id; }
    if (kind === "page") { return "page:" + payload.page_id; }
    return kind;
  }
  function record(kind, payload) {
    var key = slot(kind, payload);
    if (kind === "page" && S.events.some(function (e) { return slot(e.kind, e.payload) === key; })) { return; }
    S.events = S.events.filter(function (e) { return slot(e.kind, e.payload) !== key; });
    S.events.push({ id: uuid(), module_id: M.id, kind: kind, payload: payload, at: new Date().toISOString() });
    save();
  }
  function latest(kind, key) {
    var found = null;
    S.events.forEach(function (e) { if (slot(e.kind, e.payload) === (key || kind)) { found = e; } });
    return found;
  }
  function submitted() { return !!latest("submit"); }
  function missing() {
    var pagesOk = M.pages.every(function (p) { return latest("page", "page:" + p.id); });
    var answersOk = M.questions.every(function (q) { return latest("answer", "answer:" + q.id); });
    var refl = latest("reflection");
    return !(pagesOk && answersOk && latest("task") && refl && refl.payload.text.trim());
  }

  function el(tag, text, attrs) {
    var n = document.createElement(tag);
    if (text) { n.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    return n;
  }
  function button(text, onclick) { var b = el("button", text, { type: "button" }); b.onclick = onclick; return b; }

  var app = document.getElementById("app");
  function render() {
    app.textContent = "";
    app.appendChild(el("h1", M.title));
    if (M.summary) { app.appendChild(el("p", M.summary, { "class": "muted" })); }
    app.appendChild(el("p", M.agency + " \u00b7 " + M.jp + " JP", { "class": "muted" }));
    if (!store) { app.appendChild(el("p", L.storageOff, { "class": "err" })); }

    var who = el("section");
    who.appendChild(el("label", L.nip, { "for": "nip" }));
    var nip = el("input", "", { id: "nip", type: "text", inputmode: "numeric", maxlength: "18" });
    nip.value = S.nip;
    who.appendChild(nip);
    who.appendChild(button(L.saveNip, function () { S.nip = nip.value.replace(/\D/g, ""); save(); render(); }));
    app.appendChild(who);
    if (!/^\d{18}$/.test(S.nip)) { app.appendChild(el("p", L.nipNeeded, { "class": "err" })); return; }

    var i = Math.min(S.page, M.pages.length - 1);
    var p = M.pages[i];
    record("page", { page_id: p.id });
    var sec = el("section");
    sec.appendChild(el("h2", p.title));
    sec.appendChild(el("p", L.page + " " + (i + 1) + " " + L.of + " " + M.pages.length, { "class": "muted" }));
    if (p.image_url) { sec.appendChild(el("img", "", { src: p.image_url, alt: "" })); }
    p.body.split(/\n\s*\n/).forEach(function (para) { sec.appendChild(el("p", para)); });
    if (i > 0) { sec.appendChild(button(L.prev, function () { S.page = i - 1; save(); render(); })); }
    if (i < M.pages.length - 1) { sec.appendChild(button(L.next, function () { S.page = i + 1; save(); render(); })); }
    app.appendChild(sec);

    var locked = submitted();
    var qs = el("section");
    qs.appendChild(el("h2", L.questions));
    M.questions.forEach(function (q, n) {
      var fs = el("fieldset");
      fs.appendChild(el("legend", (n + 1) + ". " + q.text));
      var chosen = latest("answer", "answer:" + q.id);
      q.choices.forEach(function (c, k) {
        var lab = el("label");
        var r = el("input", "", { type: "radio", name: "q" + q.id, value: String(k) });
        r.checked = !!chosen && chosen.payload.choice === k;
        r.disabled = locked;
        r.onchange = function () { record("answer", { question_id: q.id, choice: k }); };
        lab.appendChild(r);
        lab.appendChild(document.createTextNode(" " + c));
        fs.appendChild(lab);
      });
      qs.appendChild(fs);
    });
    app.appendChild(qs);

    var task = el("section");
    task.appendChild(el("h2", L.task));
    task.appendChild(el("p", M.task));
    var done = latest("task");
    task.appendChild(el("label", L.taskNote, { "for": "task-note" }));
    var note = el("textarea", "", { id: "task-note", rows: "3" });
    note.value = done ? done.payload.note : "";
    note.disabled = locked;
    task.appendChild(note);
    if (!locked) { task.appendChild(button(L.taskDone, function () { record("task", { note: note.value }); render(); })); }
    if (done) { task.appendChild(el("p", L.taskMarked, { "class": "ok" })); }
    app.appendChild(task);

    var refl = el("section");
    refl.appendChild(el("h2", L.reflection));
    refl.appendChild(el("p", M.reflection_prompt));
    var text = el("textarea", "", { rows: "5", "aria-label": L.reflection });
    var last = latest("reflection");
    text.value = last ? last.payload.text : "";
    text.disabled = locked;
    refl.appendChild(text);
    var status = el("p", "", { "class": "ok", role: "status" });
    if (!locked) {
      refl.appendChild(button(L.saveReflection, function () {
        record("reflection", { text: text.value });
        status.textContent = L.saved;
      }));
    }
    refl.appendChild(status);
    app.appendChild(refl);

    var end = el("section");
    if (locked) {
      end.appendChild(el("p", L.submitted, { "class": "ok" }));
    } else {
      var warn = el("p", "", { "class": "err", role: "alert" });
      end.appendChild(button(L.submit, function () {
        if (missing()) { warn.textContent = L.submitNeeds; return; }
        record("submit", {});
        render();
      }));
      end.appendChild(warn);
    }
    end.appendChild(el("p", L.downloadHelp, { "class": "muted" }));
    end.appendChild(button(L.download, function () {
      var out = {
        format: "bangkom-modul-hasil", version: 1, nip: S.nip, module_id: M.id, module_version: M.version,
        device_id: S.device_id, created_at: new Date().toISOString(), events: S.events
      };
      var url = URL.createObjectURL(new Blob([JSON.stringify(out, null, 1)], { type: "application/json" }));
      var a = el("a", "", { href: url, download: "hasil-modul-" + M.id + "-" + S.nip + ".json" });
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
    }));
    app.appendChild(end);
  }
  render();
})();
