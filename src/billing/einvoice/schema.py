"""The UBL 2.1 XML Schema check of exported documents, with lxml (libxml2).

The Schematron rules take the document's structure for granted: an element
out of the schema's order, or one the schema does not allow, passes them.
The OASIS schema catches it. It is not in this repository; when the rules
directory holds the ``xsd/`` folder of the OASIS UBL 2.1 release
(os-UBL-2.1.zip) as it is, laid out as::

    RULES_DIR/xsd/maindoc/UBL-Invoice-2.1.xsd
    RULES_DIR/xsd/maindoc/UBL-CreditNote-2.1.xsd
    RULES_DIR/xsd/common/UBL-CommonAggregateComponents-2.1.xsd, ...  (what they import)

each document is validated against the schema of its root element (an
``Invoice`` or a ``CreditNote``), and each error is reported with its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from billing.einvoice.ubl import CAC_NS, CBC_NS, CREDIT_NOTE_NS, INVOICE_NS
from billing.errors import BillingError

SCHEMA_DIR = "xsd"
# The root element of a document -> its schema, relative to SCHEMA_DIR.
MAIN_SCHEMAS = {f"{{{INVOICE_NS}}}Invoice": "maindoc/UBL-Invoice-2.1.xsd",
                f"{{{CREDIT_NOTE_NS}}}CreditNote": "maindoc/UBL-CreditNote-2.1.xsd"}
# Namespaces written short in messages, as the documents write them.
_SHORT = {f"{{{CBC_NS}}}": "cbc:", f"{{{CAC_NS}}}": "cac:", f"{{{INVOICE_NS}}}": "",
          f"{{{CREDIT_NOTE_NS}}}": ""}


@dataclass(frozen=True, slots=True)
class SchemaError:
    line: int
    path: str  # the element, as libxml2 names it: /*/cbc:DueDate
    message: str


@dataclass(frozen=True, slots=True)
class UblSchemas:
    directory: Path
    by_root: Mapping[str, tuple[str, etree.XMLSchema]]  # root tag -> (file name, schema)


def load_schemas(rules: Path) -> UblSchemas | None:
    """The UBL 2.1 schemas of ``rules/xsd``, or None when the folder is not there."""
    directory = rules / SCHEMA_DIR
    if not directory.exists():
        return None
    missing = [name for name in MAIN_SCHEMAS.values() if not (directory / name).is_file()]
    if missing:
        raise BillingError(f"{directory}: no {', '.join(missing)}; copy the xsd/ folder of the "
                           "OASIS UBL 2.1 release (os-UBL-2.1.zip) there as it is")
    by_root = {}
    for root, name in MAIN_SCHEMAS.items():
        path = directory / name
        try:
            by_root[root] = (path.name, etree.XMLSchema(etree.parse(str(path))))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
            raise BillingError(f"{path}: not a usable XML Schema: {error}") from None
    return UblSchemas(directory, by_root)


def schema_errors(document: etree._ElementTree, schemas: UblSchemas) -> tuple[str, list[SchemaError]]:
    """(the schema's file name, the errors) of ``document``; a document that is
    neither an Invoice nor a CreditNote is one error."""
    root = document.getroot()
    found = schemas.by_root.get(root.tag)
    if found is None:
        expected = " or ".join(_short(tag) for tag in MAIN_SCHEMAS)
        return f"{SCHEMA_DIR}/maindoc", [SchemaError(root.sourceline or 1, "/", f"the root element {root.tag} is not "
                                f"a UBL 2.1 {expected} (with its namespace)")]
    name, schema = found
    if schema.validate(document):
        return name, []
    return name, [SchemaError(entry.line, entry.path or "", _short(entry.message))
                  for entry in schema.error_log]


def _short(text: str) -> str:
    for namespace, prefix in _SHORT.items():
        text = text.replace(namespace, prefix)
    return text
