// Shows a version's diagrams one file at a time in a bpmn-js viewer: fetches the file from the
// holder's data-base, draws it in the page's language, fits its height, and switches files with the
// .diagram-tabs buttons; `drawn(file)` then marks what the page shows on it. Holder's data-loaded
// names the file drawn. Used by diagram.js, replay.js and heatmap.js.
(function () {
  "use strict";
  window.showDiagramTabs = function (viewer, holder, drawn) {
    function show(file) {
      holder.dataset.loaded = "";
      fetch(holder.dataset.base + encodeURIComponent(file), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (xml) { return viewer.importXML(window.diagramInPageLanguage(xml)); })
        .then(function () {
          window.fitDiagramHeight(viewer, holder);
          holder.dataset.loaded = file;
          drawn(file);
        })
        .catch(function (err) { holder.textContent = String(err); });
    }

    document.querySelectorAll(".diagram-tabs .tab").forEach(function (tab) {
      tab.addEventListener("click", function () {
        document.querySelectorAll(".diagram-tabs .tab").forEach(function (t) { t.classList.remove("active"); });
        tab.classList.add("active");
        show(tab.dataset.file);
      });
    });
    show(holder.dataset.first);
  };
}());
