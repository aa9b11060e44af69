// Reading and writing what the engine reads from a diagram: SpiffWorkflow's
// <spiffworkflow:properties><spiffworkflow:property name value/> extension elements.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

export const FORM_PROPERTY = 'formJsonSchemaFilename';
// Which block of the printed application form (申报表) a task's submissions fill (app/engine/properties.py).
export const FORM_BLOCK_PROPERTY = 'applicationFormBlock';

function propertiesElement(bo) {
  const ext = bo.get('extensionElements');
  const values = (ext && ext.get('values')) || [];
  return values.find((value) => is(value, 'spiffworkflow:Properties')) || null;
}

export function getSpiffProperty(element, name) {
  const props = propertiesElement(getBusinessObject(element));
  const prop = props && props.get('properties').find((p) => p.get('name') === name);
  return prop ? prop.get('value') || '' : null;
}

function create(bpmnFactory, type, attrs, parent) {
  const element = bpmnFactory.create(type, attrs);
  element.$parent = parent;
  return element;
}

// Sets (or, for an empty value, removes) one property, in one undoable command.
export function setSpiffProperty(injector, element, name, value) {
  const bpmnFactory = injector.get('bpmnFactory');
  const commandStack = injector.get('commandStack');
  const bo = getBusinessObject(element);
  const commands = [];
  const update = (moddleElement, properties) => commands.push({
    cmd: 'element.updateModdleProperties',
    context: { element, moddleElement, properties }
  });

  value = (value || '').trim();
  let ext = bo.get('extensionElements');
  let props = propertiesElement(bo);
  const existing = props ? props.get('properties').find((p) => p.get('name') === name) : null;

  if (!value) {
    if (!existing) {
      return;
    }
    const rest = props.get('properties').filter((p) => p !== existing);
    if (rest.length) {
      update(props, { properties: rest });
    } else {
      const others = ext.get('values').filter((v) => v !== props);
      update(ext, { values: others });
      if (!others.length) {
        update(bo, { extensionElements: undefined });
      }
    }
  } else if (existing) {
    update(existing, { value });
  } else {
    if (!ext) {
      ext = create(bpmnFactory, 'bpmn:ExtensionElements', { values: [] }, bo);
      update(bo, { extensionElements: ext });
    }
    if (!props) {
      props = create(bpmnFactory, 'spiffworkflow:Properties', { properties: [] }, ext);
      update(ext, { values: [ ...ext.get('values'), props ] });
    }
    const prop = create(bpmnFactory, 'spiffworkflow:Property', { name, value }, props);
    update(props, { properties: [ ...props.get('properties'), prop ] });
  }
  commandStack.execute('properties-panel.multi-command-executor', commands);
}
