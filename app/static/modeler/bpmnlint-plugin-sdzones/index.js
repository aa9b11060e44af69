// The sdzones rules for bpmnlint. The page sets window.SDZONES_MODELER = {forms: [...], roles: [...]};
// without it (e.g. the CLI) the rules check presence only, not membership.
module.exports = {
  configs: {
    recommended: {
      rules: {
        'user-task-form': 'error',
        'user-task-role': 'error',
        'gateway-conditions': 'error',
        'timer-expression': 'error',
        'script-task-script': 'error'
      }
    }
  }
};
