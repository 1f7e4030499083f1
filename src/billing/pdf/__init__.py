"""Invoices and credit notes as PDF documents a person reads (fpdf2, with the
DejaVu Sans typeface shipped in the package and embedded in each PDF)."""

from billing.pdf.bulk import pdf_files, pdf_name
from billing.pdf.invoice_pdf import render_invoice

__all__ = ["pdf_files", "pdf_name", "render_invoice"]
