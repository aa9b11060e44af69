"""Figures across applications for the command centre: the dashboard, the statistics report, the
county map, process mining."""
