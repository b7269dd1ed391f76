"""The frame shared by the batch services (cancel, adjust, acknowledge, update listings): each
request of a batch is judged in order against the rows the service locked, and gets one
outcome. A refused request changes nothing and carries its error; the others still apply, and
the service writes them together after the last request is judged.

The pages, the API and the buyer send a batch of one and want its error raised (`sole`); the
feeds send hundreds and report each outcome."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sellerdesk.core.errors import ApplicationError

if TYPE_CHECKING:
    # Typing only: core is imported by every app, orders among them.
    from sellerdesk.orders.models import OrderEvent


@dataclass(frozen=True, slots=True)
class Accepted:
    """What an accepted request wrote: its order events (a dry run forecasts the cancellation
    rate from them) and the problems that left part of it aside without refusing it, such as
    an adjustment item applied before."""

    events: tuple["OrderEvent", ...] = ()
    warnings: tuple[ApplicationError, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome[R]:
    """One request's outcome: the error that refused it, or what it wrote and its warnings."""

    request: R
    error: ApplicationError | None = None
    events: tuple["OrderEvent", ...] = ()
    warnings: tuple[ApplicationError, ...] = ()


def requests_judge[R](requests: Sequence[R], judge: Callable[[R], Accepted]) -> list[Outcome[R]]:
    """One outcome per request, in the order of the requests. `judge` checks a request against
    the state the requests before it left and applies it in memory, or raises, before changing
    anything, the ApplicationError that refuses it."""
    outcomes = []
    for request in requests:
        try:
            accepted = judge(request)
        except ApplicationError as error:
            outcomes.append(Outcome(request=request, error=error))
        else:
            outcomes.append(
                Outcome(request=request, events=accepted.events, warnings=accepted.warnings)
            )
    return outcomes


def sole[R](outcomes: Sequence[Outcome[R]]) -> Outcome[R]:
    """The outcome of a batch of one; raises the error that refused its request."""
    (outcome,) = outcomes
    if outcome.error is not None:
        raise outcome.error
    return outcome
