/* Play page enhancements: turns via fetch, countdown, triage reordering, word count.
 * Every form still works as a plain HTML POST without this file. */
(function () {
  "use strict";

  var root = document.getElementById("play");
  if (!root) { return; }

  var turnUrl = root.getAttribute("data-turn-url");
  var stepId = root.getAttribute("data-step");
  var stepKind = root.getAttribute("data-kind");
  var busy = false;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { return meta.getAttribute("content"); }
    var input = root.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function setExpectedIndex(n) {
    root.setAttribute("data-event-count", String(n));
    var inputs = root.querySelectorAll('input[name="expected_index"]');
    for (var i = 0; i < inputs.length; i++) { inputs[i].value = String(n); }
  }

  function paneFor(kind) {
    if (kind === "terminal") {
      return document.getElementById("terminal-log") || document.getElementById("conversation-log");
    }
    return document.getElementById("conversation-log");
  }

  function appendEvent(ev) {
    var pane = paneFor(stepKind);
    if (!pane) { return; }
    var empty = pane.querySelector(".log-empty");
    if (empty) { empty.parentNode.removeChild(empty); }
    if (stepKind === "terminal" && ev.type === "candidate" && /^\s*(cls|clear)\s*$/i.test(ev.text)) {
      while (pane.firstChild) { pane.removeChild(pane.firstChild); }  // the transcript keeps it
    }
    var li = document.createElement("li");
    li.className = "ev ev-" + ev.type + " actor-" + ev.actor;
    if (stepKind === "terminal" && (ev.type === "machine" || ev.type === "candidate")) {
      var pre = document.createElement("pre");
      pre.textContent = ev.type === "candidate" ? (root.getAttribute("data-prompt") || "> ") + ev.text : ev.text;
      li.appendChild(pre);
    } else {
      var label = speaker(ev);
      if (label) {
        var who = document.createElement("span");
        who.className = "ev-who";
        who.textContent = label + ": ";
        li.appendChild(who);
      }
      var text = document.createElement("span");
      text.className = "ev-text";
      text.textContent = ev.text;
      li.appendChild(text);
    }
    pane.appendChild(li);
    pane.scrollTop = pane.scrollHeight;
  }

  function speaker(ev) {
    if (ev.type === "feedback") { return "Feedback"; }
    if (ev.type === "hint") { return "Hint"; }
    if (ev.type === "step") { return ""; }
    if (ev.actor === "candidate") { return "You"; }
    if (ev.actor === "persona") { return ev.who || root.getAttribute("data-persona") || "Caller"; }
    if (ev.actor === "machine") { return "Output"; }
    return "Note";
  }

  function showError(form, message) {
    var box = form.querySelector(".form-error") || document.getElementById("play-error");
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
  }

  function clearError(form) {
    var box = form.querySelector(".form-error");
    if (box) { box.textContent = ""; box.hidden = true; }
  }

  function collectValue(form, kind) {
    if (kind === "triage") { return triageOrder(form); }
    if (kind === "classify") {
      var fields = {};
      var selects = form.querySelectorAll("select[data-field]");
      for (var i = 0; i < selects.length; i++) {
        fields[selects[i].getAttribute("data-field")] = selects[i].value;
      }
      return fields;
    }
    if (kind === "choice-multiple") {
      var picked = [];
      var boxes = form.querySelectorAll('input[name="value"]:checked');
      for (var j = 0; j < boxes.length; j++) { picked.push(boxes[j].value); }
      return picked;
    }
    if (kind === "choice") {
      var radio = form.querySelector('input[name="value"]:checked');
      return radio ? radio.value : "";
    }
    var field = form.querySelector('[name="value"]');
    return field ? field.value : "";
  }

  function submitTurn(form, submitter) {
    if (busy) { return; }
    var type = (submitter && submitter.getAttribute("data-type")) || form.getAttribute("data-type") || "answer";
    var kind = form.getAttribute("data-kind") || "text";
    var payload = {
      type: type,
      value: type === "hint" ? (submitter ? submitter.value : "") : (type === "answer" ? collectValue(form, kind) : ""),
      expected_index: parseInt(root.getAttribute("data-event-count"), 10)
    };
    busy = true;
    root.setAttribute("aria-busy", "true");
    fetch(turnUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(payload)
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        return {status: resp.status, body: body};
      });
    }).then(function (res) {
      busy = false;
      root.removeAttribute("aria-busy");
      handleResponse(form, type, res);
    }).catch(function () {
      busy = false;
      root.removeAttribute("aria-busy");
      showError(form, "Could not reach the server. Your answer was not sent; please try again.");
    });
  }

  function reloadSoon(delay) {
    root.setAttribute("data-reloading", "true");
    window.setTimeout(function () { window.location.reload(); }, delay);
  }

  function handleResponse(form, type, res) {
    if (res.status === 409) { reloadSoon(0); return; }
    if (res.status !== 200) {
      showError(form, (res.body && res.body.error) || "Something went wrong; please try again.");
      return;
    }
    clearError(form);
    var events = res.body.events || [];
    for (var i = 0; i < events.length; i++) { appendEvent(events[i]); }
    var view = res.body.view || {};
    setExpectedIndex(view.event_count);
    var nextStep = view.step && typeof view.step === "object" ? view.step.id : view.step;
    if (res.body.ended || type !== "answer" || nextStep !== stepId) {
      reloadSoon(events.length ? 600 : 0);
      return;
    }
    var field = form.querySelector('textarea[name="value"], input[type="text"][name="value"]');
    if (field) { field.value = ""; field.focus(); updateWordCount(); }
  }

  function bindForms() {
    var forms = root.querySelectorAll("form.js-turn");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (ev) {
        ev.preventDefault();
        submitTurn(ev.currentTarget, ev.submitter || null);
      });
    }
    var areas = root.querySelectorAll("textarea.js-enter-send");
    for (var j = 0; j < areas.length; j++) {
      areas[j].addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
          ev.preventDefault();
          var form = ev.currentTarget.form;
          if (form.requestSubmit) { form.requestSubmit(); } else { submitTurn(form, null); }
        }
      });
    }
  }

  /* ---- countdown (the server enforces the limit; this only shows it) ---- */
  function startCountdown() {
    var box = document.getElementById("countdown");
    if (!box) { return; }
    var left = parseFloat(box.getAttribute("data-seconds-left"));
    if (isNaN(left)) { return; }
    var out = box.querySelector(".countdown-value");
    var live = document.getElementById("countdown-announce");
    var deadline = Date.now() + left * 1000;
    var announced = {};
    function tick() {
      var secs = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(secs / 60);
      var s = secs % 60;
      out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      box.classList.toggle("countdown-low", secs <= 120);
      [300, 60].forEach(function (mark) {
        if (secs <= mark && secs > mark - 5 && !announced[mark] && live) {
          announced[mark] = true;
          live.textContent = (mark / 60) + (mark === 60 ? " minute" : " minutes") + " left.";
        }
      });
      if (secs <= 0) {
        window.clearInterval(timer);
        reloadSoon(1500);
      }
    }
    var timer = window.setInterval(tick, 1000);
    tick();
  }

  /* ---- triage: reorder with buttons, keyboard and drag-and-drop ---- */
  function triageOrder(form) {
    var items = form.querySelectorAll(".triage-item");
    var order = [];
    for (var i = 0; i < items.length; i++) { order.push(items[i].getAttribute("data-id")); }
    return order;
  }

  function syncTriage(list) {
    var items = list.querySelectorAll(".triage-item");
    for (var i = 0; i < items.length; i++) {
      var sel = items[i].querySelector("select");
      if (sel) { sel.value = String(i + 1); }
      var pos = items[i].querySelector(".triage-pos");
      if (pos) { pos.textContent = String(i + 1); }
      var up = items[i].querySelector("button[data-move='-1']");
      var down = items[i].querySelector("button[data-move='1']");
      if (up) { up.disabled = i === 0; }
      if (down) { down.disabled = i === items.length - 1; }
    }
  }

  function moveItem(item, delta) {
    var list = item.parentNode;
    if (delta < 0 && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (delta > 0 && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    } else {
      return;
    }
    syncTriage(list);
    var live = document.getElementById("triage-announce");
    var label = item.querySelector(".triage-label");
    var items = Array.prototype.slice.call(list.children);
    if (live && label) {
      live.textContent = label.textContent + " moved to position " + (items.indexOf(item) + 1) + " of " + items.length + ".";
    }
  }

  function enhanceTriage() {
    var list = root.querySelector(".triage-list");
    if (!list) { return; }
    list.classList.add("js-enhanced");
    var dragged = null;
    Array.prototype.forEach.call(list.querySelectorAll(".triage-item"), function (item) {
      item.setAttribute("draggable", "true");
      var tools = item.querySelector(".triage-tools");
      if (tools) { tools.hidden = false; }
      item.addEventListener("click", function (ev) {
        var btn = ev.target.closest("button[data-move]");
        if (!btn) { return; }
        ev.preventDefault();
        moveItem(item, parseInt(btn.getAttribute("data-move"), 10));
        if (btn.disabled) { item.focus(); } else { btn.focus(); }
      });
      item.addEventListener("keydown", function (ev) {
        if (ev.altKey && (ev.key === "ArrowUp" || ev.key === "ArrowDown")) {
          ev.preventDefault();
          moveItem(item, ev.key === "ArrowUp" ? -1 : 1);
          item.focus();
        }
      });
      item.addEventListener("dragstart", function (ev) {
        dragged = item;
        item.classList.add("dragging");
        ev.dataTransfer.effectAllowed = "move";
        ev.dataTransfer.setData("text/plain", item.getAttribute("data-id"));
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("dragging");
        dragged = null;
        syncTriage(list);
      });
      item.addEventListener("dragover", function (ev) {
        if (!dragged || dragged === item) { return; }
        ev.preventDefault();
        var rect = item.getBoundingClientRect();
        var after = ev.clientY > rect.top + rect.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
      });
      item.addEventListener("drop", function (ev) { ev.preventDefault(); });
    });
    var selects = list.querySelectorAll(".triage-select");
    for (var i = 0; i < selects.length; i++) { selects[i].hidden = true; }
    syncTriage(list);
  }

  /* ---- write-up word count ---- */
  function updateWordCount() {
    var area = root.querySelector("textarea[data-min-words]");
    var out = document.getElementById("word-count");
    if (!area || !out) { return; }
    var words = area.value.trim() ? area.value.trim().split(/\s+/).length : 0;
    var min = parseInt(area.getAttribute("data-min-words"), 10) || 0;
    out.textContent = words + (min ? " of at least " + min : "") + " words";
  }

  function bindWordCount() {
    var area = root.querySelector("textarea[data-min-words]");
    if (area) { area.addEventListener("input", updateWordCount); updateWordCount(); }
  }

  function scrollLogs() {
    ["conversation-log", "terminal-log"].forEach(function (id) {
      var pane = document.getElementById(id);
      if (pane) { pane.scrollTop = pane.scrollHeight; }
    });
  }

  bindForms();
  startCountdown();
  enhanceTriage();
  bindWordCount();
  scrollLogs();
})();
