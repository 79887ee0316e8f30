"""Built-in middlewares, implemented in the C++ core (no Python runs on their path).

List them per task (``class T(tm.Task, middlewares=[tm.middlewares.Runtime()])``) or globally
(``tm.configure(middlewares=[...])``). A middleware of your own is any callable
``(task, call_next)`` that calls ``call_next()`` once. See docs/middlewares.md.
"""

from __future__ import annotations

from taskmill import _core

Middleware = _core.NativeMiddleware


def Correlate() -> Middleware:  # noqa: N802 - named like the class it stands for
    """``metadata["correlation_id"]``: the enclosing run's, else the job's, else a new UUIDv7."""
    return _core.correlate_middleware()


def Runtime() -> Middleware:  # noqa: N802
    """``metadata["runtime"]`` (ms), ``["started_at"]``, ``["ended_at"]`` (ISO 8601 UTC)."""
    return _core.runtime_middleware()


def Timeout(seconds: float) -> Middleware:  # noqa: N802
    """Fail the run with ``"[TimeoutError] execution exceeded N seconds"`` after ``seconds``.

    A Python task's ``work`` gets ``TimeoutError`` raised in its thread at the deadline (at its
    next bytecode: a blocking C call such as ``time.sleep`` finishes first); a C++ task is asked to
    stop (``Run::stop_requested()``).
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"Timeout seconds must be a number, not {type(seconds).__name__}")
    return _core.timeout_middleware(float(seconds))


__all__ = ["Correlate", "Runtime", "Timeout", "Middleware"]
