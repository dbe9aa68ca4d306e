/* Integrity signals during an assessment: paste, leaving/returning to the tab, long pauses.
 * These are disclosed on the consent page and recorded as facts for a reviewer,
 * never as verdicts. Nothing here blocks or changes what the candidate can do. */
(function () {
  "use strict";

  var root = document.getElementById("play");
  if (!root || root.getAttribute("data-signals") !== "on") { return; }
  var url = root.getAttribute("data-signal-url");
  if (!url) { return; }

  var LONG_PAUSE_MS = 180000;
  var hiddenSince = null;
  var lastActivity = Date.now();
  var pauseSent = false;
  var sent = 0;
  var MAX_SIGNALS = 500;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { return meta.getAttribute("content"); }
    var input = root.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function send(kind, detail) {
    if (sent >= MAX_SIGNALS) { return; }
    sent += 1;
    try {
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify({kind: kind, detail: detail || {}})
      }).catch(function () { /* a lost signal is not worth bothering the candidate */ });
    } catch (e) { /* old browsers without keepalive */ }
  }

  function fieldName(el) {
    return (el && (el.getAttribute("name") || el.id)) || "";
  }

  root.addEventListener("paste", function (ev) {
    var text = "";
    if (ev.clipboardData) { text = ev.clipboardData.getData("text") || ""; }
    send("paste", {length: text.length, field: fieldName(ev.target), step: root.getAttribute("data-step")});
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      hiddenSince = Date.now();
      send("blur", {step: root.getAttribute("data-step")});
    } else if (hiddenSince !== null) {
      var away = Math.round((Date.now() - hiddenSince) / 1000);
      hiddenSince = null;
      send("focus", {away_seconds: away, step: root.getAttribute("data-step")});
    }
  });

  function activity() {
    lastActivity = Date.now();
    pauseSent = false;
  }
  ["keydown", "pointerdown", "input"].forEach(function (name) {
    root.addEventListener(name, activity, {passive: true});
  });

  window.setInterval(function () {
    if (document.visibilityState !== "visible" || pauseSent) { return; }
    var idle = Date.now() - lastActivity;
    if (idle >= LONG_PAUSE_MS) {
      pauseSent = true;
      send("long_pause", {idle_seconds: Math.round(idle / 1000), step: root.getAttribute("data-step")});
    }
  }, 15000);
})();
