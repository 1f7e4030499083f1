"""The report's price-model chart splits cost in three classes."""

from __future__ import annotations

from enum import StrEnum

from billing.domain.agency import FeePart


class CostClass(StrEnum):
    ANNUAL = "annual"  # base fees and transaction fees
    EXTRAORDINARY = "extraordinary"  # additional and special services
    ONE_OFF = "one_off"  # connection

    @property
    def label(self) -> str:
        return {CostClass.ANNUAL: "Årlig kostnad (grund- och transaktionsavgifter)",
                CostClass.EXTRAORDINARY: "Extraordinär årlig kostnad (tilläggs- och specialtjänster)",
                CostClass.ONE_OFF: "Engångskostnad (anslutning)"}[self]

    @property
    def short_label(self) -> str:
        """The name a chart's legend gives the class."""
        return {CostClass.ANNUAL: "Årlig kostnad", CostClass.EXTRAORDINARY: "Extraordinär årlig kostnad",
                CostClass.ONE_OFF: "Engångskostnad"}[self]


COST_CLASS = {
    FeePart.BASE_FIXED: CostClass.ANNUAL, FeePart.BASE_VARIABLE: CostClass.ANNUAL,
    FeePart.TRANSACTION: CostClass.ANNUAL, FeePart.ADDITIONAL: CostClass.EXTRAORDINARY,
    FeePart.SPECIAL: CostClass.EXTRAORDINARY, FeePart.CONNECTION: CostClass.ONE_OFF,
}
