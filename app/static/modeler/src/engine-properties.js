// The properties panel group "流程引擎": what the sdzones engine reads from an element.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import {
  SelectEntry, TextFieldEntry, TextAreaEntry,
  isSelectEntryEdited, isTextFieldEntryEdited, isTextAreaEntryEdited
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';

import { FORM_BLOCK_PROPERTY, FORM_PROPERTY, getSpiffProperty, setSpiffProperty } from './spiff';

export const GROUP_ID = 'sdzones-engine';
const TIMER_TYPES = [ 'timeDate', 'timeDuration', 'timeCycle' ];

function useOptions() {
  const config = useService('config');
  return config.sdzones || {};
}

function text(options, key, fallback) {
  return (options.texts && options.texts[key]) || fallback;
}

// select options for a value that must come from a list; a current value outside it stays visible
function listOptions(list, current, noneLabel, outsideLabel) {
  const options = [ { value: '', label: noneLabel } ].concat(list.map((value) => ({ value, label: value })));
  if (current && list.indexOf(current) === -1) {
    options.push({ value: current, label: current + ' (' + outsideLabel + ')' });
  }
  return options;
}

function FormEntry(props) {
  const { element, id } = props;
  const injector = useService('injector');
  const options = useOptions();
  return SelectEntry({
    element, id,
    label: text(options, 'form', 'Form'),
    getValue: () => getSpiffProperty(element, FORM_PROPERTY) || '',
    setValue: (value) => setSpiffProperty(injector, element, FORM_PROPERTY, value),
    getOptions: () => listOptions(options.forms || [], getSpiffProperty(element, FORM_PROPERTY),
      text(options, 'formNone', '(no form)'), text(options, 'notInDraft', 'not in this draft'))
  });
}

// The blocks of the printed application form come as { value, label }; a value outside them stays visible.
function FormBlockEntry(props) {
  const { element, id } = props;
  const injector = useService('injector');
  const options = useOptions();
  const current = () => getSpiffProperty(element, FORM_BLOCK_PROPERTY) || '';
  return SelectEntry({
    element, id,
    label: text(options, 'formBlock', 'Block of the application form'),
    getValue: current,
    setValue: (value) => setSpiffProperty(injector, element, FORM_BLOCK_PROPERTY, value),
    getOptions: () => {
      const blocks = options.formBlocks || [];
      const choices = [ { value: '', label: text(options, 'formBlockNone', '(fills no block)') } ].concat(blocks);
      if (current() && !blocks.some((block) => block.value === current())) {
        choices.push({ value: current(), label: current() + ' (' + text(options, 'notABlock', 'not a block') + ')' });
      }
      return choices;
    }
  });
}

function SpiffTextEntry(name, labelKey, fallback) {
  return function(props) {
    const { element, id } = props;
    const injector = useService('injector');
    const debounce = useService('debounceInput');
    const options = useOptions();
    return TextFieldEntry({
      element, id, debounce,
      label: text(options, labelKey, fallback),
      getValue: () => getSpiffProperty(element, name) || '',
      setValue: (value) => setSpiffProperty(injector, element, name, value)
    });
  };
}

const AssigneeEntry = SpiffTextEntry('assignee', 'assignee', 'Assignee variable (holds a username)');
const OutcomeEntry = SpiffTextEntry('outcome', 'outcome', 'Outcome');
// The English text of the element's name (app/engine/properties.py ENGLISH_NAME_PROPERTY); a pool's
// stands for its process (the phase name).
const EnglishNameEntry = SpiffTextEntry('name_en', 'nameEn', 'English name');

function hasName(element) {
  return [ 'bpmn:FlowElement', 'bpmn:Lane', 'bpmn:Participant', 'bpmn:Process' ].some((type) => is(element, type));
}

function LaneRoleEntry(props) {
  const { element, id } = props;
  const modeling = useService('modeling');
  const options = useOptions();
  const current = () => getBusinessObject(element).get('name') || '';
  return SelectEntry({
    element, id,
    label: text(options, 'role', 'Role (lane name)'),
    getValue: current,
    setValue: (value) => modeling.updateProperties(element, { name: value || undefined }),
    getOptions: () => listOptions(options.roles || [], current(),
      text(options, 'roleNone', '(no role)'), text(options, 'notARole', 'not a role'))
  });
}

function timerDefinition(element) {
  return (getBusinessObject(element).get('eventDefinitions') || [])
    .find((d) => is(d, 'bpmn:TimerEventDefinition'));
}

function timerType(definition) {
  return TIMER_TYPES.find((type) => definition.get(type)) || '';
}

function TimerTypeEntry(props) {
  const { element, id } = props;
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const options = useOptions();
  const definition = timerDefinition(element);
  return SelectEntry({
    element, id,
    label: text(options, 'timerType', 'Timer type'),
    getValue: () => timerType(definition),
    setValue: (value) => {
      const old = timerType(definition);
      const body = old ? definition.get(old).get('body') : '';
      const properties = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
      if (value) {
        const expression = bpmnFactory.create('bpmn:FormalExpression', { body: body || undefined });
        expression.$parent = definition;
        properties[value] = expression;
      }
      commandStack.execute('element.updateModdleProperties', { element, moddleElement: definition, properties });
    },
    getOptions: () => [
      { value: '', label: text(options, 'timerNone', '(none)') },
      { value: 'timeDate', label: text(options, 'timeDate', 'Date (timeDate)') },
      { value: 'timeDuration', label: text(options, 'timeDuration', 'Duration (timeDuration)') },
      { value: 'timeCycle', label: text(options, 'timeCycle', 'Cycle (timeCycle)') }
    ]
  });
}

function TimerExpressionEntry(props) {
  const { element, id } = props;
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const debounce = useService('debounceInput');
  const options = useOptions();
  const definition = timerDefinition(element);
  return TextFieldEntry({
    element, id, debounce,
    label: text(options, 'timerExpression', 'Timer expression'),
    description: text(options, 'timerHelp', ''),
    getValue: () => {
      const type = timerType(definition);
      return type ? definition.get(type).get('body') || '' : '';
    },
    setValue: (value) => {
      const type = timerType(definition) || 'timeDate';
      const expression = definition.get(type);
      if (expression) {
        commandStack.execute('element.updateModdleProperties', {
          element, moddleElement: expression, properties: { body: value || undefined }
        });
      } else {
        const created = bpmnFactory.create('bpmn:FormalExpression', { body: value || undefined });
        created.$parent = definition;
        commandStack.execute('element.updateModdleProperties', {
          element, moddleElement: definition, properties: { [type]: created }
        });
      }
    }
  });
}

function ScriptEntry(props) {
  const { element, id } = props;
  const modeling = useService('modeling');
  const debounce = useService('debounceInput');
  const options = useOptions();
  return TextAreaEntry({
    element, id, debounce,
    label: text(options, 'script', 'Script'),
    monospace: true,
    rows: 8,
    autoResize: true,
    getValue: () => getBusinessObject(element).get('script') || '',
    setValue: (value) => modeling.updateProperties(element, { script: value || undefined })
  });
}

function ConditionEntry(props) {
  const { element, id } = props;
  const bpmnFactory = useService('bpmnFactory');
  const modeling = useService('modeling');
  const commandStack = useService('commandStack');
  const debounce = useService('debounceInput');
  const options = useOptions();
  const bo = getBusinessObject(element);
  return TextAreaEntry({
    element, id, debounce,
    label: text(options, 'condition', 'Condition'),
    monospace: true,
    rows: 2,
    autoResize: true,
    getValue: () => {
      const condition = bo.get('conditionExpression');
      return (condition && condition.get('body')) || '';
    },
    setValue: (value) => {
      const condition = bo.get('conditionExpression');
      if (!value) {
        modeling.updateProperties(element, { conditionExpression: undefined });
      } else if (condition) {
        commandStack.execute('element.updateModdleProperties', {
          element, moddleElement: condition, properties: { body: value }
        });
      } else {
        const created = bpmnFactory.create('bpmn:FormalExpression', { body: value });
        modeling.updateProperties(element, { conditionExpression: created });
      }
    }
  });
}

function isConditionalSource(source) {
  return is(source, 'bpmn:ExclusiveGateway') || is(source, 'bpmn:InclusiveGateway');
}

function engineEntries(element) {
  const bo = getBusinessObject(element);
  const entries = [];
  if (hasName(element)) {
    entries.push({ id: 'sdzones-name-en', component: EnglishNameEntry, isEdited: isTextFieldEntryEdited });
  }
  // A form on an event: a request people start (message start event) or a step they trigger while a
  // task waits (message boundary event, e.g. 撤回申报).
  const startedWithForm = (is(element, 'bpmn:StartEvent') || is(element, 'bpmn:BoundaryEvent'))
    && getSpiffProperty(element, FORM_PROPERTY) !== null;
  if (is(element, 'bpmn:UserTask') || startedWithForm) {
    entries.push({ id: 'sdzones-form', component: FormEntry, isEdited: isSelectEntryEdited });
  }
  if (is(element, 'bpmn:UserTask')) {
    entries.push({ id: 'sdzones-assignee', component: AssigneeEntry, isEdited: isTextFieldEntryEdited });
    entries.push({ id: 'sdzones-form-block', component: FormBlockEntry, isEdited: isSelectEntryEdited });
  }
  if (is(element, 'bpmn:Lane')) {
    entries.push({ id: 'sdzones-lane-role', component: LaneRoleEntry, isEdited: isSelectEntryEdited });
  }
  if (is(element, 'bpmn:Event') && timerDefinition(element)) {
    entries.push({ id: 'sdzones-timer-type', component: TimerTypeEntry, isEdited: isSelectEntryEdited });
    entries.push({ id: 'sdzones-timer-expression', component: TimerExpressionEntry, isEdited: isTextFieldEntryEdited });
  }
  if (is(element, 'bpmn:ScriptTask')) {
    entries.push({ id: 'sdzones-script', component: ScriptEntry, isEdited: isTextAreaEntryEdited });
  }
  if (is(element, 'bpmn:SequenceFlow') && (bo.get('conditionExpression') || isConditionalSource(bo.get('sourceRef')))) {
    entries.push({ id: 'sdzones-condition', component: ConditionEntry, isEdited: isTextAreaEntryEdited });
  }
  if (is(element, 'bpmn:EndEvent')) {
    entries.push({ id: 'sdzones-outcome', component: OutcomeEntry, isEdited: isTextFieldEntryEdited });
  }
  return entries;
}

export default function EngineProvider(propertiesPanel, config) {
  this._config = config || {};
  propertiesPanel.registerProvider(400, this);
}

EngineProvider.$inject = [ 'propertiesPanel', 'config.sdzones' ];

EngineProvider.prototype.getGroups = function(element) {
  const label = (this._config.texts && this._config.texts.group) || 'Engine';
  return (groups) => {
    const entries = engineEntries(element);
    if (entries.length) {
      // right after "General", so it is the first thing one sees
      const general = groups.findIndex((group) => group.id === 'general');
      groups.splice(general + 1, 0, { id: GROUP_ID, label, entries });
    }
    return groups;
  };
};
