"""Testing modes for code that enqueues jobs.

- ``tm.testing.inline()``: ``perform_*`` runs the task at once in the caller, strictly (a failure
  raises ``Task.FailFault``; an exception from ``work`` propagates as itself).
- ``tm.testing.fake()``: jobs are recorded instead of pushed: ``Task.jobs`` (payload dicts),
  ``Task.drain()``, ``Task.perform_one()``, ``Task.clear()``, ``drain_all()``, ``clear_all()``.

Both are context managers, process-wide while active (jobs enqueued from any thread are caught),
and pytest fixtures (``taskmill_inline``, ``taskmill_fake``) shipped as a pytest plugin.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Iterator

from taskmill import _core

if TYPE_CHECKING:
    from taskmill.task import Task

__all__ = ["inline", "fake", "drain_all", "clear_all", "current_mode", "jobs"]

_lock = threading.RLock()
_modes: list[str] = []
_fake: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()


def current_mode() -> str | None:
    """"inline", "fake" or None (jobs go to the backend)."""
    return _modes[-1] if _modes else None


@contextlib.contextmanager
def _mode(name: str) -> Iterator[None]:
    with _lock:
        _modes.append(name)
    try:
        yield
    finally:
        with _lock:
            _modes.pop()
            if name == "fake" and "fake" not in _modes:
                _fake.clear()


def inline() -> contextlib.AbstractContextManager[None]:
    """Run enqueued jobs at once in the caller, strictly."""
    return _mode("inline")


def fake() -> contextlib.AbstractContextManager[None]:
    """Record enqueued jobs instead of pushing them (see ``Task.jobs`` / ``drain``)."""
    return _mode("fake")


def jobs() -> dict[str, list[dict[str, Any]]]:
    """Every recorded job under ``fake()``, by task name."""
    with _lock:
        return {name: list(js) for name, js in _fake.items() if js}


def _run_strict(task: type[Task], payload: dict[str, Any]) -> None:
    result = _core.run_payload(payload)
    outcome = _core.strict_outcome(result)
    if outcome == "rethrow":
        raise result.cause
    if outcome == "fault":
        raise (task.SkipFault if result.skipped else task.FailFault)(result)


def _handle(mode: str, task: type[Task], payload: dict[str, Any], at: float | None) -> str:
    if mode == "inline":
        _run_strict(task, payload)
    else:
        if at is not None:
            payload["at"] = float(at)
        with _lock:
            _fake.setdefault(payload["class"], []).append(payload)
    return payload["jid"]


def _fake_jobs_of(task: type[Task]) -> list[dict[str, Any]]:
    spec = task._spec
    if spec is None:
        return []
    with _lock:
        return _fake.setdefault(spec.name, [])


def _pop(task: type[Task]) -> dict[str, Any] | None:
    with _lock:
        queue = _fake_jobs_of(task)
        return queue.pop(0) if queue else None


def _perform_one(task: type[Task]) -> None:
    payload = _pop(task)
    if payload is None:
        raise LookupError(f"{task.__qualname__} has no recorded job to perform")
    _run_strict(task, payload)


def _drain(task: type[Task]) -> int:
    count = 0
    while (payload := _pop(task)) is not None:
        _run_strict(task, payload)
        count += 1
    return count


def drain_all() -> int:
    """Run every recorded job of every task, and the jobs they enqueue, until none is left."""
    from taskmill.registry import task as _task

    count = 0
    while True:
        with _lock:
            name = next((n for n, js in _fake.items() if js), None)
        if name is None:
            return count
        count += _drain(_task(name))


def clear_all() -> None:
    """Forget every recorded job."""
    with _lock:
        _fake.clear()
