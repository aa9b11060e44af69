from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from ...services import audit, chain_check, queries, reexecution, replay_view
from . import bp


@bp.get("/instances/<int:instance_id>")
@login_required
def instance(instance_id: int):
    """The audit page; ?check=chain and ?check=reexecute run the checks (read-only, so GET)."""
    instance = audit.audited_instance(current_user, instance_id)
    check = request.args.get("check")
    return render_template(
        "audit/instance.html",
        instance=instance,
        chain=chain_check.verify_chain(instance) if check == "chain" else None,
        reexecuted=reexecution.reexecute(instance) if check == "reexecute" else None,
    )


@bp.get("/instances/<int:instance_id>/replay")
@login_required
def replay(instance_id: int):
    """Step through the history on the diagram (frames rebuilt by re-execution)."""
    instance = audit.audited_instance(current_user, instance_id)
    frames, problem = replay_view.frames_of(instance, str(get_locale()))
    return render_template(
        "audit/replay.html",
        instance=instance,
        frames=replay_view.frames_json(frames),
        problem=problem,
        diagram_tabs=queries.diagram_tabs(instance),
    )
