"""A clock for the usage plans' buckets that tests move by hand (the `clock` fixture of
tests/api/conftest.py), and the answer SP-API gives a call over its plan."""

from dataclasses import dataclass

QUOTA_EXCEEDED = {
    "errors": [
        {
            "code": "QuotaExceeded",
            "message": "You exceeded your quota for the requested resource.",
            "details": "",
        }
    ]
}
START_MS = 1_800_000_000_000


@dataclass
class Clock:
    now: int = START_MS  # milliseconds since the epoch

    def advance(self, seconds: float) -> None:
        self.now += round(seconds * 1000)

    def read(self) -> int:
        return self.now
