"""The service layer: everything the web pages, the API and the command line do, shaped like the domain.

Packages, lowest first; each may import only the ones before it (tests/test_architecture.py checks):

* ``store``: the unit of work every workflow step takes (``step``) around the one transaction
  (``transitions``), loading a live workflow (``runs``), the hash chain, deployed versions,
  documents kept out of the state, incidents, the reference data;
* ``reading``: what pages read without changing anything: lists, the history as people read it, the
  printable application form, the application as submitted and its revisions (what reviewers read
  beside their tasks), the people a picker offers;
* ``lifecycle``: what participants do: start applications, complete tasks, start requests, upload
  files; the timer worker's pass; the calls;
* ``audit``: chain verification, re-execution, step-through replay, exports, the security log and who
  may audit;
* ``workbench``: the process owner's drafts, their checks, regression replay, deploy and migration;
* ``accounts``: sign-in, passwords, API tokens, sessions and their throttling.

``errors`` holds the exceptions every package raises and the web turns into responses. Demo data is
not a service: it lives in ``app.demo``.
"""
