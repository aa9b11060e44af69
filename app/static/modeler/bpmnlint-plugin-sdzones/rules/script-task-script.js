// Every script task has a script.
const { is, text } = require('./helper');

module.exports = function() {
  function check(node, reporter) {
    if (is(node, 'bpmn:ScriptTask') && !text(node.script)) {
      reporter.report(node.id, '脚本任务缺少脚本', [ 'script' ]);
    }
  }
  return { check };
};
