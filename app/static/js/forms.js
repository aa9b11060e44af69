/*
 * Behaviour for forms rendered by app/forms (templates/forms/). Plain ES2017, no build step.
 * Everything works without this script; it only adds comfort:
 *  - [data-doc-counter]: live length of a document (the plan), white space not counted;
 *  - [data-repeat]: add / remove rows of a repeatable table, renumbering the input names;
 *  - [data-theme-picker]: search and filter the reference themes, switch to an own theme;
 *  - [data-required-when]: the asterisk of a field required only when another field holds a value.
 * All visible text comes from data attributes rendered (and translated) by the server.
 */
(function () {
  "use strict";

  /* ---- character counter ------------------------------------------------------------ */

  function countCharacters(text) {
    // Code points that are not white space; matches Python's str.isspace() for practical text.
    let count = 0;
    for (const char of text) {
      if (!/\s/u.test(char)) count += 1;
    }
    return count;
  }

  function formatTemplate(template, values) {
    return template.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
  }

  function setUpCounter(counter) {
    const root = counter.closest(".form-body") || document;
    const names = (counter.dataset.fields || "").split(/\s+/).filter(Boolean);
    const fields = names.map((name) => root.querySelector(`[name="${name}"]`)).filter(Boolean);
    const text = counter.querySelector("[data-doc-counter-text]");
    const minimum = counter.dataset.minimum ? Number(counter.dataset.minimum) : null;

    function update() {
      const count = fields.reduce((sum, field) => sum + countCharacters(field.value), 0);
      text.textContent = formatTemplate(counter.dataset.template || "", { count, minimum });
      if (minimum !== null) {
        counter.classList.toggle("is-enough", count >= minimum);
        counter.classList.toggle("is-short", count < minimum);
      }
    }

    fields.forEach((field) => field.addEventListener("input", update));
    update();
  }

  /* ---- repeatable table ----------------------------------------------------------- */

  function renumberRows(table) {
    const prefix = table.dataset.repeat;
    const pattern = new RegExp(`(^|[-\\s])${prefix}-(\\d+|__index__)(?=-|$|\\s)`, "g");
    const attributes = ["name", "id", "for", "aria-describedby"];
    table.querySelectorAll("[data-repeat-rows] > [data-repeat-row]").forEach((row, index) => {
      [row, ...row.querySelectorAll("*")].forEach((element) => {
        attributes.forEach((attribute) => {
          const value = element.getAttribute(attribute);
          if (value && value.includes(`${prefix}-`)) {
            element.setAttribute(attribute, value.replace(pattern, `$1${prefix}-${index}`));
          }
        });
      });
      const number = row.querySelector("[data-repeat-number]");
      if (number) number.textContent = String(index + 1);
    });
  }

  function setUpTable(table) {
    const body = table.querySelector("[data-repeat-rows]");
    const template = table.querySelector("template[data-repeat-template]");
    const addButton = table.querySelector("[data-repeat-add]");
    if (!body || !template || !addButton) return;

    // A read-only placeholder row (no inputs) is dropped once real rows exist.
    function dropPlaceholder() {
      body.querySelectorAll("tr:not([data-repeat-row])").forEach((row) => row.remove());
    }

    addButton.addEventListener("click", () => {
      dropPlaceholder();
      const count = body.querySelectorAll("[data-repeat-row]").length;
      const html = template.innerHTML.replace(/__index__/g, String(count));
      body.insertAdjacentHTML("beforeend", html);
      renumberRows(table);
      const rows = body.querySelectorAll("[data-repeat-row]");
      const first = rows[rows.length - 1].querySelector("input, select, textarea");
      if (first) first.focus();
    });

    body.addEventListener("click", (event) => {
      const button = event.target.closest("[data-repeat-remove]");
      if (!button) return;
      const row = button.closest("[data-repeat-row]");
      if (row) row.remove();
      renumberRows(table);
      addButton.focus();
    });
  }

  /* ---- theme picker --------------------------------------------------------------- */

  function setUpThemePicker(picker) {
    const root = picker.closest(".form-body") || document;
    const sourceName = picker.dataset.sourceField;
    const kindName = picker.dataset.kindField;
    const search = picker.querySelector("[data-theme-search]");
    const empty = picker.querySelector("[data-theme-empty]");
    const panels = picker.querySelectorAll("[data-theme-panel]");
    const items = Array.from(picker.querySelectorAll(".theme-item"));
    const groups = Array.from(picker.querySelectorAll(".theme-group"));

    function checkedValue(name) {
      const checked = root.querySelector(`input[name="${name}"]:checked`);
      return checked ? checked.value : "";
    }

    function showPanels() {
      const source = checkedValue(sourceName);
      panels.forEach((panel) => {
        const active = !source || panel.dataset.themePanel === source;
        panel.hidden = !active;
        // A hidden own-theme title is not sent; the server fills the title of a reference theme.
        panel.querySelectorAll("input[type=text], textarea").forEach((input) => {
          input.disabled = !active;
        });
      });
    }

    function filterThemes(event) {
      const kindChanged = Boolean(event && event.target && event.target.name === kindName);
      const kind = checkedValue(kindName);
      const words = (search ? search.value : "").trim().toLowerCase().split(/\s+/).filter(Boolean);
      let visible = 0;
      items.forEach((item) => {
        const radio = item.querySelector("input[type=radio]");
        // A theme of the other kind cannot stay chosen once the kind changes.
        if (kindChanged && radio && radio.checked && item.dataset.kind !== kind) radio.checked = false;
        const haystack = (item.dataset.search || "").toLowerCase();
        const matches = (!kind || item.dataset.kind === kind) && words.every((word) => haystack.includes(word));
        // The chosen theme always stays in view, even when it does not match.
        const show = matches || Boolean(radio && radio.checked);
        item.hidden = !show;
        if (show) visible += 1;
      });
      groups.forEach((group) => {
        group.hidden = !group.querySelector(".theme-item:not([hidden])");
      });
      if (empty) empty.hidden = visible > 0;
    }

    root.querySelectorAll(`input[name="${sourceName}"]`).forEach((radio) => {
      radio.addEventListener("change", showPanels);
    });
    root.querySelectorAll(`input[name="${kindName}"]`).forEach((radio) => {
      radio.addEventListener("change", filterThemes);
    });
    if (search) search.addEventListener("input", filterThemes);
    showPanels();
    filterThemes(null);
  }

  /* ---- fields required only in some cases ------------------------------------------ */

  function setUpRequiredWhen(marker) {
    const root = marker.closest("form") || marker.closest(".form-body") || document;
    const deciding = Array.from(root.querySelectorAll(`[name="${marker.dataset.requiredWhen}"]`));
    const field = marker.closest(".form-field");
    const inputs = field ? Array.from(field.querySelectorAll("input, textarea, select")) : [];

    function currentValue() {
      for (const input of deciding) {
        if (input.type === "checkbox") return input.checked ? "true" : "false";
        if (input.type !== "radio" || input.checked) return input.value;
      }
      return null;
    }

    function update() {
      const matches = currentValue() === marker.dataset.requiredValue;
      const required = marker.hasAttribute("data-required-negated") ? !matches : matches;
      marker.hidden = !required;
      inputs.forEach((input) => input.setAttribute("aria-required", String(required)));
    }

    deciding.forEach((input) => input.addEventListener("change", update));
    update();
  }

  function setUp() {
    document.querySelectorAll("[data-required-when]").forEach(setUpRequiredWhen);
    document.querySelectorAll("[data-doc-counter]").forEach(setUpCounter);
    document.querySelectorAll("[data-repeat]").forEach(setUpTable);
    document.querySelectorAll("[data-theme-picker]").forEach(setUpThemePicker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
