"""The monthly billing run: rate every agency, number and issue all invoices at once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.collector import bulk_phase
from billing.audit.volume_guards import ALL, DEFAULT_DROP_THRESHOLD, VolumeFinding, unallowed, volume_findings
from billing.domain.agency import Agency
from billing.domain.catalogue import Catalogue
from billing.domain.organisation import normalise_organisation_number
from billing.errors import AlreadyDone, DataError, Problem
from billing.domain.timing import check_billable
from billing.invoicing.credit_balance import split_credit_balances
from billing.invoicing.document import AgencyDocument, Invoice, draft_invoice
from billing.invoicing.issue_rules import issue_problems
from billing.period import Month
from billing.persistence.invoice_store import issue_documents
from billing.persistence.locks import lock_billing
from billing.persistence.mapping import load_agencies, load_pass_through, load_price_lists, load_volumes
from billing.persistence.documents import credited_alone_invoices
from billing.persistence.models import BillingRunRow
from billing.persistence.run_reads import latest_issue_date, volume_totals
from billing.plural import counted
from billing.progress import Progress, silent, tracked
from billing.rating.rater import RatingContext, rate_agency_month
from billing.services.catalogue import stored_catalogue
from billing.services.events import now, operator, record_event


# Agencies rated per chunk, each chunk's records read together (draft_month).
AGENCY_CHUNK = 1000


@dataclass(frozen=True)
class RunResult:
    period: Month
    invoices: tuple[Invoice, ...]
    # Drafts of agencies whose month nets to a credit: not issued (invoicing/credit_balance.py).
    held_back: tuple[Invoice, ...] = ()
    # What looked missing in the month's volumes, and was billed anyway on purpose.
    allowed: tuple[VolumeFinding, ...] = ()


@dataclass(frozen=True)
class Override:
    """Billing a month deliberately although its volumes look missing: the
    agencies (organisation numbers, or "all") and why."""

    agencies: tuple[str, ...] = ()
    reason: str = ""
    drop_threshold: Decimal = DEFAULT_DROP_THRESHOLD

    @classmethod
    def of(cls, agencies: Collection[str], reason: str | None,
           drop_threshold: Decimal = DEFAULT_DROP_THRESHOLD) -> "Override":
        if drop_threshold < 0 or drop_threshold > 100:
            raise DataError.single(f"the drop threshold is a percentage from 0 to 100, not {drop_threshold}",
                                   field="drop_threshold")
        named = []
        for agency in agencies:
            if agency.strip().lower() == ALL:
                named.append(ALL)
                continue
            try:
                named.append(normalise_organisation_number(agency))
            except ValueError as exc:
                raise DataError.single(str(exc), field="allow_missing") from None
        if named:
            # Here, not at import: the file readers' fields load pydantic (0.09 s).
            from billing.files.fields import checked_reason
            reason = checked_reason(reason or "", "billing a month whose volumes look missing")
        elif reason:
            raise DataError.single("a reason is given only with --allow-missing", field="reason")
        return cls(tuple(named), reason or "", drop_threshold)


@dataclass(frozen=True)
class RunChecks:
    findings: tuple[VolumeFinding, ...] = ()
    blocking: tuple[VolumeFinding, ...] = ()
    problems: tuple[Problem, ...] = field(default=())  # the order of months and dates


class Known:
    """What the checks and the drafts of a month both read, each read once,
    when first needed (so errors come in the order they always did): the
    agencies (all, or the one) and the catalogue."""

    def __init__(self, session: Session, agency_id: int | None = None):
        self._session, self._agency_id = session, agency_id

    @cached_property
    def agencies(self) -> dict[int, Agency]:
        return load_agencies(self._session, None if self._agency_id is None else [self._agency_id])

    @cached_property
    def catalogue(self) -> Catalogue:
        return stored_catalogue(self._session)


def draft_month(session: Session, month: Month, issue_date: date,
                agency_id: int | None = None, progress: Progress = silent,
                known: Known | None = None) -> list[AgencyDocument]:
    """Unnumbered invoices for every agency (or the one agency) with anything to
    bill, ordered by organisation number; writes nothing. This is also the
    preview of a run. Every agency's problems are collected before anything is
    raised. ``known``: the agencies and catalogue, when the caller has read them.

    The agencies are rated AGENCY_CHUNK at a time, each chunk with its own
    volumes and pass-through charges: a month of 10,000 agencies never holds
    all its volume records at once, and one agency's draft (a correction, the
    audit's check of a month held back) reads that agency's records only."""
    known = known or Known(session, agency_id)
    ctx = RatingContext(month, known.catalogue, load_price_lists(session))
    ordered = sorted(known.agencies.items(), key=lambda item: item[1].organisation_number)
    rated = tracked(ordered, "Rating agencies", progress)
    problems: list[Problem] = []
    drafts = []
    for start in range(0, len(ordered), AGENCY_CHUNK):
        ids = [agency_id for agency_id, _ in ordered[start:start + AGENCY_CHUNK]]
        volumes = load_volumes(session, month, ids)
        pass_through = load_pass_through(session, month, ids)
        for agency_id, agency in islice(rated, len(ids)):
            in_force = agency.has_agreement_in(month)
            if not (in_force or volumes.get(agency_id) or pass_through.get(agency_id)):
                continue
            try:
                lines = rate_agency_month(ctx, agency, volumes.get(agency_id, ()),
                                          pass_through.get(agency_id, ()))
            except DataError as error:
                problems += error.problems
                continue
            if lines:
                drafts.append(AgencyDocument(agency_id, draft_invoice(agency, month, issue_date, lines)))
    next(rated, None)  # past the last agency: progress is told it is done
    if problems:
        raise DataError(problems)
    return drafts


def check_issuable(drafts: list[AgencyDocument]) -> None:
    """Every invoice to issue names the buyer's address and why each 0 % line
    carries no VAT (invoicing.issue_rules); else nothing is issued."""
    problems = issue_problems(d.document for d in drafts)
    if problems:
        raise DataError(problems)


def billed_months(session: Session) -> set[Month]:
    """Months with a billing run: closed to new charges except through corrections."""
    return set(session.scalars(select(BillingRunRow.period)))


def check_in_arrears(month: Month, issue_date: date) -> None:
    """A month is billed, or corrected, once it has ended, with documents dated after it."""
    check_billable(month, issue_date, date.today())


def already_billed(session: Session, month: Month, previous: BillingRunRow | None = None) -> AlreadyDone:
    """A month is billed once; an agency credited on its own since is billed
    again by a correction naming it."""
    said = (f"{month} is already billed: {previous.invoice_count} invoices issued "
            f"{previous.run_date.isoformat()} by {previous.run_by}; nothing issued now"
            if previous is not None else
            f"{month} is already billed: a run would issue nothing; changes to a billed month "
            f"are made with 'billing correct {month}'")
    for head in credited_alone_invoices(session, month):
        said += (f". {head.organisation_number} {head.agency_name} is unbilled for {month}: its invoice "
                 f"{head.number} was credited on its own; bill it again with "
                 f"'billing correct {month} --agency {head.organisation_number}'")
    return AlreadyDone(said)


def check_run(session: Session, month: Month, issue_date: date,
              override: Override = Override(), known: Known | None = None) -> RunChecks:
    """Everything that must hold before a month is billed, found without
    raising (the dry run shows it): months are billed in order, no document is
    dated before the newest one, and the volumes do not look missing."""
    known = known or Known(session)
    billed = billed_months(session)
    problems = order_problems(session, month, billed, known)
    problems += date_problems(session, issue_date)
    earlier = [m for m in billed if m < month]
    previous_month = max(earlier) if earlier else None
    totals = volume_totals(session, [month] + ([previous_month] if previous_month else []))
    agencies = known.agencies.values()
    names = {a.organisation_number: a.name for a in agencies}
    if not totals[month] and not any(a.has_agreement_in(month) for a in agencies):
        return RunChecks(problems=tuple(problems))  # nothing to bill, so nothing looks missing
    findings = volume_findings(known.catalogue, month, totals[month], previous_month,
                               totals.get(previous_month, {}) if previous_month else {},
                               names, override.drop_threshold)
    return RunChecks(findings, unallowed(findings, override.agencies), tuple(problems))


@dataclass(frozen=True)
class RunPreview:
    """What a run of the month would do, written nowhere (the dry run)."""

    checks: RunChecks
    issuable: tuple[AgencyDocument, ...]
    held: tuple[AgencyDocument, ...]
    refused: tuple[Problem, ...]


def preview_run(session: Session, month: Month, issue_date: date, override: Override = Override(),
                progress: Progress = silent) -> RunPreview:
    """The dry run: the checks the run would make, and the invoices it would
    issue and hold back. A month already billed, or not yet ended, is refused
    as the run refuses it; so is an invoice the run could not issue."""
    if month in billed_months(session):
        raise already_billed(session, month)
    check_in_arrears(month, issue_date)
    known = Known(session)
    checks = check_run(session, month, issue_date, override, known)
    issuable, held = split_credit_balances(draft_month(session, month, issue_date, progress=progress,
                                                       known=known))
    check_issuable(issuable)
    return RunPreview(checks, tuple(issuable), tuple(held), tuple(refusal(checks, month)))


def order_problems(session: Session, month: Month, billed: set[Month],
                   known: Known | None = None) -> list[Problem]:
    """Months are billed in order: not before a month already billed, nor while
    an earlier month with an agreement in force is unbilled. The months before
    the first billed one are before the database's time and free."""
    later = sorted(m for m in billed if m > month)
    if later:
        return [Problem(f"months are billed in order: {later[0]} is already billed, so {month} "
                        f"cannot be billed after it", field="period")]
    if not billed:
        return []
    agencies = (known or Known(session)).agencies.values()
    candidate = min(billed).next()
    while candidate < month:
        if candidate not in billed and any(a.has_agreement_in(candidate) for a in agencies):
            return [Problem(f"months are billed in order: {candidate} has agreements in force and is "
                            f"not billed; bill it first ('billing run {candidate}')", field="period")]
        candidate = candidate.next()
    return []


def date_problems(session: Session, issue_date: date) -> list[Problem]:
    """Dates never go backwards along the number series."""
    latest = latest_issue_date(session)
    if latest is not None and issue_date < latest[1]:
        number, newest = latest
        return [Problem(f"the date {issue_date} is before document {number}'s {newest}: documents' "
                        f"dates never go backwards along the number series", field="issue_date")]
    return []


def check_date_order(session: Session, issue_date: date) -> None:
    problems = date_problems(session, issue_date)
    if problems:
        raise DataError(problems)


def refusal(checks: RunChecks, month: Month) -> list[Problem]:
    """The problems that stop a run, with how to go on deliberately."""
    problems = list(checks.problems)
    for finding in checks.blocking:
        who = finding.organisation_number or ALL
        problems.append(Problem(f"{month}'s volumes look missing: {finding.message}; to bill it anyway, "
                                f"give --allow-missing {who} --reason TEXT", field="allow_missing"))
    return problems


@bulk_phase
def run_month(session: Session, month: Month, issue_date: date,
              override: Override = Override(), progress: Progress = silent) -> RunResult:
    """Issue the month's invoices, all in the caller's transaction, or none. An
    agency whose month nets to a credit is held back (no invoice for a negative
    amount); the others are issued, and the month counts as billed."""
    # Taken before anything is read: a second run of the month, or an import,
    # waits here until this run commits, and then sees it.
    lock_billing(session)
    previous = session.scalars(select(BillingRunRow).where(BillingRunRow.period == month)).first()
    if previous is not None:
        raise already_billed(session, month, previous)
    check_in_arrears(month, issue_date)
    known = Known(session)  # once, for the checks and the drafts
    checks = check_run(session, month, issue_date, override, known)
    problems = refusal(checks, month)
    if problems:
        raise DataError(problems)
    drafts, held = split_credit_balances(draft_month(session, month, issue_date, progress=progress,
                                                     known=known))
    if not drafts and not held:
        return RunResult(month, (), allowed=checks.findings)
    check_issuable(drafts)
    run = BillingRunRow(period=month, run_date=issue_date, started_at=now(), run_by=operator(),
                        invoice_count=len(drafts))
    session.add(run)
    session.flush()
    issued = issue_documents(session, drafts, run.id) if drafts else []
    summary = (f"{counted(len(issued), 'invoice')} issued, numbers {issued[0].number}-{issued[-1].number}"
               if issued else "no invoices issued")
    if held:
        summary += ("; held back, netting to a credit: "
                    + ", ".join(d.document.organisation_number for d in held))
    arguments = {"period": str(month), "date": issue_date.isoformat()}
    if checks.findings:
        arguments |= {"allow_missing": ",".join(override.agencies), "reason": override.reason}
        summary += "; billed although its volumes looked missing: " + "; ".join(
            f.message for f in checks.findings) + f" (reason: {override.reason})"
    record_event(session, "run", arguments, summary)
    return RunResult(month, tuple(issued), tuple(d.document for d in held), checks.findings)
