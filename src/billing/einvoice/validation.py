"""Runs the official e-invoice rules (Schematron compiled to XSLT 2.0) over a
directory of exported documents, with Saxon (the ``saxonche`` package, the
``validate`` extra), and collects the findings of their SVRL reports; when
the rules directory also holds the UBL 2.1 schema (``xsd/``, see ``schema``),
each document is first validated against it.

A failed assertion or successful report whose ``flag`` is ``fatal`` or
``error`` (or that has no flag: an unqualified Schematron assertion is an
error) is fatal; any other flag (``warning``, ``information``) is a warning.
Every schema error is fatal, with its line. A file that is not well-formed
XML, or that a stylesheet cannot process, is one fatal finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from billing.einvoice.schema import MAIN_SCHEMAS, SCHEMA_DIR, load_schemas, schema_errors
from billing.errors import BillingError

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
STYLESHEET_SUFFIXES = (".xsl", ".xslt")
FATAL_FLAGS = frozenset({"fatal", "error", ""})
# Where the rules come from (see the package docstring).
KNOWN_RULES = (
    "EN16931-UBL-validation.xslt  (ConnectingEurope/eInvoicing-EN16931: ubl/xslt/)",
    "PEPPOL-EN16931-UBL.xslt      (OpenPEPPOL/peppol-bis-invoice-3: rules/sch/PEPPOL-EN16931-UBL.sch, compiled)",
    "CEN-EN16931-UBL.xslt         (OpenPEPPOL/peppol-bis-invoice-3: rules/sch/CEN-EN16931-UBL.sch, compiled)",
    *(f"{SCHEMA_DIR}/{name}  (with {SCHEMA_DIR}/common/: the xsd/ folder of OASIS os-UBL-2.1.zip)"
      for name in MAIN_SCHEMAS.values()),
)


class ValidatorMissing(BillingError):
    """saxonche is not installed."""


@dataclass(frozen=True, slots=True)
class Finding:
    rules: str  # the stylesheet's file name
    rule_id: str
    flag: str
    location: str
    text: str
    line: int | None = None  # in the document: known for a schema error

    @property
    def fatal(self) -> bool:
        return self.flag in FATAL_FLAGS

    @property
    def where(self) -> str:
        """'line 12 (/*/cbc:DueDate)', or the location alone."""
        if self.line is None:
            return self.location
        return f"line {self.line} ({self.location})" if self.location else f"line {self.line}"


@dataclass
class FileReport:
    path: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def fatal(self) -> list[Finding]:
        return [f for f in self.findings if f.fatal]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.fatal]


@dataclass(frozen=True, slots=True)
class ValidationReport:
    stylesheets: tuple[Path, ...]
    files: tuple[FileReport, ...]
    schema: Path | None = None  # the UBL 2.1 schema's directory, when it was used

    @property
    def fatal_count(self) -> int:
        return sum(len(f.fatal) for f in self.files)

    @property
    def warning_count(self) -> int:
        return sum(len(f.warnings) for f in self.files)

    @property
    def passed(self) -> bool:
        return self.fatal_count == 0


def find_stylesheets(rules: Path, required: bool = True) -> list[Path]:
    """Every compiled rule file (.xsl, .xslt) directly in ``rules``, by name;
    none is an error if ``required``."""
    if not rules.is_dir():
        raise BillingError(f"{rules}: not a directory of compiled rules")
    found = sorted(p for p in rules.iterdir()
                   if p.is_file() and p.suffix.lower() in STYLESHEET_SUFFIXES)
    if not found and required:
        schematron = sorted(p.name for p in rules.glob("*.sch"))
        hint = (f" (it has Schematron {', '.join(schematron)}: compile it to XSLT first)"
                if schematron else "")
        raise BillingError(
            f"{rules}: no compiled rules (.xsl or .xslt){hint}; expected for example:\n  "
            + "\n  ".join(KNOWN_RULES))
    return found


def find_documents(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise BillingError(f"{directory}: not a directory")
    found = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    if not found:
        raise BillingError(f"{directory}: no .xml files to validate")
    return found


_NAMESPACE_NOISE = re.compile(r"Q\{[^}]*\}|\[namespace-uri\(\)='[^']*'\]|\*:")


def short_location(location: str) -> str:
    """An SVRL location without namespace qualifiers: /Invoice[1]/TaxTotal[1]."""
    return _NAMESPACE_NOISE.sub("", location)


def findings_of(svrl: bytes | str, rules: str) -> list[Finding]:
    """The failed assertions and successful reports of an SVRL report."""
    root = etree.fromstring(svrl.encode("utf-8") if isinstance(svrl, str) else svrl)
    result = []
    for element in root.iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"):
        text = element.findtext(f"{{{SVRL_NS}}}text") or ""
        result.append(Finding(rules=rules, rule_id=element.get("id") or "",
                              flag=(element.get("flag") or "").strip().lower(),
                              location=short_location(element.get("location") or ""),
                              text=" ".join(text.split())))
    return result


def validate_directory(directory: Path, rules: Path) -> ValidationReport:
    """The UBL 2.1 schema (if ``rules`` has it) and every stylesheet of
    ``rules`` over every XML file of ``directory``."""
    schemas = load_schemas(rules)
    stylesheets = find_stylesheets(rules, required=schemas is None)
    reports = [FileReport(path) for path in find_documents(directory)]
    readable = []
    for report in reports:
        try:
            document = etree.parse(str(report.path))
        except etree.XMLSyntaxError as error:
            report.findings.append(Finding("", "XML", "fatal", "", f"not well-formed XML: {error}"))
            continue
        readable.append(report)
        if schemas is not None:
            name, errors = schema_errors(document, schemas)
            report.findings += [Finding(name, "XSD", "fatal", error.path, error.message, error.line)
                                for error in errors]
    if stylesheets:
        _run_stylesheets(stylesheets, readable)
    return ValidationReport(tuple(stylesheets), tuple(reports),
                            schemas.directory if schemas is not None else None)


def _run_stylesheets(stylesheets: list[Path], reports: list[FileReport]) -> None:
    """Each stylesheet over each (well-formed) document, its SVRL findings added."""
    try:
        from saxonche import PySaxonApiError, PySaxonProcessor
    except ImportError:
        raise ValidatorMissing(
            "validating e-invoices needs the saxonche package (XSLT 2.0/3.0): "
            "pip install 'billing[validate]' (or pip install saxonche)") from None
    with PySaxonProcessor(license=False) as processor:
        xslt = processor.new_xslt30_processor()
        compiled = []
        for stylesheet in stylesheets:
            try:
                compiled.append((stylesheet, xslt.compile_stylesheet(stylesheet_file=str(stylesheet))))
            except PySaxonApiError as error:
                raise BillingError(f"{stylesheet}: not a usable XSLT stylesheet: {error}") from None
        for report in reports:
            try:
                node = processor.parse_xml(xml_file_name=str(report.path))
            except PySaxonApiError as error:
                report.findings.append(Finding("", "XML", "fatal", "", f"not well-formed XML: {error}"))
                continue
            for stylesheet, executable in compiled:
                try:
                    executable.set_global_context_item(xdm_item=node)
                    svrl = executable.transform_to_string(xdm_node=node)
                    report.findings += findings_of(svrl or "", stylesheet.name)
                except (PySaxonApiError, etree.XMLSyntaxError) as error:
                    report.findings.append(Finding(stylesheet.name, "XSLT", "fatal", "",
                                                   f"the rules could not be run: {error}"))
