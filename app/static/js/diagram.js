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

  window.showDiagramTabs(viewer, holder, function () {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    mark(registry, canvas, completed, "done");
    mark(registry, canvas, current, "current");
  });
}());
