"""Figures across applications for the command centre: statistics and process mining."""
