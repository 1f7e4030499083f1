"""`billing verify`: every stored document against its seal and the series."""

from __future__ import annotations

from sqlalchemy.orm import Session

from billing.audit.chain import Verification, verify_chain
from billing.persistence.documents import sealed_documents, series_state


def verify_documents(session: Session) -> Verification:
    """Recompute every seal from the document as stored, follow the chain, and
    check the numbers against the series (audit/chain.py, audit/numbering.py)."""
    return verify_chain(sealed_documents(session), series_state(session))
