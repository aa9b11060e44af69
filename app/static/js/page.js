// Behaviour the templates ask for with data attributes, since the Content-Security-Policy allows no
// inline event handlers: data-autosubmit (a filter that applies on change), data-print (a print
// button), data-path-base (a GET form that goes to base + "/" + its "name" field).
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
})();
