"""The auditor's tools: chain verification, re-execution, replay, exports and the security log."""
