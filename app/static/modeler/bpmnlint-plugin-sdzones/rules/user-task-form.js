// Every user task names its form (spiffworkflow:property formJsonSchemaFilename), and any element
// naming a form names one of the draft's forms.
const { is, pageList, text, spiffProperty } = require('./helper');

module.exports = function() {
  function check(node, reporter) {
    if (!is(node, 'bpmn:FlowNode')) {
      return;
    }
    const form = spiffProperty(node, 'formJsonSchemaFilename');
    if (is(node, 'bpmn:UserTask') && !text(form)) {
      reporter.report(node.id, '用户任务未指定表单（formJsonSchemaFilename）', [ 'extensionElements' ]);
      return;
    }
    const forms = pageList('forms');
    if (form !== null && text(form) && forms && forms.indexOf(text(form)) === -1) {
      reporter.report(node.id, '表单 ' + text(form) + ' 不在本草稿的表单中', [ 'extensionElements' ]);
    }
  }
  return { check };
};
