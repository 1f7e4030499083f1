"""`billing payments list`: every payment stored, what became of it, what is left."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from billing.payments.ledger import ZERO, agency_of_payment, reversed_ids
from billing.persistence.documents import heads_issued_until
from billing.persistence.receivables import agency_contacts, payment_details, stored_applications


def listed_payments(session: Session, unapplied_only: bool = False) -> list[dict[str, object]]:
    applications = stored_applications(session)
    agencies = agency_contacts(session)
    agency_of_document = {h.number: h.agency_id for h in heads_issued_until(session)}
    undone = reversed_ids(applications)
    rows = []
    for details in payment_details(session):
        payment = details.payment
        own = [a for a in applications if a.payment_id == payment.id]
        applied = sum((a.amount for a in own if a.document is not None), ZERO)
        refunded = sum((a.amount for a in own if a.document is None), ZERO)
        left: Decimal = payment.amount - applied - refunded
        agency = agency_of_payment(payment, own, agency_of_document)
        status = ("unapplied" if agency is None and left else "credit-balance" if left
                  else "refunded" if refunded else "applied")
        if unapplied_only and status != "unapplied":
            continue
        standing = [a for a in own if a.reverses is None and a.id not in undone]
        rows.append({"payment": payment.id, "booked_on": payment.booked_on, "amount": payment.amount,
                     "reference": payment.reference, "payer_organisation_number": payment.payer_organisation_number,
                     "agency": "" if agency is None else agencies[agency].name, "applied": applied,
                     "documents": ", ".join(f"{'återbetalt' if a.document is None else a.document} "
                                            f"(avräkning {a.id})" for a in standing),
                     "refunded": refunded, "left": left, "status": status,
                     "file": f"{details.file_name}:{details.line}"})
    return rows
