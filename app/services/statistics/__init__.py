"""Figures of the programme for the command centre, read from indexed summary columns."""
