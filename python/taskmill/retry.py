"""``tm.RetryOn``: in-task retries of ``work`` (the retry loop itself runs in the C++ executor)."""

from __future__ import annotations

from typing import Any

from taskmill import _core

BACKOFFS = ("constant", "linear", "exponential", "jitter")


class RetryOn:
    """Retry ``work``, in the same run, when it raises one of ``exceptions``.

    ``limit`` retries at most (after the first attempt), waiting ``delay`` seconds shaped by
    ``backoff``: "constant" (delay), "linear" (delay·n), "exponential" (delay·2^(n-1), the
    default) or "jitter" (random in [0, delay·2^(n-1)]). Only ``work`` is retried; ``fail()`` /
    ``skip()`` are outcomes and never retried. ``result.retries`` counts the retries.
    """

    __slots__ = ("exceptions", "limit", "delay", "backoff")

    def __init__(self, *exceptions: type[BaseException], limit: int = 3, delay: float = 0.0,
                 backoff: str = "exponential") -> None:
        if not exceptions:
            exceptions = (Exception,)
        for exc in exceptions:
            if not (isinstance(exc, type) and issubclass(exc, BaseException)):
                raise TypeError(f"RetryOn takes exception classes, not {exc!r}")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise TypeError(f"RetryOn limit must be an int >= 0, not {limit!r}")
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
            raise TypeError(f"RetryOn delay must be a number of seconds >= 0, not {delay!r}")
        if backoff not in BACKOFFS:
            raise ValueError(f"RetryOn backoff must be one of {', '.join(BACKOFFS)}, not {backoff!r}")
        self.exceptions = tuple(exceptions)
        self.limit = limit
        self.delay = float(delay)
        self.backoff = backoff

    def delay_for(self, retry: int) -> float:
        """Seconds waited before retry number ``retry`` (1-based), as the core computes it."""
        return _core.retry_delay(self.backoff, self.delay, retry)

    def describe(self) -> dict[str, Any]:
        """The declaration handed to the core."""
        return {"exceptions": self.exceptions, "limit": self.limit, "delay": self.delay, "backoff": self.backoff}

    def __repr__(self) -> str:
        names = ", ".join(e.__name__ for e in self.exceptions)
        return f"RetryOn({names}, limit={self.limit}, delay={self.delay}, backoff={self.backoff!r})"
