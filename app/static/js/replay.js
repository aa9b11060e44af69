// Step-through replay: one frame per committed step; the diagram shows the state as of that step.
(function () {
  "use strict";
  var holder = document.getElementById("replay-diagram");
  if (!holder || !window.BpmnJS) { return; }
  var frames = JSON.parse(document.getElementById("replay-frames").textContent);
  var labels = JSON.parse(document.getElementById("replay-labels").textContent);
  var viewer = new window.BpmnJS({ container: holder });
  var index = frames.length ? frames.length - 1 : 0;
  var badges = [];

  function text(field, value) {
    document.querySelector('.replay-details [data-field="' + field + '"]').textContent = value;
  }

  function paint() {
    var frame = frames[index];
    if (!frame || !holder.dataset.loaded) { return; }
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var overlays = viewer.get("overlays");
    badges.forEach(function (id) { overlays.remove(id); });
    badges = [];
    registry.getAll().forEach(function (element) {
      canvas.removeMarker(element.id, "done");
      canvas.removeMarker(element.id, "current");
      canvas.removeMarker(element.id, "taken");
    });
    Object.keys(frame.completed).forEach(function (id) {
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, "done");
      if (frame.completed[id] > 1) {
        badges.push(overlays.add(id, { position: { top: -8, right: 8 },
          html: '<span class="visit-count" data-testid="visit-count">' + frame.completed[id] + "</span>" }));
      }
    });
    frame.active.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "current"); } });
    // A flow counts as taken once its source is done and its target was reached.
    registry.filter(function (e) { return e.type === "bpmn:SequenceFlow"; }).forEach(function (flow) {
      var source = flow.businessObject.sourceRef.id, target = flow.businessObject.targetRef.id;
      if (frame.completed[source] && (frame.completed[target] || frame.active.indexOf(target) >= 0)) {
        canvas.addMarker(flow.id, "taken");
      }
    });
    holder.dataset.step = String(index);
  }

  function describe() {
    var frame = frames[index];
    if (!frame) { return; }
    document.querySelector('[data-testid="replay-position"]').textContent =
      labels.step.replace("%(n)s", index + 1).replace("%(total)s", frames.length);
    text("title", frame.element_name || labels.events[frame.kind] || frame.kind);
    text("meta", [labels.events[frame.kind] || frame.kind, frame.at, frame.actor || labels.system,
      "#" + frame.seqs.join(", #")].join(" · "));
    text("verified", frame.verified ? labels.verified : labels.differs);
    document.querySelector('.replay-details [data-field="verified"]').className = frame.verified ? "ok" : "broken";
    var list = document.querySelector('.replay-details [data-field="lines"]');
    list.textContent = "";
    if (!frame.lines.length) { list.textContent = labels.nothing; }
    frame.lines.forEach(function (line) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = line[0]; dd.textContent = line[1];
      list.appendChild(dt); list.appendChild(dd);
    });
    var form = document.querySelector('.replay-details [data-field="form"]');
    form.innerHTML = frame.form_html;  // rendered (and escaped) by the server's form renderer
    form.parentNode.hidden = !frame.form_html;
    var changes = [];
    if (frame.newly_completed.length) { changes.push(labels.completed + labels.colon + frame.newly_completed.join(labels.list)); }
    if (frame.newly_waiting.length) { changes.push(labels.waiting + labels.colon + frame.newly_waiting.join(labels.list)); }
    if (frame.ended) { changes.push(labels.ended + labels.colon + frame.ended); }
    text("changes", changes.join(labels.clauses));
    document.querySelectorAll(".replay-timeline button").forEach(function (b) {
      b.classList.toggle("active", Number(b.dataset.index) === index);
    });
    var active = document.querySelector(".replay-timeline button.active");
    if (active) { active.scrollIntoView({ block: "nearest" }); }
  }

  function go(target) {
    index = Math.max(0, Math.min(frames.length - 1, target));
    describe();
    paint();
  }

  var moves = { first: function () { return 0; }, prev: function () { return index - 1; },
    next: function () { return index + 1; }, last: function () { return frames.length - 1; } };
  document.querySelectorAll(".replay-controls [data-step]").forEach(function (button) {
    button.addEventListener("click", function () { go(moves[button.dataset.step]()); });
  });
  document.querySelectorAll(".replay-timeline button").forEach(function (button) {
    button.addEventListener("click", function () { go(Number(button.dataset.index)); });
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    var keys = { ArrowLeft: "prev", ArrowRight: "next", Home: "first", End: "last" };
    if (keys[event.key]) { event.preventDefault(); go(moves[keys[event.key]]()); }
  });
  describe();
  window.showDiagramTabs(viewer, holder, paint);
}());
