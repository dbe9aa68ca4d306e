"""Clocks: services take ``now`` as an argument; the edges get it from a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

#: anything that returns the current aware UTC datetime
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def system_clock() -> datetime:
    """Return the real current time (the default app clock)."""
    return utcnow()


class FixedClock:
    """A settable clock for tests and replays: ``clock()`` returns the set time."""

    def __init__(self, start: datetime | None = None) -> None:
        """Start at ``start`` (aware) or at a fixed, recognisable instant."""
        self.current = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if self.current.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def __call__(self) -> datetime:
        """Return the current fixed time."""
        return self.current

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move the clock forward and return the new time."""
        self.current = self.current + timedelta(seconds=seconds, **delta)
        return self.current

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (aware)."""
        if when.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.current = when

    def seconds(self) -> float:
        """Return the current time as a POSIX timestamp (the engine's clock unit)."""
        return self.current.timestamp()
