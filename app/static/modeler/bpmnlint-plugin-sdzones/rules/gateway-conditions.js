// An exclusive or inclusive gateway that splits has a condition on each outgoing flow but its default.
const { is, text } = require('./helper');

module.exports = function() {
  function check(node, reporter) {
    if (!is(node, 'bpmn:ExclusiveGateway') && !is(node, 'bpmn:InclusiveGateway')) {
      return;
    }
    const outgoing = node.outgoing || [];
    if (outgoing.length < 2) {
      return;
    }
    outgoing.forEach(function(flow) {
      if (node['default'] === flow) {
        return;
      }
      const condition = flow.conditionExpression;
      if (!condition || !text(condition.body)) {
        reporter.report(flow.id, '分支网关的出口顺序流缺少条件（或设为默认流）', [ 'conditionExpression' ]);
      }
    });
  }
  return { check };
};
