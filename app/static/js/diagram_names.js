// The diagrams' names in the page's language: on an English page each element's name is replaced by
// its English name (the spiffworkflow property name_en, app/engine/properties.py) before the viewer
// draws it; elements without one keep their Chinese name. Used by diagram.js, replay.js and heatmap.js.
(function () {
  "use strict";
  var SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core";
  var BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI";

  // A label box drawn for the Chinese name is too narrow for the English one: without its box the
  // viewer lays the label out at its default place and width.
  function dropLabelBoxes(doc, renamed) {
    ["BPMNShape", "BPMNEdge"].forEach(function (tag) {
      Array.prototype.forEach.call(doc.getElementsByTagNameNS(BPMNDI, tag), function (di) {
        if (!renamed[di.getAttribute("bpmnElement")]) { return; }
        Array.prototype.slice.call(di.getElementsByTagNameNS(BPMNDI, "BPMNLabel")).forEach(function (label) {
          label.parentNode.removeChild(label);
        });
      });
    });
  }

  window.diagramInPageLanguage = function (xml) {
    if (document.documentElement.lang !== "en") { return xml; }
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) { return xml; }
    var properties = doc.getElementsByTagNameNS(SPIFF, "property");
    var renamed = {};
    Array.prototype.forEach.call(properties, function (property) {
      var english = (property.getAttribute("value") || "").trim();
      if (property.getAttribute("name") !== "name_en" || !english) { return; }
      // property < properties < extensionElements < the named element
      var element = property.parentNode && property.parentNode.parentNode && property.parentNode.parentNode.parentNode;
      if (element && element.hasAttribute && element.hasAttribute("name")) {
        element.setAttribute("name", english);
        renamed[element.getAttribute("id")] = true;
      }
    });
    dropLabelBoxes(doc, renamed);
    return new XMLSerializer().serializeToString(doc);
  };
}());
