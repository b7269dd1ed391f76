from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """Two places, half up: the only way an amount enters the domain."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_field(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField:
    """Amounts: two places, up to 9,999,999,999.99."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)
