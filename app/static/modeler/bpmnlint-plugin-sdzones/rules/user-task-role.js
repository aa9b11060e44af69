// Every user task sits in a lane (directly or through its sub-process) whose name is a role.
const { is, pageList, text, laneOf } = require('./helper');

module.exports = function() {
  function check(node, reporter) {
    if (!is(node, 'bpmn:UserTask')) {
      return;
    }
    const lane = laneOf(node);
    if (!lane) {
      reporter.report(node.id, '用户任务不在任何泳道中，无人能办理');
      return;
    }
    const roles = pageList('roles');
    const name = text(lane.name);
    if (!name) {
      reporter.report(node.id, '用户任务所在泳道没有名称（须为角色名）');
    } else if (roles && roles.indexOf(name) === -1) {
      reporter.report(node.id, '泳道“' + name + '”不是角色名（可选：' + roles.join('、') + '）');
    }
  }
  return { check };
};
