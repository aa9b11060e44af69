// Compares two versions of a process's diagrams: for each file, the old and the new diagram side by
// side, coloured by bpmn-js-differ (added green, removed red on the old side, changed orange,
// moved blue), with a table of the changes in what the engine reads.
//
// window.SdzonesDiff.init({container, files: [{name, old_url, new_url}], oldLabel, newLabel, texts, locale})
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnModdle } from 'bpmn-moddle';
import { diff } from 'bpmn-js-differ';

import spiffworkflowDescriptor from './spiffworkflow.json';
import zhTranslateModule from './translate-zh';
import { h } from './dom';

import './diff.css';

const TYPE_LABELS_ZH = {
  'bpmn:UserTask': '用户任务', 'bpmn:ScriptTask': '脚本任务', 'bpmn:ServiceTask': '服务任务', 'bpmn:Task': '任务',
  'bpmn:ManualTask': '人工任务', 'bpmn:SendTask': '发送任务', 'bpmn:ReceiveTask': '接收任务',
  'bpmn:CallActivity': '调用活动', 'bpmn:SubProcess': '子流程', 'bpmn:BusinessRuleTask': '业务规则任务',
  'bpmn:StartEvent': '开始事件', 'bpmn:EndEvent': '结束事件', 'bpmn:IntermediateCatchEvent': '中间捕获事件',
  'bpmn:IntermediateThrowEvent': '中间抛出事件', 'bpmn:BoundaryEvent': '边界事件',
  'bpmn:ExclusiveGateway': '排他网关', 'bpmn:InclusiveGateway': '包容网关', 'bpmn:ParallelGateway': '并行网关',
  'bpmn:EventBasedGateway': '事件网关', 'bpmn:SequenceFlow': '顺序流', 'bpmn:MessageFlow': '消息流',
  'bpmn:Lane': '泳道', 'bpmn:Participant': '参与者（池）', 'bpmn:Process': '流程', 'bpmn:Collaboration': '协作',
  'bpmn:DataObjectReference': '数据对象', 'bpmn:DataStoreReference': '数据存储', 'bpmn:TextAnnotation': '注释',
  'bpmn:Association': '关联', 'bpmn:DataInputAssociation': '数据输入关联', 'bpmn:DataOutputAssociation': '数据输出关联'
};

const FIELD_LABELS = {
  name: 'Name', type: 'Type', form: 'Form', assignee: 'Assignee variable', outcome: 'Outcome', script: 'Script',
  condition: 'Condition', timer: 'Timer', default: 'Default flow', lane: 'Lane', source: 'From', target: 'To',
  loop: 'Multi-instance', messageVariable: 'Message variable', documentation: 'Documentation', other: 'Other'
};

function is(element, type) {
  return !!element && typeof element.$instanceOf === 'function' && element.$instanceOf(type);
}

// every element with an id, by id
function indexById(definitions) {
  const index = {};
  const seen = new Set();
  (function walk(element) {
    if (!element || typeof element !== 'object' || seen.has(element) || !element.$descriptor) {
      return;
    }
    seen.add(element);
    if (element.id && !is(element, 'bpmndi:BPMNDiagram') && !is(element, 'bpmndi:BPMNPlane') &&
        !is(element, 'bpmndi:BPMNShape') && !is(element, 'bpmndi:BPMNEdge') && !is(element, 'bpmndi:BPMNLabel')) {
      index[element.id] = element;
    }
    element.$descriptor.properties.forEach((property) => {
      if (property.isReference || property.isVirtual) {
        return;
      }
      const value = element.get(property.name);
      [].concat(value || []).forEach(walk);
    });
  }(definitions));
  return index;
}

function lanesByElement(index) {
  const lanes = {};
  Object.values(index).forEach((element) => {
    if (is(element, 'bpmn:Lane')) {
      (element.flowNodeRef || []).forEach((ref) => { lanes[ref.id] = element.name || element.id; });
    }
  });
  return lanes;
}

// what the engine reads from an element, as strings
function signature(element, lanes) {
  const sig = { name: element.name || '', type: element.$type };
  const ext = (element.extensionElements && element.extensionElements.values) || [];
  ext.forEach((value) => {
    if (value.$type === 'spiffworkflow:Properties') {
      (value.properties || []).forEach((p) => {
        const key = p.name === 'formJsonSchemaFilename' ? 'form' : p.name;
        sig[key] = p.value || '';
      });
    } else if (value.$type === 'spiffworkflow:MessageVariable') {
      sig.messageVariable = value.value || '';
    }
  });
  (element.eventDefinitions || []).forEach((definition) => {
    if (is(definition, 'bpmn:TimerEventDefinition')) {
      const type = [ 'timeDate', 'timeDuration', 'timeCycle' ].find((t) => definition[t]);
      sig.timer = type ? type + ': ' + (definition[type].body || '') : '';
    }
    ((definition.extensionElements && definition.extensionElements.values) || []).forEach((value) => {
      if (value.$type === 'spiffworkflow:MessageVariable') {
        sig.messageVariable = value.value || '';
      }
    });
  });
  if (is(element, 'bpmn:ScriptTask')) {
    sig.script = element.script || '';
  }
  if (is(element, 'bpmn:SequenceFlow')) {
    sig.condition = (element.conditionExpression && element.conditionExpression.body) || '';
    sig.source = element.sourceRef ? element.sourceRef.id : '';
    sig.target = element.targetRef ? element.targetRef.id : '';
  }
  if (is(element, 'bpmn:Gateway') || is(element, 'bpmn:Activity')) {
    sig.default = element['default'] ? element['default'].id : '';
  }
  if (element.loopCharacteristics) {
    const loop = element.loopCharacteristics;
    sig.loop = [ loop.isSequential ? 'sequential' : 'parallel',
      loop.loopCardinality && loop.loopCardinality.body,
      loop.completionCondition && loop.completionCondition.body ].filter(Boolean).join(' · ');
  }
  if (is(element, 'bpmn:FlowNode')) {
    sig.lane = lanes[element.id] || '';
  }
  sig.documentation = (element.documentation || []).map((d) => d.text || '').join('\n');
  return sig;
}

function compare(oldDefinitions, newDefinitions) {
  const oldIndex = oldDefinitions ? indexById(oldDefinitions) : {};
  const newIndex = newDefinitions ? indexById(newDefinitions) : {};
  const oldLanes = lanesByElement(oldIndex);
  const newLanes = lanesByElement(newIndex);
  const changes = [];
  const ignored = (element) => is(element, 'bpmn:Definitions');

  if (!oldDefinitions || !newDefinitions) {
    // a file on one side only: all of it added or removed
    const [ index, kind ] = oldDefinitions ? [ oldIndex, 'removed' ] : [ newIndex, 'added' ];
    Object.values(index).forEach((element) => {
      if (!ignored(element)) {
        changes.push({ kind, id: element.id, element, fields: [] });
      }
    });
    return changes;
  }

  const result = diff(oldDefinitions, newDefinitions);
  Object.values(result._added).forEach((element) => changes.push({ kind: 'added', id: element.id, element, fields: [] }));
  Object.values(result._removed).forEach((element) => changes.push({ kind: 'removed', id: element.id, element, fields: [] }));

  // elements on both sides: what changed in what the engine reads, and whatever else the differ saw
  const flagged = new Set(Object.keys(result._changed));
  Object.keys(newIndex).forEach((id) => {
    const before = oldIndex[id];
    const after = newIndex[id];
    if (!before || ignored(after) || result._added[id] || result._removed[id]) {
      return;
    }
    const a = signature(before, oldLanes);
    const b = signature(after, newLanes);
    const fields = [];
    new Set([ ...Object.keys(a), ...Object.keys(b) ]).forEach((key) => {
      if ((a[key] || '') !== (b[key] || '')) {
        fields.push({ key, oldValue: a[key] || '', newValue: b[key] || '' });
      }
    });
    if (!fields.length && flagged.has(id)) {
      const attrs = Object.keys(result._changed[id].attrs || {});
      fields.push({ key: 'other', oldValue: '', newValue: attrs.join(', ') });
    }
    if (fields.length) {
      changes.push({ kind: 'changed', id, element: after, fields });
    } else if (result._layoutChanged[id]) {
      changes.push({ kind: 'layout', id, element: after, fields: [] });
    }
  });
  return changes;
}

function init(options) {
  const texts = options.texts || {};
  const t = (key, fallback) => texts[key] || fallback;
  const zh = (options.locale || 'zh').startsWith('zh');
  const typeLabel = (type) => (zh && TYPE_LABELS_ZH[type]) || type.replace(/^bpmn:/, '');
  const fieldLabel = (key) => t('field_' + key, FIELD_LABELS[key] || key);
  const container = typeof options.container === 'string' ? document.querySelector(options.container) : options.container;
  const moddle = new BpmnModdle({ spiffworkflow: spiffworkflowDescriptor });
  const files = options.files || [];
  const state = window.SDZONES_DIFF = { files: {}, current: null };

  const tabs = h('div', { class: 'diff-tabs', role: 'tablist' });
  const viewerModules = zh ? [ zhTranslateModule ] : [];
  function side(label, cls) {
    const canvas = h('div', { class: 'diff-canvas ' + cls });
    const box = h('div', { class: 'diff-side' }, [ h('h3', {}, label), canvas ]);
    return { box, canvas, viewer: null };
  }
  const oldSide = side(t('old', 'Old') + ' · ' + (options.oldLabel || ''), 'diff-old');
  const newSide = side(t('new', 'New') + ' · ' + (options.newLabel || ''), 'diff-new');
  const legend = h('p', { class: 'diff-legend muted' }, [
    h('span', { class: 'swatch diff-added' }), t('added', 'added'),
    h('span', { class: 'swatch diff-removed' }), t('removed', 'removed'),
    h('span', { class: 'swatch diff-changed' }), t('changed', 'changed'),
    h('span', { class: 'swatch diff-layout' }), t('layout', 'moved')
  ]);
  const table = h('div', { class: 'diff-table' });
  container.replaceChildren(tabs, h('div', { class: 'diff-file' }, [
    h('div', { class: 'diff-sides' }, [ oldSide.box, newSide.box ]), legend, table
  ]));

  async function fetchXml(url) {
    if (!url) {
      return null;
    }
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) {
      throw new Error(url + ': ' + response.status);
    }
    return response.text();
  }

  async function loadFile(file) {
    if (state.files[file.name]) {
      return state.files[file.name];
    }
    const [ oldXml, newXml ] = await Promise.all([ fetchXml(file.old_url), fetchXml(file.new_url) ]);
    const parse = async (xml) => (xml ? (await moddle.fromXML(xml)).rootElement : null);
    const [ oldDefs, newDefs ] = await Promise.all([ parse(oldXml), parse(newXml) ]);
    const entry = { file, oldXml, newXml, changes: compare(oldDefs, newDefs) };
    state.files[file.name] = entry;
    return entry;
  }

  const KIND_MARKER = { added: 'diff-added', removed: 'diff-removed', changed: 'diff-changed', layout: 'diff-layout' };

  async function showSide(sideView, xml, changes, kinds) {
    if (sideView.viewer) {
      sideView.viewer.destroy();
      sideView.viewer = null;
    }
    sideView.canvas.replaceChildren();
    if (!xml) {
      sideView.canvas.append(h('div', { class: 'diff-empty' }, t('absent', 'This file does not exist in this version.')));
      return;
    }
    const viewer = sideView.viewer = new NavigatedViewer({
      container: sideView.canvas,
      moddleExtensions: { spiffworkflow: spiffworkflowDescriptor },
      additionalModules: viewerModules
    });
    await viewer.importXML(xml);
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    canvas.zoom('fit-viewport');
    changes.forEach((change) => {
      if (kinds.indexOf(change.kind) === -1) {
        return;
      }
      const element = registry.get(change.id);
      if (!element) {
        return;
      }
      canvas.addMarker(element, KIND_MARKER[change.kind]);
      if (/Participant|Lane|SubProcess/.test(element.type) && !(element.collapsed)) {
        canvas.addMarker(element, 'diff-container');
      }
    });
  }

  function describe(field) {
    if (field.key === 'other') {
      return h('div', {}, [ h('span', { class: 'muted' }, fieldLabel('other') + '：'), h('code', {}, field.newValue) ]);
    }
    return h('div', {}, [
      h('span', { class: 'muted' }, fieldLabel(field.key) + '：'),
      field.oldValue ? h('code', { class: 'old' }, field.oldValue) : h('span', { class: 'muted' }, t('empty', '(empty)')),
      ' → ',
      field.newValue ? h('code', { class: 'new' }, field.newValue) : h('span', { class: 'muted' }, t('empty', '(empty)'))
    ]);
  }

  function renderTable(changes) {
    if (!changes.length) {
      table.replaceChildren(h('p', { class: 'empty', 'data-testid': 'diff-no-changes' }, t('noChanges', 'No changes in this file.')));
      return;
    }
    const order = { removed: 0, added: 1, changed: 2, layout: 3 };
    const rows = changes.slice().sort((a, b) => order[a.kind] - order[b.kind] || a.id.localeCompare(b.id)).map((change) =>
      h('tr', { 'data-element-id': change.id, 'data-kind': change.kind }, [
        h('td', { class: 'kind-' + change.kind }, t(change.kind, change.kind)),
        h('td', {}, h('code', {}, change.id)),
        h('td', {}, change.element.name || ''),
        h('td', {}, typeLabel(change.element.$type)),
        h('td', {}, change.kind === 'layout' ? t('layoutOnly', 'position or shape only') : change.fields.map(describe))
      ]));
    table.replaceChildren(h('table', { class: 'grid diff-changes', 'data-testid': 'diff-changes' }, [
      h('thead', {}, h('tr', {}, [ t('change', 'Change'), t('element', 'Element ID'), t('name', 'Name'),
        t('type', 'Type'), t('what', 'What changed') ].map((label) => h('th', {}, label)))),
      h('tbody', {}, rows)
    ]));
  }

  // One file is drawn at a time, in the order asked, and a file asked for while another was being
  // drawn is skipped if a newer one was asked for meanwhile: the first file, still loading when the
  // reader picks another tab, must not paint over it (both viewers and the table are shared).
  let wanted = null;
  let drawing = Promise.resolve();

  function show(file, tab) {
    tabs.querySelectorAll('button').forEach((b) => b.classList.toggle('active', b === tab));
    container.dataset.loaded = '';
    wanted = file.name;
    drawing = drawing.then(() => (wanted === file.name ? draw(file) : null));
    return drawing;
  }

  async function draw(file) {
    try {
      const entry = await loadFile(file);
      if (wanted !== file.name) {
        return; // another tab was picked while this file loaded
      }
      state.current = file.name;
      await Promise.all([
        showSide(oldSide, entry.oldXml, entry.changes, [ 'removed', 'changed', 'layout' ]),
        showSide(newSide, entry.newXml, entry.changes, [ 'added', 'changed', 'layout' ])
      ]);
      renderTable(entry.changes);
      container.dataset.loaded = file.name;
    } catch (err) {
      table.replaceChildren(h('p', { class: 'flash flash-error' }, String(err.message || err)));
    }
  }

  files.forEach((file, idx) => {
    const count = h('span', { class: 'count' }, '…');
    const tab = h('button', { type: 'button', role: 'tab', 'data-file': file.name, onclick: () => show(file, tab) }, [ file.name, count ]);
    tabs.append(tab);
    loadFile(file).then((entry) => {
      const n = entry.changes.filter((c) => c.kind !== 'layout').length;
      count.textContent = String(n);
      count.classList.toggle('none', n === 0);
    }).catch(() => { count.textContent = '!'; });
    if (idx === 0) {
      show(file, tab);
    }
  });
  if (!files.length) {
    table.replaceChildren(h('p', { class: 'empty' }, t('noFiles', 'No diagrams to compare.')));
  }
  state.ready = Promise.all(files.map(loadFile));
  return state;
}

window.SdzonesDiff = { init };
