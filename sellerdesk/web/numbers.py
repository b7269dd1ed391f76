"""Numbers as the reader's language writes them, with the language's separators read once: a
page of 50 to 200 orders writes hundreds of numbers, and Django's number_format looks the
separators up again for each one."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Self

from django.utils import formats, numberformat, translation


@dataclass(frozen=True, slots=True)
class Numbers:
    decimal_separator: str
    thousand_separator: str
    grouping: int | tuple[int, ...]

    @classmethod
    def current(cls) -> Self:
        """The separators of the language active now."""
        language = translation.get_language()
        return cls(
            decimal_separator=formats.get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
            thousand_separator=formats.get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
            grouping=formats.get_format("NUMBER_GROUPING", language, use_l10n=True),
        )

    def count(self, value: int) -> str:
        """A whole number as `{{ value }}` writes it in a template."""
        if 0 <= value < 1000:  # nothing to group: most counts, at a fraction of the cost
            return str(value)
        return self._format(value)

    def money(self, amount: Decimal | str | None, currency: str = "") -> str:
        """An amount with two decimals and grouped thousands: 1 430,00 SEK in Swedish,
        1,430.00 SEK in English. Takes a Decimal or the decimal string an event's data holds."""
        if amount is None or amount == "":
            return ""
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            return str(amount)
        text = self._format(value, decimal_pos=2, force_grouping=True)
        return f"{text} {currency}" if currency else text

    def _format(
        self, value: int | Decimal, *, decimal_pos: int | None = None, force_grouping: bool = False
    ) -> str:
        return numberformat.format(
            value,
            self.decimal_separator,
            decimal_pos,
            self.grouping,
            self.thousand_separator,
            force_grouping=force_grouping,
            use_l10n=True,
        )
