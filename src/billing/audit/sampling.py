"""Sample check: a reproducible random sample of invoices for manual review."""

from __future__ import annotations

import random
from collections.abc import Sequence

from billing.audit.findings import CheckResult, Finding
from billing.invoicing.document import Invoice


def draw_sample(documents: Sequence[Invoice], size: int, seed: int) -> CheckResult:
    """The same seed and documents always give the same sample."""
    numbers = sorted(d.number for d in documents if d.number is not None)
    chosen = sorted(random.Random(seed).sample(numbers, min(size, len(numbers))))
    by_number = {d.number: d for d in documents}
    rows = tuple({"number": n, "agency": by_number[n].agency_name, "period": str(by_number[n].period),
                  "net": by_number[n].totals.net,
                  "volume_records": sum(len(l.volume_record_ids) for l in by_number[n].lines)}
                 for n in chosen)
    return CheckResult("sample", f"Stickprov: {len(chosen)} av {len(numbers)} dokument (seed {seed})",
                       tuple(Finding(f"granska dokument {n} mot dess underlag "
                                     f"('billing audit trace {n}')", n, code="sample") for n in chosen),
                       informational=True, rows=rows)
