"""The process owner's workbench: drafts and their checks, regression replay, deploy, migration."""
