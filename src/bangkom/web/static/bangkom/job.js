/* Progressive enhancement for the job page: poll the JSON status and update the progress bar. */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-message]");
  function tick() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar) { bar.value = job.progress; }
        if (text) { text.textContent = job.message || ""; }
        if (job.finished) { window.location.reload(); } else { window.setTimeout(tick, 1000); }
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  var meta = document.querySelector("meta[http-equiv=refresh]");
  if (meta) { meta.parentNode.removeChild(meta); }
  window.setTimeout(tick, 500);
})();
