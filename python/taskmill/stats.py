"""``tm.stats()`` and the job sets: ``tm.retry_set()``, ``tm.scheduled_set()``, ``tm.dead_set()``."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

from taskmill import _core


def stats(backend: str | None = None) -> dict[str, Any]:
    """Counters and sizes of a backend (default: the configured one).

    Keys: ``processed``, ``failed`` (totals; processed counts failures too), ``processed_today``,
    ``failed_today`` (UTC), ``days`` (``{"YYYY-MM-DD": {"processed", "failed"}}``), ``enqueued``,
    ``busy``, ``scheduled``, ``retries``, ``dead`` and ``queues`` (``{name: {"size", "latency"}}``,
    latency being the age in seconds of the oldest waiting job).
    """
    s = _core.stats(backend)
    today = time.strftime("%Y-%m-%d", time.gmtime(s.pop("time")))
    day = s["days"].get(today, {"processed": 0, "failed": 0})
    s["processed_today"] = day["processed"]
    s["failed_today"] = day["failed"]
    return s


class SetJob(Mapping[str, Any]):
    """A job of a set: a read-only view of its payload, with ``retry()`` and ``delete()``."""

    def __init__(self, set_name: str, score: float, payload: dict[str, Any], backend: str | None) -> None:
        self._set = set_name
        self.score = score
        """Run time (scheduled, retry) or death time (dead), epoch seconds."""
        self.payload = payload
        self._backend = backend

    @property
    def jid(self) -> str:
        """The job's id."""
        return self.payload["jid"]

    def __getitem__(self, key: str) -> Any:
        return self.payload[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.payload)

    def __len__(self) -> int:
        return len(self.payload)

    def retry(self) -> bool:
        """Enqueue the job now; False when it already left the set."""
        return _core.set_enqueue_now(self._set, self.jid, self._backend)

    def delete(self) -> bool:
        """Remove the job from the set; False when it already left."""
        return _core.set_remove(self._set, self.jid, self._backend)

    def __repr__(self) -> str:
        return f"<SetJob {self._set} {self.payload.get('class')} jid={self.jid} at={self.score:.3f}>"


class JobSet:
    """The scheduled, retry or dead set of a backend, sorted by time."""

    def __init__(self, name: str, backend: str | None = None) -> None:
        self.name = name
        self._backend = backend

    def __iter__(self) -> Iterator[SetJob]:
        for score, payload in _core.set_list(self.name, self._backend):
            yield SetJob(self.name, score, payload, self._backend)

    def size(self) -> int:
        """How many jobs the set holds."""
        return _core.set_size(self.name, self._backend)

    __len__ = size

    def find(self, jid: str) -> SetJob | None:
        """The job ``jid``, or None."""
        return next((j for j in self if j.jid == jid), None)

    def retry_all(self) -> int:
        """Enqueue every job of the set now; returns how many."""
        return sum(1 for j in list(self) if j.retry())

    def clear(self) -> None:
        """Remove every job of the set."""
        _core.set_clear(self.name, self._backend)

    def __repr__(self) -> str:
        return f"<JobSet {self.name} size={self.size()}>"


def retry_set(backend: str | None = None) -> JobSet:
    """Jobs waiting for their next retry."""
    return JobSet("retry", backend)


def scheduled_set(backend: str | None = None) -> JobSet:
    """Jobs scheduled by ``perform_in`` / ``perform_at``."""
    return JobSet("scheduled", backend)


def dead_set(backend: str | None = None) -> JobSet:
    """Jobs whose retries ran out (capped by count and age)."""
    return JobSet("dead", backend)


def on_death(handler: Any) -> Any:
    """Register a process-wide death handler ``handler(job, error)``; ``error`` is
    ``(error_class, error_message)``. Usable as a decorator."""
    if not callable(handler):
        raise TypeError("a death handler must be callable")
    _core.add_death_handler(handler)
    return handler


def clear_death_handlers() -> None:
    """Remove every death handler."""
    _core.clear_death_handlers()
