// Chinese labels for the bpmn-js, properties panel and linting UI (the page passes its locale);
// strings not listed stay English.
const ZH = {
  // palette
  'Activate hand tool': '抓手工具',
  'Activate lasso tool': '套索工具',
  'Activate create/remove space tool': '插入/删除空间',
  'Activate global connect tool': '连线工具',
  'Create start event': '开始事件',
  'Create intermediate/boundary event': '中间/边界事件',
  'Create end event': '结束事件',
  'Create gateway': '网关',
  'Create task': '任务',
  'Create data object reference': '数据对象',
  'Create data store reference': '数据存储',
  'Create expanded sub-process': '展开的子流程',
  'Create pool/participant': '池/参与者',
  'Create group': '组',
  // context pad
  'Append end event': '追加结束事件',
  'Append gateway': '追加网关',
  'Append task': '追加任务',
  'Append intermediate/boundary event': '追加中间/边界事件',
  'Append timer intermediate catch event': '追加定时中间事件',
  'Append message intermediate catch event': '追加消息中间事件',
  'Append receive task': '追加接收任务',
  'Append compensation activity': '追加补偿活动',
  'Add text annotation': '添加注释',
  'Add lane above': '在上方添加泳道',
  'Add lane below': '在下方添加泳道',
  'Divide into two lanes': '分为两个泳道',
  'Divide into three lanes': '分为三个泳道',
  'Change element': '更改类型',
  'Connect to other element': '连接到其他元素',
  'Connect using association': '用关联连接',
  'Delete': '删除',
  // properties panel
  'General': '常规',
  'Name': '名称',
  'ID': 'ID',
  'Documentation': '说明',
  'Element documentation': '元素说明',
  'Process documentation': '流程说明',
  'Process': '流程',
  'Process name': '流程名称',
  'Process ID': '流程 ID',
  'Executable': '可执行',
  'Timer': '定时器',
  'Type': '类型',
  'Value': '值',
  'Date': '日期',
  'Duration': '时长',
  'Cycle': '周期',
  '<none>': '<无>',
  'Message': '消息',
  'Signal': '信号',
  'Escalation': '升级',
  'Error': '错误',
  'Multi-instance': '多实例',
  'Loop cardinality': '循环次数',
  'Completion condition': '完成条件',
  'Select an element to edit its properties.': '选择一个元素以编辑其属性。',
  'Multiple elements are selected. Select a single element to edit its properties.': '选择了多个元素，请只选一个以编辑其属性。',
  // linting
  'No Issues': '没有问题',
  '{errors} Errors, {warnings} Warnings': '{errors} 个错误，{warnings} 个警告',
  'Issues for child elements': '子元素的问题',
  'Toggle linting overlays': '显示/隐藏检查结果',
  // messages of bpmnlint's recommended rules
  'A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional': '事件网关的出口顺序流不能带条件',
  'A <Start Event> is not allowed in <Ad Hoc Sub Process>': '自由子流程中不能有开始事件',
  'An <End Event> is not allowed in <Ad Hoc Sub Process>': '自由子流程中不能有结束事件',
  'An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>': '事件网关至少要有 2 条出口顺序流',
  'Conditional event is missing a condition': '条件事件缺少条件',
  'Duplicate incoming sequence flows': '重复的入口顺序流',
  'Duplicate outgoing sequence flows': '重复的出口顺序流',
  'Element is an implicit end': '元素是隐式结束（没有出口流，应接结束事件）',
  'Element is an implicit start': '元素是隐式开始（没有入口流，应从开始事件出发）',
  'Element is missing bpmndi': '元素缺少图形信息（bpmndi）',
  'Element is missing label/name': '元素缺少名称',
  'Element is missing name': '元素缺少名称',
  'Element is not connected': '元素没有连线',
  'Element is outside of parent boundary': '元素超出了所在容器的边界',
  'Element is unused': '元素未被使用',
  'Element name is not unique': '元素名称不唯一',
  'Element overlaps with other element': '元素与其他元素重叠',
  'Event has multiple event definitions': '事件有多个事件定义',
  'Flow splits implicitly': '隐式分支（应使用网关）',
  'Gateway forks and joins': '网关同时分支和汇合',
  'Gateway is superfluous. It only has one source and target.': '网关多余：只有一个入口和一个出口。',
  'Incoming flows do not join': '入口流没有汇合（应使用网关）',
  'Link event is missing link name': '链接事件缺少链接名称',
  'Sequence flow has superfluous label': '顺序流的标签多余',
  'Sequence flow is missing condition': '顺序流缺少条件',
  'SequenceFlow is a duplicate': '顺序流重复',
  'Start event is missing event definition': '开始事件缺少事件定义',
  'Start event must be blank': '开始事件必须是空白开始事件',
  'Termination is superfluous.': '终止结束事件多余。'
};

export function zhTranslate(template, replacements) {
  replacements = replacements || {};
  const text = ZH[template] || template;
  return text.replace(/{([^}]+)}/g, function(_, key) {
    return key in replacements ? replacements[key] : '{' + key + '}';
  });
}

export default {
  translate: [ 'value', zhTranslate ]
};
