"""Allocation of one amount across agencies by a key, exact to the öre."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal, localcontext

from billing.money import ORE


def allocate(total: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split ``total`` in proportion to ``weights`` so the shares add up to it exactly.

    Largest remainder: every share is first rounded towards minus infinity to
    öre, then the öre left over go one each to the largest remainders. Equal
    remainders go in the order of the keys, which are organisation numbers:
    the result depends on the data only, never on the order the agencies were
    stored in (a database id would make it depend on that). A negative total
    gets exactly the negated shares of the positive one.
    """
    if total < 0:
        # A credit mirrors its debit: the same shares, negated.
        return {key: -share for key, share in allocate(-total, weights).items()}
    if total != total.quantize(ORE):
        raise ValueError(f"total must be in whole öre: {total}")
    positive = {k: w for k, w in weights.items() if w > 0}
    if any(w < 0 for w in weights.values()):
        raise ValueError("allocation weights cannot be negative")
    if not positive:
        raise ValueError("nothing to allocate over: every weight is zero")
    weight_sum = sum(positive.values(), Decimal(0))
    with localcontext() as ctx:
        ctx.prec = 60
        exact = {k: total * w / weight_sum for k, w in positive.items()}
    shares = {k: v.quantize(ORE, rounding=ROUND_FLOOR) for k, v in exact.items()}
    leftover = int((total - sum(shares.values(), Decimal(0))) / ORE)
    by_remainder = sorted(positive, key=lambda k: (-(exact[k] - shares[k]), str(k)))
    for key in by_remainder[:leftover]:
        shares[key] += ORE
    return shares
