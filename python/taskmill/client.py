"""Enqueueing jobs: the classmethods ``Task.perform_async`` & co. call these, and ``tm.push``.

The payload is built and checked in the core (arguments must be JSON-native; the TypeError names
the task, the argument, the path and the type). Under ``tm.testing.inline()`` / ``fake()`` the
job is run or recorded instead of pushed.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import TYPE_CHECKING, Any, Iterable

from taskmill import _core

if TYPE_CHECKING:
    from taskmill.task import Task

_OPTION_NAMES = ("queue", "retry", "retry_queue", "dead", "backtrace", "tags")


def _spec_of(task: type[Task]) -> _core.TaskSpec:
    spec = task._spec
    if spec is None:
        raise TypeError(f"{task.__qualname__} is abstract and cannot be enqueued")
    return spec


def _finite(seconds: float, call: str) -> float:
    # NaN compares false with every time and inf never comes due: both would silently change
    # what the caller asked for.
    if not math.isfinite(seconds):
        raise ValueError(f"{call}: the time must be a finite number of seconds, not {seconds}")
    return seconds


def _epoch(at: Any) -> float:
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None:
            at = at.astimezone()  # naive: local time, as datetime.timestamp() reads it
        return at.timestamp()
    if isinstance(at, (int, float)) and not isinstance(at, bool):
        return _finite(float(at), "perform_at")
    raise TypeError(f"perform_at takes a datetime or epoch seconds, not {type(at).__name__}")


def _seconds(delay: Any) -> float:
    if isinstance(delay, _dt.timedelta):
        return delay.total_seconds()
    if isinstance(delay, (int, float)) and not isinstance(delay, bool):
        return _finite(float(delay), "perform_in")
    raise TypeError(f"perform_in takes seconds or a timedelta, not {type(delay).__name__}")


def enqueue(task: type[Task], args: tuple[Any, ...], kwargs: dict[str, Any], options: dict[str, Any],
            at: float | None = None) -> str:
    """Push one job (or schedule it at ``at``); returns its jid."""
    from taskmill import testing

    spec = _spec_of(task)
    mode = testing.current_mode()
    if mode is not None:
        payload = _core.build_job(spec, args, kwargs, options)
        return testing._handle(mode, task, payload, at)
    return _core.enqueue(spec, args, kwargs, options, at)


def enqueue_bulk(task: type[Task], args_list: Iterable[Any], options: dict[str, Any]) -> list[str]:
    """Push many jobs at once; every argument list is checked before any job is pushed."""
    from taskmill import testing

    spec = _spec_of(task)
    if testing.current_mode() is not None:
        payloads = [_core.build_job(spec, tuple(a), {}, options) for a in args_list]
        return [testing._handle(testing.current_mode(), task, p, None) for p in payloads]
    return _core.enqueue_bulk(spec, list(args_list), options)


def push(payload: dict[str, Any]) -> str:
    """Push a raw payload in Sidekiq's wire format; fills ``jid``, timestamps, ``queue`` and
    ``retry`` when absent. An ``at`` key (epoch seconds) schedules it. Returns the jid."""
    from taskmill import testing

    mode = testing.current_mode()
    if mode is not None:
        from taskmill.registry import task as _task

        full = _core.complete_payload(payload)
        return testing._handle(mode, _task(full["class"]), full, payload.get("at"))
    return _core.push(payload)


class Configured:
    """A task with per-call job options: ``Task.set(queue="critical").perform_async(1)``."""

    def __init__(self, task: type[Task], options: dict[str, Any]) -> None:
        unknown = set(options) - set(_OPTION_NAMES)
        if unknown:
            raise TypeError(f"{task.__qualname__}.set(): unknown option(s) {', '.join(sorted(unknown))}; "
                            f"known: {', '.join(_OPTION_NAMES)}")
        self.task = task
        self.options = options

    def set(self, **options: Any) -> Configured:
        """More options on top of these."""
        return Configured(self.task, {**self.options, **options})

    def perform_async(self, *args: Any, **kwargs: Any) -> str:
        """Push a job with these options; returns its jid."""
        return enqueue(self.task, args, kwargs, self.options)

    def perform_in(self, delay: Any, *args: Any, **kwargs: Any) -> str:
        """Schedule a job ``delay`` (seconds or timedelta) from now."""
        return enqueue(self.task, args, kwargs, self.options, _core_now() + _seconds(delay))

    def perform_at(self, at: Any, *args: Any, **kwargs: Any) -> str:
        """Schedule a job at ``at`` (datetime or epoch seconds); a past time enqueues now."""
        return enqueue(self.task, args, kwargs, self.options, _epoch(at))

    def perform_bulk(self, args_list: Iterable[Any]) -> list[str]:
        """Push one job per argument list; returns their jids."""
        return enqueue_bulk(self.task, args_list, self.options)


def _core_now() -> float:
    import time

    return time.time()


class _FakeJobs:
    """``Task.jobs``: the payloads recorded for the task under ``tm.testing.fake()``."""

    def __get__(self, obj: Any, owner: type[Task]) -> list[dict[str, Any]]:
        from taskmill import testing

        return testing._fake_jobs_of(owner)


class Enqueueing:
    """The class-level job API of ``tm.Task`` (a mixin, so task.py stays about declaration)."""

    jobs = _FakeJobs()

    @classmethod
    def perform_async(cls, *args: Any, **kwargs: Any) -> str:
        """Push a job to the task's queue; returns its jid."""
        return enqueue(cls, args, kwargs, {})  # type: ignore[arg-type]

    @classmethod
    def perform_in(cls, delay: Any, *args: Any, **kwargs: Any) -> str:
        """Schedule a job ``delay`` (seconds or timedelta) from now; returns its jid."""
        return enqueue(cls, args, kwargs, {}, _core_now() + _seconds(delay))  # type: ignore[arg-type]

    @classmethod
    def perform_at(cls, at: Any, *args: Any, **kwargs: Any) -> str:
        """Schedule a job at ``at`` (datetime or epoch seconds); a past time enqueues now."""
        return enqueue(cls, args, kwargs, {}, _epoch(at))  # type: ignore[arg-type]

    @classmethod
    def perform_bulk(cls, args_list: Iterable[Any]) -> list[str]:
        """Push one job per argument list (positional, in declaration order); returns the jids."""
        return enqueue_bulk(cls, args_list, {})  # type: ignore[arg-type]

    @classmethod
    def set(cls, **options: Any) -> Configured:
        """A copy of the task with per-call job options (queue, retry, retry_queue, dead,
        backtrace, tags)."""
        return Configured(cls, options)  # type: ignore[arg-type]

    @classmethod
    def drain(cls) -> int:
        """Under ``tm.testing.fake()``: run this task's recorded jobs (and any they enqueue)
        strictly; returns how many ran."""
        from taskmill import testing

        return testing._drain(cls)  # type: ignore[arg-type]

    @classmethod
    def perform_one(cls) -> None:
        """Under ``tm.testing.fake()``: run the oldest recorded job of this task strictly."""
        from taskmill import testing

        testing._perform_one(cls)  # type: ignore[arg-type]

    @classmethod
    def clear(cls) -> None:
        """Under ``tm.testing.fake()``: forget this task's recorded jobs."""
        from taskmill import testing

        testing._fake_jobs_of(cls).clear()  # type: ignore[arg-type]
