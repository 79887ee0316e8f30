"""``tm.configure``: process-wide settings (run logging, global middlewares)."""

from __future__ import annotations

import os
from typing import Any

from taskmill import _core

_UNSET: Any = object()


def configure(*, log_format: str | None = None, log_level: str | None = None, log_file: Any = _UNSET,
              middlewares: list[Any] | None = None, backend: str | None = None,
              dead_max_jobs: int | None = None, dead_timeout: float | None = None) -> None:
    """Change process-wide settings; arguments left out keep their current value.

    - ``log_format``: "json" (default) or "line" (key=value pairs).
    - ``log_level``: "debug", "info" (default), "warn", "error" or "off". Runs log at info, failed
      runs at error.
    - ``log_file``: a path to append run lines to, or None for stderr (default).
    - ``middlewares``: callables ``(task, call_next)`` wrapping every run, outermost first.
    - ``backend``: the default job backend URL ("memory://" or "memory://<name>").
    - ``dead_max_jobs`` / ``dead_timeout``: caps of the dead set (10,000 jobs, 180 days in seconds).
    """
    if backend is not None:
        _core.set_default_backend(backend)
    if dead_max_jobs is not None or dead_timeout is not None:
        jobs, age = _core.dead_limits()
        _core.set_dead_limits(jobs if dead_max_jobs is None else dead_max_jobs,
                              age if dead_timeout is None else float(dead_timeout))
    current = _core.log_settings()
    fmt = current["log_format"] if log_format is None else log_format
    level = current["log_level"] if log_level is None else log_level
    file = current["log_file"] if log_file is _UNSET else log_file
    for key, value in (("log_format", fmt), ("log_level", level)):
        if not isinstance(value, str):
            raise TypeError(f"{key} must be a str, not {type(value).__name__}")
    if file is not None and not isinstance(file, (str, os.PathLike)):
        raise TypeError(f"log_file must be a path or None, not {type(file).__name__}")
    try:
        _core.configure_log(fmt, level, "" if file is None else os.fspath(file))
    except RuntimeError as exc:
        raise OSError(str(exc)) from None
    except ValueError:
        raise
    if middlewares is not None:
        if not all(callable(m) or isinstance(m, _core.NativeMiddleware) for m in middlewares):
            raise TypeError("middlewares must be callables (task, call_next)")
        _core.set_middlewares(list(middlewares))


def settings() -> dict[str, Any]:
    """The current logging settings."""
    return _core.log_settings()
