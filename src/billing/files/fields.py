"""Field types shared by the TOML files: exact, bounded, immutable."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Unit prices may carry fractions of an öre; amounts charged as they stand are
# whole öre. Neither may be negative: a reduction is a discount, not a price.
Price = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), decimal_places=4)]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]


class Frozen(BaseModel):
    """A file-edge model: immutable, and an unknown key is an error, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
