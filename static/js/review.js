/* Review page enhancements: link criteria and transcript turns both ways, print button.
   Without JS the anchors (#turn-N, #criterion-ID) and server-rendered lists still work. */
(function () {
  "use strict";

  var status = document.getElementById("review-status");

  function announce(text) {
    if (status) { status.textContent = text; }
  }

  function clear(selector, cls) {
    document.querySelectorAll(selector).forEach(function (el) { el.classList.remove(cls); });
  }

  function selectCriterion(button) {
    var id = button.getAttribute("data-criterion");
    var card = document.getElementById("criterion-" + id);
    var wasOn = button.getAttribute("aria-pressed") === "true";
    clear(".review-transcript li.is-highlighted", "is-highlighted");
    clear(".criterion.is-highlighted", "is-highlighted");
    clear(".review-transcript li.is-selected", "is-selected");
    document.querySelectorAll(".select-criterion[aria-pressed='true']").forEach(function (b) {
      b.setAttribute("aria-pressed", "false");
    });
    if (wasOn || !card) { announce("Highlighting cleared."); return; }
    button.setAttribute("aria-pressed", "true");
    var turns = (card.getAttribute("data-turns") || "").split(" ").filter(Boolean);
    var first = null;
    turns.forEach(function (t) {
      var li = document.getElementById("turn-" + t);
      if (li) { li.classList.add("is-highlighted"); first = first || li; }
    });
    if (first) { first.scrollIntoView({ block: "center", behavior: "smooth" }); }
    announce(turns.length + " turn(s) highlighted for " + id + ".");
  }

  function selectTurn(li) {
    var ids = (li.getAttribute("data-criteria") || "").split(" ").filter(Boolean);
    clear(".criterion.is-highlighted", "is-highlighted");
    clear(".review-transcript li.is-selected", "is-selected");
    li.classList.add("is-selected");
    var first = null;
    ids.forEach(function (id) {
      var card = document.getElementById("criterion-" + id);
      if (card) { card.classList.add("is-highlighted"); first = first || card; }
    });
    if (first) { first.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
    announce("Turn " + li.getAttribute("data-turn") + " fed: " + (ids.join(", ") || "no criteria") + ".");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".select-criterion");
    if (button) { selectCriterion(button); return; }
    if (event.target.closest("[data-print]")) { window.print(); return; }
    if (event.target.closest("a, button, input, textarea, select, summary")) { return; }
    var li = event.target.closest(".review-transcript li.has-criteria");
    if (li) { selectTurn(li); }
  });

  // After a refused override, bring its form (and the first problem) into view.
  var invalid = document.querySelector(".criterion .field-invalid textarea, .criterion fieldset[aria-describedby] input");
  if (invalid) {
    invalid.closest(".criterion").scrollIntoView({ block: "start" });
    invalid.focus({ preventScroll: true });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var li = event.target.closest && event.target.closest(".review-transcript li.has-criteria");
    if (li && event.target === li) { event.preventDefault(); selectTurn(li); }
  });
})();
