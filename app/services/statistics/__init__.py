"""The command centre's figures: the dashboard (``dashboard``), how long phases take (``phase_times``),
the annual statistics report (``report``) and their Excel workbooks (``workbooks``).

Every figure is an aggregate SQL query over the summary columns of applications, their ready tasks
and their history events, narrowed by ``scope.visible_instances_filter``: no workflow state is loaded.
Which tasks are annual duties, requests or reviews is read from the deployed diagrams by their forms
(``kinds_of_work``), never from element ids a process owner may rename.
"""
