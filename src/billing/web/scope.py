"""Which agency a page is about: an agency user's own, always; for staff the
one asked for (?agency=ORGNR or a part of the name)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.services.listings import find_agency
from billing.web.security import Viewer


def chosen_agency(session: Session, who: Viewer, agency: str | None) -> int | None:
    """The agency's id; None when staff have not chosen one."""
    if not who.user.is_staff:
        return who.user.agency_id
    if not agency:
        return None
    return find_agency(session, agency).id


def required_agency(session: Session, who: Viewer, agency: str | None) -> int:
    found = chosen_agency(session, who, agency)
    if found is None:
        raise DataError.single("choose an agency (?agency=ORGNR)", field="organisation_number")
    return found
