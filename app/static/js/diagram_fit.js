// Fits a bpmn-js viewer's box to its diagram: the full width, and the height the diagram's own
// proportions ask for (within sensible bounds), so a wide, low diagram is not drawn small above an
// empty area and a tall one does not outgrow the window. Used by diagram.js, replay.js and heatmap.js.
(function () {
  "use strict";
  window.fitDiagramHeight = function (viewer, holder) {
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport");
    var inner = canvas.viewbox().inner;
    if (!inner.width || !inner.height) { return; }
    var margin = 24;
    var wanted = (holder.clientWidth - margin) * (inner.height / inner.width) + margin;
    var most = Math.max(320, window.innerHeight - 120);
    holder.style.height = Math.round(Math.min(most, Math.max(200, wanted))) + "px";
    canvas.resized();
    canvas.zoom("fit-viewport", "auto");
  };
}());
