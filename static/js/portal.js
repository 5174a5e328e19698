/* Behaviour every page may use, in place of inline handlers (the Content
   Security Policy allows no inline script):
   - [data-print]           a button that prints the page;
   - [data-confirm="..."]   on a form or a submit button: ask before sending;
   - form[data-submit-once] disable its buttons once sent (no double submit);
   - [data-progress="42"]   a progress bar's width in percent;
   - main tables with a header row: each cell gets its column's name (data-label),
     so that on a phone the rows show as stacked cards (portal.css, "Narrow
     screens"); without JavaScript the table scrolls inside its own box. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    if (target.closest("[data-print]")) {
      window.print();
      return;
    }
    var button = target.closest("button[data-confirm], input[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-submit-once")) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      // After this event: a button disabled now would drop its name=value.
      window.setTimeout(function () {
        form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });

  // Back from the next page (browser cache): the form may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submit-once][data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  document.querySelectorAll("[data-progress]").forEach(function (bar) {
    var percent = Math.max(0, Math.min(100, parseFloat(bar.dataset.progress) || 0));
    bar.style.width = percent + "%";
  });

  document.querySelectorAll("main table").forEach(function (table) {
    var heads = table.querySelectorAll("thead tr:last-child th");
    if (!heads.length) { return; }
    var names = Array.prototype.map.call(heads, function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      if (row.children.length !== names.length) { return; }
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[index]); }
      });
    });
    // A table laid out as blocks loses its table semantics in some browsers:
    // state them, so a screen reader still reads rows and cells as a table.
    table.setAttribute("role", "table");
    table.querySelectorAll(":scope > thead, :scope > tbody").forEach(function (group) {
      group.setAttribute("role", "rowgroup");
    });
    table.querySelectorAll(":scope > thead > tr, :scope > tbody > tr").forEach(function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.children, function (cell) {
        var inHead = row.parentElement.tagName === "THEAD";
        cell.setAttribute("role", inHead ? "columnheader" : (cell.tagName === "TH" ? "rowheader" : "cell"));
      });
    });
    table.classList.add("table-cards");
  });
}());
