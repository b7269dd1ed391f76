"""What a cancel page shows before the seller confirms depends on the reason: the stock (every
reason but NoInventory restocks) and the rate forecast (BuyerCanceled may not count). The page
renders one block for each distinct outcome, marked with the reasons it holds for; a small
script (static/web/by-reason.js) shows the block of the reason chosen, and without it every
block shows, each under its label."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellerdesk.cancellations.reasons import CancelReason


@dataclass(frozen=True)
class ReasonOutcome[T]:
    reasons: tuple[str, ...]
    value: T
    label: str  # empty when every reason has this outcome

    @property
    def reason_codes(self) -> str:
        """For the block's data-reasons attribute."""
        return " ".join(self.reasons)


def outcomes_by_reason[T](outcome_of: Callable[[str], T]) -> list[ReasonOutcome[T]]:
    """The outcome of each reason a seller chooses from, reasons with equal outcomes together,
    in the order of the reasons' list; the largest group last, as "any other reason"."""
    groups: list[tuple[list[str], T]] = []
    for reason in CancelReason.values:
        value = outcome_of(reason)
        group = next((group for group in groups if group[1] == value), None)
        if group is None:
            groups.append(([reason], value))
        else:
            group[0].append(reason)
    if len(groups) == 1:
        ((reasons, value),) = groups
        return [ReasonOutcome(reasons=tuple(reasons), value=value, label="")]
    groups.sort(key=lambda group: len(group[0]))
    *named, rest = groups
    return [
        *(
            ReasonOutcome(reasons=tuple(reasons), value=value, label=_named_label(reasons))
            for reasons, value in named
        ),
        ReasonOutcome(reasons=tuple(rest[0]), value=rest[1], label=_("With any other reason")),
    ]


def _named_label(reasons: list[str]) -> str:
    names = ", ".join(
        _("“%(reason)s”") % {"reason": CancelReason(reason).label} for reason in reasons
    )
    return ngettext("With the reason %(reasons)s", "With the reasons %(reasons)s", len(reasons)) % {
        "reasons": names
    }
