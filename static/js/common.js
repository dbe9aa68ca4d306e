/* Shared progressive enhancement: CSRF-aware fetch, copy buttons, confirmations.
   Every page works without it. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* POST JSON with the CSRF header; resolves to {ok, status, data}. */
  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken()
      },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy failed"));
      } catch (err) {
        reject(err);
      } finally {
        document.body.removeChild(area);
      }
    });
  }

  function initCopyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-copy-target");
        var input = document.getElementById(id);
        var status = document.querySelector('[data-copy-status-for="' + id + '"]');
        if (!input) { return; }
        input.select();
        copyText(input.value).then(function () {
          button.textContent = "Copied";
          if (status) { status.textContent = "Link copied to the clipboard."; }
        }, function () {
          if (status) { status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected link."; }
        });
      });
    });
  }

  function initConfirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  }

  window.HDS = window.HDS || {};
  window.HDS.csrfToken = csrfToken;
  window.HDS.postJSON = postJSON;
  window.HDS.copyText = copyText;

  document.addEventListener("DOMContentLoaded", function () {
    initCopyButtons();
    initConfirmations();
  });
})();
