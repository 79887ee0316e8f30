"""Looking tasks up by name: ``tm.task(name)`` returns any registered task, Python or C++."""

from __future__ import annotations

import threading

from taskmill import _core
from taskmill.task import Task

_proxies: dict[str, type[Task]] = {}
_lock = threading.Lock()


def task(name: str) -> type[Task]:
    """The task registered as ``name``: its class, or for a C++ task a class wrapping it.

    The returned class has the full class-level API (``execute``, ``execute_strict``, ...).
    Raises ``taskmill.UnknownTaskError`` (a LookupError) when no task has that name.
    """
    spec = _core.get_task(name)
    host = spec.host
    if host is not None:
        return host
    with _lock:
        proxy = _proxies.get(name)
        if proxy is None or proxy._spec is not spec:
            short = name.rsplit(".", 1)[-1]
            proxy = type(short, (Task,), {"__module__": "taskmill.native", "__qualname__": name}, _native=spec)
            _proxies[name] = proxy
        return proxy


def task_names() -> list[str]:
    """The names of every registered task, sorted."""
    return _core.task_names()
