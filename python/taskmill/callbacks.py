"""Callback decorators: ``@tm.on_success``, ``@tm.on_failed(if_=...)``, ...

A decorated method runs at that event of the task's lifecycle (the order is the executor's, in the
core). ``if_`` / ``unless`` take a callable ``(task) -> bool`` or the name of a task method.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar, overload

F = TypeVar("F", bound=Callable[..., Any])

EVENTS = (
    "before_validation", "before_execution", "on_complete", "on_interrupted", "on_executed",
    "on_success", "on_skipped", "on_failed", "on_good", "on_bad",
)

_MARK = "__taskmill_callbacks__"


def _condition(cond: Any) -> Callable[[Any], bool] | None:
    if cond is None or callable(cond):
        return cond
    if isinstance(cond, str):
        return lambda task: bool(getattr(task, cond)())
    raise TypeError(f"if_/unless must be a callable or a method name, not {type(cond).__name__}")


def _decorator(event: str) -> Any:
    @overload
    def register(fn: F) -> F: ...
    @overload
    def register(*, if_: Any = None, unless: Any = None) -> Callable[[F], F]: ...

    def register(fn: Any = None, *, if_: Any = None, unless: Any = None) -> Any:
        def mark(f: F) -> F:
            marks = list(getattr(f, _MARK, ()))
            marks.append((event, _condition(if_), _condition(unless)))
            setattr(f, _MARK, marks)
            return f
        return mark(fn) if fn is not None else mark

    register.__name__ = event
    register.__doc__ = f"Run the decorated method at the task's '{event}' event."
    return register


before_validation = _decorator("before_validation")
before_execution = _decorator("before_execution")
on_complete = _decorator("on_complete")
on_interrupted = _decorator("on_interrupted")
on_executed = _decorator("on_executed")
on_success = _decorator("on_success")
on_skipped = _decorator("on_skipped")
on_failed = _decorator("on_failed")
on_good = _decorator("on_good")
on_bad = _decorator("on_bad")


def collect(namespace: dict[str, Any]) -> dict[str, list[tuple[Any, Any, Any]]]:
    """The callbacks marked in a class body, by event, in declaration order."""
    found: dict[str, list[tuple[Any, Any, Any]]] = {}
    for value in namespace.values():
        for event, if_, unless in getattr(value, _MARK, ()):
            found.setdefault(event, []).append((value, if_, unless))
    return found


class Callback:
    """A callback registered at class level, with conditions::

        class T(tm.Task, callbacks={"on_failed": [tm.Callback(alert, if_=is_urgent), "log_it"]}):
            ...

    ``fn`` is a callable taking the task, or the name of a task method.
    """

    __slots__ = ("fn", "if_", "unless")

    def __init__(self, fn: Any, *, if_: Any = None, unless: Any = None) -> None:
        self.fn = fn
        self.if_ = if_
        self.unless = unless


def from_class_option(task_name: str, given: Any) -> dict[str, list[tuple[Any, Any, Any]]]:
    """The ``callbacks=`` class option as the core's entries: ``{event: [(fn, if_, unless)]}``."""
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise TypeError(f"{task_name}: callbacks must be a dict of event -> callables, not {type(given).__name__}")
    found: dict[str, list[tuple[Any, Any, Any]]] = {}
    for event, entries in given.items():
        if event not in EVENTS:
            raise TypeError(f"{task_name}: unknown callback event {event!r}; events: {', '.join(EVENTS)}")
        for entry in entries if isinstance(entries, (list, tuple)) else [entries]:
            cb = entry if isinstance(entry, Callback) else Callback(entry)
            fn = cb.fn
            if isinstance(fn, str):
                fn = (lambda name: lambda task: getattr(task, name)())(fn)
            elif not callable(fn):
                raise TypeError(f"{task_name}: callback for {event} must be callable or a method name, not {fn!r}")
            found.setdefault(event, []).append((fn, _condition(cb.if_), _condition(cb.unless)))
    return found
