"""The small domain helpers every layer uses instead of its own copy: an
agreement in force in a month, the organisation number's form, the key of a
volume record, and the Swedish names of the document kinds."""

from __future__ import annotations

from datetime import date

import pytest
from factories import (BAD_CHECK_DIGIT_ORG, FINANCE, M, ORG, OTHER_ORG, PAYROLL, agency, agreement,
                       volume)

from billing.domain.organisation import normalise_organisation_number, organisation_number_digits
from billing.domain.volume import record_key, volume_key
from billing.invoicing.document import DocumentKind

# --- an agreement in force in a month ------------------------------------------------


def test_an_agreement_is_in_force_in_a_month_it_covers_on_any_day():
    # Connected on November's last day: one day in force is enough.
    last_day = agreement(PAYROLL, date(2012, 11, 30))
    assert last_day.in_force(M("2012-11")) and last_day.in_force(M("2012-12"))
    assert not last_day.in_force(M("2012-10"))
    # Ended on November's first day: in force in November, not after.
    first_day = agreement(PAYROLL, date(2012, 6, 1), ends_on=date(2012, 11, 1))
    assert first_day.in_force(M("2012-11"))
    assert not first_day.in_force(M("2012-12"))


def test_an_agency_has_an_agreement_in_a_month_when_any_area_is_in_force():
    ended = agreement(PAYROLL, date(2012, 6, 1), ends_on=date(2012, 10, 31))
    later = agreement(FINANCE, date(2012, 12, 10))
    the_agency = agency(ended, later)
    assert the_agency.has_agreement_in(M("2012-10"))  # payroll, to its last day
    assert not the_agency.has_agreement_in(M("2012-11"))  # between the two
    assert the_agency.has_agreement_in(M("2012-12"))  # finance, from the 10th
    assert not the_agency.has_agreement_in(M("2012-05"))  # before both


# --- organisation numbers ------------------------------------------------------------


def test_normalise_organisation_number():
    assert normalise_organisation_number("2021326364") == "202132-6364"
    assert normalise_organisation_number(OTHER_ORG) == OTHER_ORG
    with pytest.raises(ValueError):
        normalise_organisation_number(BAD_CHECK_DIGIT_ORG)
    with pytest.raises(ValueError):
        normalise_organisation_number("20213-6364")


def test_organisation_number_digits_of_a_valid_number_only():
    assert organisation_number_digits(ORG) == "2021326364"
    assert organisation_number_digits("2021326364") == "2021326364"
    assert organisation_number_digits(BAD_CHECK_DIGIT_ORG) is None
    assert organisation_number_digits("") is None


# --- the key of a volume record ------------------------------------------------------


def test_a_record_with_the_same_period_agency_service_and_reference_has_the_same_key():
    first = volume("PAY-SLIP-DEV", 3, reference="R-1")
    # Another quantity and another id: a revision of the same record.
    assert record_key(volume("PAY-SLIP-DEV", 4, id=7, reference="R-1")) == record_key(first)
    assert record_key(volume("PAY-SLIP-DEV", 3, reference="R-2")) != record_key(first)
    assert record_key(volume("PAY-SLIP-ATT", 3, reference="R-1")) != record_key(first)
    assert record_key(volume("PAY-SLIP-DEV", 3, reference="R-1", period="2012-12")) != record_key(first)
    assert record_key(volume("PAY-SLIP-DEV", 3, reference="R-1", org=OTHER_ORG)) != record_key(first)


def test_a_stored_row_is_keyed_as_the_record_read_from_a_file():
    # The import keys what is stored from its columns; the file's record must meet it.
    assert volume_key(M("2012-11"), ORG, "PAY-SLIP-DEV", "R-1") == record_key(
        volume("PAY-SLIP-DEV", 3, reference="R-1"))
    assert volume_key(M("2012-11"), ORG, "PAY-SLIP-DEV", "R-1") == ("2012-11", ORG, "PAY-SLIP-DEV", "R-1")


# --- the document kinds' Swedish names -----------------------------------------------


def test_each_document_kind_carries_its_swedish_names():
    invoice, credit_note = DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE
    assert (invoice.label, credit_note.label) == ("Faktura", "Kreditfaktura")
    assert (invoice.short_label, credit_note.short_label) == ("Faktura", "Kredit")
    assert (invoice.number_label, credit_note.number_label) == ("Fakturanummer", "Kreditfakturanummer")
    assert (invoice.file_stem, credit_note.file_stem) == ("faktura", "kreditfaktura")


def test_the_short_label_fits_the_list_column():
    # cli/render.py's "Typ" column is 7 wide: the short label must fit uncut.
    assert all(len(kind.short_label) <= 7 for kind in DocumentKind)
