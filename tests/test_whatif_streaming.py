"""Issue 14, W2: the what-if reads one month at a time and rates each
agency-month once per price list, with exactly the result of the comparison
over every month held at once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from billing.persistence.mapping import load_agencies, load_price_lists, load_volumes
from billing.persistence.volume_stream import month_service_totals
from billing.quoting.whatif import STEP, compare_months, compare_price_lists
from billing.services.catalogue import stored_catalogue
from billing.files.tariff_file import load_price_list
from billing.services.quotes import what_if
from test_whatif import AGENCIES, CURRENT, DRAFT, NOV, DEC, VOLUMES, WORLD_DIFFERENCES, _rows, draft_file, world
import factories as f


def test_streamed_months_give_exactly_the_comparison_of_all_months_held(engine, tmp_path):
    world(engine, tmp_path)
    draft_path = draft_file(tmp_path)
    with Session(engine) as session:
        streamed, months, _ = what_if(session, draft_path, None, None)
        catalogue = stored_catalogue(session)
        held = compare_price_lists(catalogue, load_price_lists(session), load_price_list(draft_path, catalogue),
                                   load_agencies(session), {m: load_volumes(session, m) for m in months})
        # A month's totals hold each agency's quantity of each service, as its records sum.
        orgs = {i: a.organisation_number for i, a in load_agencies(session).items()}
        for month in months:
            records = load_volumes(session, month)
            totals = month_service_totals(session, month, orgs)
            assert set(totals) == set(records)
            for agency_id, summed in totals.items():
                expected = {}
                for r in records[agency_id]:
                    expected[r.service] = expected.get(r.service, Decimal(0)) + r.quantity
                assert {t.service: t.quantity for t in summed} == expected
                assert {t.organisation_number for t in summed} == {orgs[agency_id]}
    assert months == [NOV, DEC]
    assert streamed == held
    assert _rows(streamed) == WORLD_DIFFERENCES
    # By hand (tests/test_whatif.py): every current amount of the two months,
    # 6542.00 + 6886.00 + 23377.50 + 6864.00 + 7044.00 = 50713.50; the draft
    # adds 10 % of the PAY-SLIP-DEV charges 198 + 264 + 330 + 396 = 1188.00, +118.80.
    assert sum((d.current for d in streamed), Decimal(0)) == Decimal("50713.50")
    assert sum((d.draft for d in streamed), Decimal(0)) == Decimal("50832.30")


def test_each_month_is_rated_before_the_next_is_read():
    """Only one month is held: the next month is asked for after the last
    agency of the month before has been rated."""
    told: list[tuple[str, object]] = []
    second = {**VOLUMES[NOV]}  # December: the same records again

    def months():
        for month, volumes in ((NOV, VOLUMES[NOV]), (DEC, second)):
            told.append(("read", month))
            yield month, volumes

    def progress(step, done, total):
        assert step == STEP
        told.append(("rated", done))

    result = compare_months(f.catalogue(), CURRENT, DRAFT, AGENCIES, months(), 2, progress)
    agencies = len(AGENCIES)
    assert told == [("rated", 0), ("read", NOV), *(("rated", n) for n in range(1, agencies + 1)),
                    ("read", DEC), *(("rated", n) for n in range(agencies + 1, 2 * agencies + 1))]
    # Two months of the same volumes: twice the one-month comparison, row by row
    # (Ankarverket 3920.00 -> 3982.00 a month: 7840.00 -> 7964.00).
    once = compare_price_lists(f.catalogue(), CURRENT, DRAFT, AGENCIES, VOLUMES)
    assert [(d.organisation_number, d.area, d.current, d.draft) for d in result] == [
        (d.organisation_number, d.area, 2 * d.current, 2 * d.draft) for d in once]
    assert (result[0].current, result[0].draft) == (Decimal("7840.00"), Decimal("7964.00"))
