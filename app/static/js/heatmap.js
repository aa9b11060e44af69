// Heatmap on the diagram: each element coloured on five levels by how many applications passed it
// or by their median wait there (the toggle), with its figures beside it; flows by how often taken.
(function () {
  "use strict";
  var holder = document.getElementById("heatmap-diagram");
  if (!holder || !window.BpmnJS) { return; }
  var data = JSON.parse(document.getElementById("heatmap-data").textContent);
  var labels = JSON.parse(document.getElementById("heatmap-labels").textContent);
  var viewer = new window.BpmnJS({ container: holder });
  var LEVELS = 5;
  var badges = [];

  function mode() {
    var checked = document.querySelector('input[name="heat-by"]:checked');
    return checked ? checked.value : "applications";
  }

  function level(value, highest) {
    if (value === null || value === undefined || !highest) { return 0; }
    return Math.max(1, Math.ceil(LEVELS * value / highest));
  }

  function highest(values) {
    return values.reduce(function (most, v) { return v !== null && v > most ? v : most; }, 0);
  }

  function badge(figures) {
    var box = document.createElement("div");
    box.className = "heat-badge";
    box.setAttribute("data-testid", "heat-badge");
    var count = figures.applications === 1 ? labels.count_one : labels.count_other;
    var parts = [count.replace("%(n)s", figures.applications)];
    if (figures.median !== null) {
      parts.push(labels.median_short + " " + figures.median_text, labels.p90_short + " " + figures.p90_text);
    }
    box.textContent = parts.join(" · ");
    return box;
  }

  function legend(by) {
    document.querySelector('[data-legend="low"]').textContent = labels[by].low;
    document.querySelector('[data-legend="high"]').textContent = labels[by].high;
  }

  function paint() {
    if (!holder.dataset.loaded) { return; }
    var by = mode();
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var overlays = viewer.get("overlays");
    badges.forEach(function (id) { overlays.remove(id); });
    badges = [];
    var ids = Object.keys(data.elements).filter(function (id) { return registry.get(id); });
    var most = highest(ids.map(function (id) { return data.elements[id][by]; }));
    registry.getAll().forEach(function (element) {
      for (var n = 1; n <= LEVELS; n += 1) {
        canvas.removeMarker(element.id, "heat-" + n);
        canvas.removeMarker(element.id, "flow-heat-" + n);
      }
    });
    ids.forEach(function (id) {
      var figures = data.elements[id];
      var n = level(figures[by], most);
      if (n) { canvas.addMarker(id, "heat-" + n); }
      // Below a task; above an event or a gateway, whose name is written below it.
      var above = !/Task$|CallActivity$|SubProcess$/.test(registry.get(id).type);
      var position = above ? { top: -20, left: -8 } : { bottom: -4, left: 0 };
      badges.push(overlays.add(id, { position: position, html: badge(figures) }));
    });
    var flows = Object.keys(data.flows).filter(function (id) { return registry.get(id); });
    var mostTaken = highest(flows.map(function (id) { return data.flows[id]; }));
    flows.forEach(function (id) { canvas.addMarker(id, "flow-heat-" + level(data.flows[id], mostTaken)); });
    legend(by);
    holder.dataset.painted = by;
  }

  document.querySelectorAll('input[name="heat-by"]').forEach(function (input) {
    input.addEventListener("change", paint);
  });
  legend(mode());
  window.showDiagramTabs(viewer, holder, function () {
    badges = [];  // a new drawing has none of the old overlays
    paint();
  });
}());
