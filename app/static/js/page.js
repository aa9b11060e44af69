// Behaviour the templates ask for with data attributes, since the Content-Security-Policy allows no
// inline event handlers: data-autosubmit (a filter that applies on change), data-print (a print
// button), data-path-base (a GET form that goes to base + "/" + its "name" field), data-menu-toggle (the
// header's menu button on a phone). Tables of class "grid" read as cards on a phone: each cell is
// labelled with its column's heading (data-label, unless the template gave one).
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () { field.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form[data-path-base]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.href = form.dataset.pathBase + "/" + encodeURIComponent(form.elements.name.value);
    });
  });
  document.querySelectorAll("[data-menu-toggle]").forEach(function (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    function show(open) {
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () { show(button.getAttribute("aria-expanded") !== "true"); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        show(false);
        button.focus();
      }
    });
  });
  document.querySelectorAll("table.grid").forEach(function (table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        // A cell across several columns ("nothing yet") speaks for itself.
        if (cell.colSpan === 1 && !cell.hasAttribute("data-label") && headings[column]) {
          cell.setAttribute("data-label", headings[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  });
})();
