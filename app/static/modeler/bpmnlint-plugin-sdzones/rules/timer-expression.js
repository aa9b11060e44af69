// Every timer event states when it fires: a non-empty timeDate, timeDuration or timeCycle
// (the server checks that the expression parses).
const { is, text } = require('./helper');

module.exports = function() {
  function check(node, reporter) {
    if (!is(node, 'bpmn:Event')) {
      return;
    }
    (node.eventDefinitions || []).forEach(function(definition) {
      if (!is(definition, 'bpmn:TimerEventDefinition')) {
        return;
      }
      const expression = definition.timeDate || definition.timeDuration || definition.timeCycle;
      if (!expression || !text(expression.body)) {
        reporter.report(node.id, '定时事件缺少时间表达式（timeDate / timeDuration / timeCycle）', [ 'eventDefinitions' ]);
      }
    });
  }
  return { check };
};
