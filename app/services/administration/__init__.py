"""Administration: users and units, their import from a sheet, and the log of every change.

Every change an administrator makes goes through these services, which write an ``AdminChange``
row (who, when, before → after) in the same transaction as the change itself.
"""
