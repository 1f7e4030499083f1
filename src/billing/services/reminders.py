"""`billing reminders`: a PDF per agency with its overdue items, recorded so
that an item is not reminded again within the interval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from billing.domain.seller import Centre
from billing.errors import DataError
from billing.money import format_sek
from billing.payments.ledger import ZERO
from billing.payments.reminders import ReminderLetter, due_for_reminder, letters
from billing.pdf.reminder_pdf import render_reminder
from billing.persistence.locks import lock_billing
from billing.persistence.receivables import last_reminded, store_reminder
from billing.services.events import now, operator, record_event
from billing.services.receivables import ledger_state


@dataclass(frozen=True, slots=True)
class SentReminder:
    letter: ReminderLetter
    path: Path | None  # None on a dry run


def send_reminders(session: Session, day: date, days: int, interval: int, out: Path, centre: Centre,
                   dry_run: bool = False) -> list[SentReminder]:
    if days < 1 or interval < 1:
        raise DataError.single("--days and --interval are whole days, at least 1",
                               field="days" if days < 1 else "interval")
    lock_billing(session)
    state = ledger_state(session, day)
    chosen = due_for_reminder(state.items, day, days, interval, last_reminded(session))
    agencies = {a.id: (a.organisation_number, a.name, a.address) for a in state.agencies.values()}
    made = letters(chosen, day, centre.receivables.reminder_fee, agencies)
    if dry_run:
        return [SentReminder(letter, None) for letter in made]
    sent = []
    if made:
        out.mkdir(parents=True, exist_ok=True)
    stamp, user = now(), operator()
    for letter in made:
        path = out / f"paminnelse-{letter.organisation_number}-{day.isoformat()}.pdf"
        path.write_bytes(render_reminder(letter, centre.seller))
        for index, line in enumerate(letter.lines):
            store_reminder(session, letter.agency_id, line.document, day, line.open,
                           letter.fee if index == 0 else ZERO, str(path), stamp, user)
        sent.append(SentReminder(letter, path))
    if sent:
        items = sum(len(s.letter.lines) for s in sent)
        record_event(session, "reminders", {"date": day.isoformat(), "days": str(days), "interval": str(interval),
                                            "out": str(out)},
                     f"{len(sent)} reminders, {items} items, "
                     f"{format_sek(sum((s.letter.total for s in sent), ZERO))} SEK")
    return sent
