"""The service layer: the web views and the JSON API both call these functions, nothing else."""
