"""The batch skeleton: one outcome per request, in order; a refused request carries its error
and nothing else, while the others keep what they wrote."""

import pytest

from sellerdesk.core.batches import Accepted, Outcome, requests_judge, sole
from sellerdesk.core.errors import ErrorCode, InvalidInput, NothingToDo


def judge(request: int) -> Accepted:
    if request < 0:
        raise InvalidInput("negative", code=ErrorCode.INVALID_QUANTITY)
    warnings = (NothingToDo("zero", code=ErrorCode.ALREADY_DONE),) if request == 0 else ()
    return Accepted(warnings=warnings)


def test_each_request_gets_its_outcome_in_the_order_of_the_requests():
    outcomes = requests_judge([3, -1, 0, -2], judge)

    assert [outcome.request for outcome in outcomes] == [3, -1, 0, -2]
    assert [outcome.error.code if outcome.error else None for outcome in outcomes] == [
        None,
        "invalid_quantity",
        None,
        "invalid_quantity",
    ]
    assert [[w.code for w in outcome.warnings] for outcome in outcomes] == [
        [],
        [],
        ["already_done"],
        [],
    ]


def test_an_error_that_is_not_the_applications_stops_the_batch():
    def broken(request: int) -> Accepted:
        raise KeyError(request)

    with pytest.raises(KeyError):
        requests_judge([1, 2], broken)


def test_sole_raises_the_error_of_a_refused_request_and_gives_an_accepted_one():
    refused = InvalidInput("negative", code=ErrorCode.INVALID_QUANTITY)

    with pytest.raises(InvalidInput) as error:
        sole([Outcome(request=-1, error=refused)])

    assert error.value is refused
    assert sole([Outcome(request=1)]) == Outcome(request=1)
