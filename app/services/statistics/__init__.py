"""Figures across applications for the command centre: statistics, the county map, process mining."""
