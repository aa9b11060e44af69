// Shows an instance's diagrams in the bpmn-js viewer, colouring done and waiting elements.
(function () {
  "use strict";
  var holder = document.getElementById("diagram");
  if (!holder || !window.BpmnJS) { return; }
  var completed = JSON.parse(holder.dataset.completed || "[]");
  var current = JSON.parse(holder.dataset.current || "[]");
  var viewer = new window.BpmnJS({ container: holder });

  function mark(registry, canvas, ids, cls) {
    ids.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, cls); } });
  }

  function show(file) {
    fetch(holder.dataset.base + encodeURIComponent(file), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (xml) { return viewer.importXML(window.diagramInPageLanguage(xml)); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        window.fitDiagramHeight(viewer, holder);
        mark(registry, canvas, completed, "done");
        mark(registry, canvas, current, "current");
        holder.dataset.loaded = file;
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
}());
