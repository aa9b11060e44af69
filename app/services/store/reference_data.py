"""The reference data every installation needs: Shandong's organisations from the divisions data."""

from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...models import Organisation
from ...reference import load_divisions


def load_reference_data() -> int:
    """Organisations from the divisions data (province, 16 cities, 136 counties); idempotent."""
    by_adcode = {o.adcode: o for o in db.session.scalars(select(Organisation))}
    for division in load_divisions():  # parents come before children in the file
        org = by_adcode.get(division.adcode) or Organisation(adcode=division.adcode)
        org.name, org.level = division.name, division.level
        parent = by_adcode.get(division.parent_adcode) if division.parent_adcode else None
        org.parent = parent
        db.session.add(org)
        by_adcode[division.adcode] = org
    db.session.commit()
    return db.session.scalar(select(func.count(Organisation.id))) or 0
