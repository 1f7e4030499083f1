"""OCR payment references (OCR-nummer): the document number, a length digit
and a check digit (modulus 10, Luhn), as Swedish banks and Bankgirot check them."""

from __future__ import annotations

# python-stdnum (whose package loads ssl, among others) is imported where a
# reference is made or checked: listing documents needs neither.


def ocr_reference(number: int, with_length_digit: bool = True) -> str:
    """The invoice number, then (optionally) the length digit (the length of the
    whole reference, modulo 10, counting the length and check digits), then
    the Luhn check digit over everything before it."""
    if number < 1:
        raise ValueError(f"no OCR reference for document number {number}")
    body = str(number)
    if with_length_digit:
        body += str((len(body) + 2) % 10)
    from stdnum import luhn
    return body + luhn.calc_check_digit(body)


def is_valid_ocr(reference: str, with_length_digit: bool = True) -> bool:
    from stdnum import luhn
    if not reference.isdigit() or len(reference) < 2 or not luhn.is_valid(reference):
        return False
    return not with_length_digit or int(reference[-2]) == len(reference) % 10


def document_number(reference: str, with_length_digit: bool = True) -> int | None:
    """The document number an OCR reference was made from, or None if invalid."""
    if not is_valid_ocr(reference, with_length_digit):
        return None
    digits = reference[:-2] if with_length_digit else reference[:-1]
    return int(digits) if digits else None
