// Shared helpers of the sdzones rules.

function is(node, type) {
  return !!node && typeof node.$instanceOf === 'function' && node.$instanceOf(type);
}

// The lists the modeler page publishes; null when absent (then only presence is checked).
function pageList(key) {
  const root = typeof globalThis !== 'undefined' ? globalThis : {};
  const data = root.SDZONES_MODELER;
  const list = data && data[key];
  return Array.isArray(list) ? list : null;
}

function text(value) {
  return typeof value === 'string' ? value.trim() : '';
}

// The value of a <spiffworkflow:property name="..."> of an element, or null.
function spiffProperty(node, name) {
  const values = (node.extensionElements && node.extensionElements.values) || [];
  for (const ext of values) {
    if (ext.$type !== 'spiffworkflow:Properties') {
      continue;
    }
    for (const prop of ext.properties || []) {
      if (prop.name === name) {
        return prop.value == null ? '' : String(prop.value);
      }
    }
  }
  return null;
}

function allLanes(laneSets) {
  const lanes = [];
  (laneSets || []).forEach(function(set) {
    (set.lanes || []).forEach(function(lane) {
      lanes.push(lane);
      if (lane.childLaneSet) {
        lanes.push.apply(lanes, allLanes([ lane.childLaneSet ]));
      }
    });
  });
  return lanes;
}

// The lane an element acts in, as the engine reads it: the lane whose flowNodeRef lists the element,
// otherwise the lane of the nearest enclosing sub-process that is listed. Null when none.
function laneOf(node) {
  let process = node.$parent;
  while (process && !is(process, 'bpmn:Process')) {
    process = process.$parent;
  }
  if (!process) {
    return null;
  }
  const lanes = allLanes(process.laneSets);
  let current = node;
  while (current && current !== process) {
    for (const lane of lanes) {
      if ((lane.flowNodeRef || []).some(function(ref) { return ref === current || (ref && ref.id === current.id); })) {
        return lane;
      }
    }
    current = current.$parent;
  }
  return null;
}

module.exports = { is, pageList, text, spiffProperty, laneOf };
