// The process owner's BPMN modeler: bpmn-js Modeler, the properties panel with our "流程引擎"
// group, live bpmnlint (bpmnlint:recommended + bpmnlint-plugin-sdzones), and saving to the draft.
//
// The page calls window.SdzonesModeler.init(options) with
//   container, propertiesParent: elements (or selectors)
//   loadUrl, saveUrl, csrfToken, forms, roles, locale, texts (translated UI strings)
//   formBlocks: the blocks of the printed application form, [{value, label}]
//   status, problems: elements (or selectors) for the save status and the server's problems (a <ul>)
//   saveButton: element (or selector)
// It sets window.SDZONES_MODELER = {forms, roles, modeler, ...} (the lint rules read forms/roles).
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import lintModule from 'bpmn-js-bpmnlint';
import lintConfig from 'sdzones-lint-config';

import spiffworkflowDescriptor from './spiffworkflow.json';
import EngineProvider, { GROUP_ID } from './engine-properties';
import zhTranslateModule from './translate-zh';
import { h } from './dom';

import './modeler.css';

function $(el) {
  return typeof el === 'string' ? document.querySelector(el) : el;
}

const EngineProviderModule = {
  __init__: [ 'sdzonesEngineProvider' ],
  sdzonesEngineProvider: [ 'type', EngineProvider ]
};

function init(options) {
  const texts = options.texts || {};
  const t = (key, fallback) => texts[key] || fallback;
  const state = window.SDZONES_MODELER = Object.assign(window.SDZONES_MODELER || {}, {
    forms: options.forms || [],
    roles: options.roles || [],
    dirty: false,
    lintIssues: {},
    problems: []
  });

  const container = $(options.container);
  const statusEl = $(options.status);
  const problemList = $(options.problems);
  const saveButton = $(options.saveButton);
  const additionalModules = [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    EngineProviderModule,
    lintModule
  ];
  if ((options.locale || 'zh').startsWith('zh')) {
    additionalModules.push(zhTranslateModule);
  }

  const modeler = new Modeler({
    container,
    propertiesPanel: {
      parent: $(options.propertiesParent),
      layout: { groups: { general: { open: true }, [GROUP_ID]: { open: true } } }
    },
    linting: { bpmnlint: lintConfig, active: true },
    moddleExtensions: { spiffworkflow: spiffworkflowDescriptor },
    sdzones: { forms: state.forms, roles: state.roles, formBlocks: options.formBlocks || [], texts },
    additionalModules
  });
  state.modeler = modeler;

  const canvas = modeler.get('canvas');
  const overlays = modeler.get('overlays');
  const elementRegistry = modeler.get('elementRegistry');
  const eventBus = modeler.get('eventBus');

  eventBus.on('linting.completed', (event) => {
    state.lintIssues = event.issues || {};
    container.dataset.lintCount = String(Object.keys(state.lintIssues).length);
  });

  function setStatus(kind, message) {
    statusEl.className = 'modeler-status ' + (kind ? 'status-' + kind : '');
    statusEl.textContent = message || '';
    statusEl.dataset.kind = kind || '';
  }

  function setDirty(dirty) {
    state.dirty = dirty;
    document.body.classList.toggle('modeler-dirty', dirty);
    if (dirty) {
      setStatus('dirty', t('unsaved', 'Unsaved changes'));
    }
  }

  modeler.on('commandStack.changed', () => setDirty(true));
  window.addEventListener('beforeunload', (event) => {
    if (state.dirty) {
      event.preventDefault();
      event.returnValue = '';
    }
  });

  function clearProblems() {
    state.problems.forEach((problem) => {
      if (problem.element_id && elementRegistry.get(problem.element_id)) {
        canvas.removeMarker(problem.element_id, 'sdzones-problem');
      }
    });
    overlays.remove({ type: 'sdzones-problem' });
    state.problems = [];
    problemList.replaceChildren();
  }

  function focusElement(id) {
    const element = elementRegistry.get(id);
    if (!element) {
      return;
    }
    modeler.get('selection').select(element);
    canvas.scrollToElement(element);
  }

  // another file of the draft: a link to it in the modeler (diagrams) or just its name (forms)
  function fileLink(file) {
    if (/\.bpmn$/.test(file)) {
      const url = new URL(window.location.href);
      url.searchParams.set('file', file);
      return h('a', { href: url.pathname + url.search, class: 'problem-file' }, file + ' ');
    }
    return h('span', { class: 'problem-file' }, file + ' ');
  }

  function showProblems(problems) {
    clearProblems();
    state.problems = problems || [];
    state.problems.forEach((problem) => {
      const here = !problem.file || problem.file === options.currentFile;
      const element = here && problem.element_id ? elementRegistry.get(problem.element_id) : null;
      const name = element && element.businessObject.name;
      const item = h('li', {
        'data-element-id': problem.element_id || '',
        'data-rule': problem.rule || '',
        class: 'severity-' + (problem.severity || 'error')
      }, [
        here ? '' : fileLink(problem.file),
        problem.element_id && element ? h('a', { href: '#', class: 'problem-element', onclick: (e) => {
          e.preventDefault(); focusElement(problem.element_id);
        } }, problem.element_id) : '',
        problem.element_id && !element ? h('code', { class: 'problem-element' }, problem.element_id) : '',
        name ? h('span', { class: 'problem-name' }, '（' + name + '）') : '',
        problem.element_id ? ' ' : '',
        problem.message
      ]);
      problemList.append(item);
      if (element) {
        canvas.addMarker(element, 'sdzones-problem');
        if (!element.waypoints) {
          overlays.add(element, 'sdzones-problem', {
            position: { bottom: -4, left: -4 },
            html: h('div', { class: 'sdzones-problem-badge', title: problem.message }, '!')
          });
        }
      }
    });
  }

  // fit the diagram, leaving room for the palette on the left
  function fitWithMargins() {
    canvas.zoom('fit-viewport');
    const box = canvas.viewbox();
    const scale = box.scale || 1;
    canvas.viewbox({
      x: box.x - 80 / scale,
      y: box.y - 20 / scale,
      width: box.width + 100 / scale,
      height: box.height + 60 / scale
    });
  }

  async function load() {
    setStatus('busy', t('loading', 'Loading…'));
    try {
      const response = await fetch(options.loadUrl, { credentials: 'same-origin', headers: { Accept: 'application/xml' } });
      if (!response.ok) {
        throw new Error(response.status + ' ' + response.statusText);
      }
      const result = await modeler.importXML(await response.text());
      fitWithMargins();
      state.importWarnings = result.warnings || [];
      setDirty(false);
      setStatus('', '');
      container.dataset.loaded = 'true';
    } catch (err) {
      setStatus('error', t('loadFailed', 'The diagram could not be loaded:') + ' ' + (err.message || err));
    }
  }

  async function save() {
    saveButton && (saveButton.disabled = true);
    setStatus('busy', t('saving', 'Saving…'));
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const response = await fetch(options.saveUrl, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRFToken': options.csrfToken },
        body: JSON.stringify({ content: xml })
      });
      let body = {};
      try {
        body = await response.json();
      } catch (e) {
        body = {};
      }
      showProblems(body.problems || []);
      problemList.classList.toggle('warnings', response.ok);
      if (response.ok) {
        setDirty(false);
        const warnings = (body.problems || []).length;
        setStatus(warnings ? 'warning' : 'success',
          warnings ? t('savedWithWarnings', 'Saved. The draft still has these problems:') : t('saved', 'Saved.'));
      } else if (response.status === 422) {
        setStatus('error', body.message || t('refused', 'Not saved: fix the problems below.'));
      } else {
        setStatus('error', t('saveFailed', 'Saving failed:') + ' ' + (body.message || response.status));
      }
    } catch (err) {
      setStatus('error', t('saveFailed', 'Saving failed:') + ' ' + (err.message || err));
    } finally {
      saveButton && (saveButton.disabled = false);
    }
  }

  saveButton && saveButton.addEventListener('click', save);
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 's') {
      event.preventDefault();
      save();
    }
  });

  state.save = save;
  state.reload = load;
  state.ready = load();
  return modeler;
}

window.SdzonesModeler = { init };
