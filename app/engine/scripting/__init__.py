"""Diagram code: the restricted evaluator and the processes that run it under hard limits.

Two sides, in two processes:

* in the evaluator process (``evaluator_child``, started by ``evaluator_pool``): ``sandbox`` (static
  policy, rewrite, trace budget), ``sandbox_guards`` (the run-time helpers rewritten code calls),
  ``sandbox_limits`` (the limits and names both share) and ``script_functions`` (date helpers a
  script may call). These import nothing outside the standard library but ``app.engine.errors``;
* in the server: ``script_engine``, SpiffWorkflow's script engine sending every evaluation to
  ``evaluator_pool``; ``evaluator_wire`` frames the messages both sides exchange.

The evaluator process loads its modules without running this file or the packages above it (see
``evaluator_pool._BOOTSTRAP``): keep this file free of imports.
"""
