"""``tm.Task``: the base class of Python tasks.

Declaring a subclass registers it in the core's registry under its name. Running it goes through
the C++ executor: this module only turns the class into a declaration and calls the core.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, NoReturn

from taskmill import _core
from taskmill import attributes as _attributes
from taskmill import callbacks as _callbacks
from taskmill import client as _client
from taskmill import faults as _faults
from taskmill.retry import RetryOn
from taskmill._core import Context, Result

_OPTION_NAMES = ("queue", "retry", "retry_queue", "dead", "backtrace", "tags", "breakpoints")


class Job:
    """The background job a run serves (``self.job``); None when the task is executed directly."""

    __slots__ = ("jid", "queue", "retry_count", "final_attempt", "enqueued_at", "created_at")

    def __init__(self, info: dict[str, Any]) -> None:
        for key in self.__slots__:
            setattr(self, key, info[key])

    def __repr__(self) -> str:
        return f"<Job {self.jid} queue={self.queue} retry_count={self.retry_count}>"


class Task(_client.Enqueueing):
    """Base class of tasks. Subclass it, annotate inputs, implement ``work``.

    Class keyword arguments: ``name`` (registered name, default the class name), ``queue``,
    ``retry``, ``retry_queue``, ``dead``, ``backtrace``, ``tags``, ``breakpoints``,
    ``middlewares``, ``callbacks`` (``{event: [callable | method name | tm.Callback]}``),
    ``retry_on`` (a ``tm.RetryOn``); ``abstract=True`` declares a base class that is not
    registered.
    """

    Fault: ClassVar[type[_faults.Fault]] = _faults.Fault
    FailFault: ClassVar[type[_faults.FailFault]] = _faults.FailFault
    SkipFault: ClassVar[type[_faults.SkipFault]] = _faults.SkipFault

    _spec: ClassVar[_core.TaskSpec | None] = None
    _attribute_decls: ClassVar[list[dict[str, Any]]] = []
    _options: ClassVar[dict[str, Any]] = {}
    _callbacks: ClassVar[dict[str, list[tuple[Any, Any, Any]]]] = {}
    _middlewares: ClassVar[list[Any]] = []
    _retry_on: ClassVar[RetryOn | None] = None
    _native_execute: ClassVar[Any] = None

    def __init_subclass__(cls, *, abstract: bool = False, name: str | None = None,
                          middlewares: list[Any] | None = None, callbacks: dict[str, Any] | None = None,
                          retry_on: RetryOn | None = None, _native: _core.TaskSpec | None = None,
                          **options: Any) -> None:
        super().__init_subclass__()
        parent = next(b for b in cls.__mro__[1:] if issubclass(b, Task))
        _faults.derive_faults(cls, parent)
        unknown = set(options) - set(_OPTION_NAMES)
        if unknown:
            raise _attributes.DeclarationError(
                f"{cls.__qualname__}: unknown class option(s) {', '.join(sorted(unknown))}; "
                f"known: name, abstract, middlewares, callbacks, retry_on, {', '.join(_OPTION_NAMES)}")
        cls._options = {**parent._options, **options}
        cls._attribute_decls = _declare_attributes(cls, parent, name or cls.__name__)
        task_name = name or cls.__name__
        cls._callbacks = _merge_callbacks(
            _merge_callbacks(parent._callbacks, _callbacks.from_class_option(task_name, callbacks)),
            _callbacks.collect(cls.__dict__))
        cls._middlewares = [*parent._middlewares, *(middlewares or [])]
        if not all(callable(m) or isinstance(m, _core.NativeMiddleware) for m in cls._middlewares):
            raise TypeError(f"{task_name}: middlewares must be callables (task, call_next) or tm.middlewares.*")
        if retry_on is not None and not isinstance(retry_on, RetryOn):
            raise TypeError(f"{task_name}: retry_on must be a tm.RetryOn, not {type(retry_on).__name__}")
        cls._retry_on = retry_on if retry_on is not None else parent._retry_on
        if _native is not None:
            cls._spec = _native
            _bind_execute(cls)
            return
        if abstract:
            cls._spec = None
            return
        if not callable(getattr(cls, "work", None)):
            raise _attributes.DeclarationError(
                f"{cls.__qualname__} has no work() method; define `def work(self) -> None` "
                "(or pass abstract=True for a base class)")
        cls._spec = _core.register_task(
            name or cls.__name__, f"{cls.__module__}.{cls.__qualname__}", cls, cls._attribute_decls,
            cls._options, cls._callbacks, cls._middlewares, callable(getattr(cls, "rollback", None)),
            None if cls._retry_on is None else cls._retry_on.describe())
        _bind_execute(cls)

    # -- running ---------------------------------------------------------------------------

    @classmethod
    def execute(cls, *args: Any, **kwargs: Any) -> Result:
        """Run the task in the caller. Never raises for a task failure: the Result says it."""
        spec = cls._spec
        if spec is None:
            raise TypeError(f"{cls.__qualname__} is abstract and cannot be executed")
        if len(args) == 1 and not kwargs:
            return _execute_single(spec, args[0])
        return _core.execute(spec, args, kwargs)

    @classmethod
    def execute_strict(cls, *args: Any, **kwargs: Any) -> Result:
        """Run the task in the caller; raise on a breakpoint status.

        Raises ``cls.FailFault`` (or ``cls.SkipFault`` when "skipped" is a breakpoint); an
        exception raised by ``work`` is re-raised as itself.
        """
        result = cls.execute(*args, **kwargs)
        outcome = _core.strict_outcome(result)
        if outcome == "return":
            return result
        if outcome == "rethrow":
            raise result.cause
        raise (cls.SkipFault if result.skipped else cls.FailFault)(result)

    # -- inside work -----------------------------------------------------------------------

    def work(self) -> None:  # pragma: no cover - replaced by every concrete task
        raise NotImplementedError

    del work  # a concrete task must define its own; its absence is reported at class creation

    @property
    def context(self) -> Context:
        """The run's context: its inputs and whatever the run writes."""
        return _core.run_context(self)

    @property
    def job(self) -> Job | None:
        """The background job this run serves, or None when executed directly."""
        info = _core.run_job(self)
        return None if info is None else Job(info)

    def fail(self, reason: str | None = None, **metadata: Any) -> NoReturn:
        """End the run now as failed, with a reason and metadata."""
        _core.halt(self, "failed", reason, metadata)
        raise AssertionError("unreachable")  # pragma: no cover

    def skip(self, reason: str | None = None, **metadata: Any) -> NoReturn:
        """End the run now as skipped, with a reason and metadata."""
        _core.halt(self, "skipped", reason, metadata)
        raise AssertionError("unreachable")  # pragma: no cover

    def throw(self, result: Result, **metadata: Any) -> None:
        """Take on another run's failure as this run's and end now; a no-op if it did not fail."""
        if not isinstance(result, Result):
            raise TypeError(f"throw() takes a Result, not {type(result).__name__}")
        _core.throw_failure(self, result, metadata)


def _bind_execute(cls: type[Task]) -> None:
    """Gives a concrete class its own native ``execute`` (see python/src/bind_execute.cpp).

    The classmethod above stays the documented form and serves abstract classes; a class that
    defines its own ``execute`` (or inherits one from a user's base class) keeps it.
    """
    for klass in cls.__mro__:
        own = klass.__dict__.get("execute")
        if own is None:
            continue
        if klass is not Task and own is not klass.__dict__.get("_native_execute"):
            return
        break
    spec = cls._spec
    cls._native_execute = _core.bound_execute(spec, functools.partial(_execute_single, spec), _mapping_gives_inputs(spec))
    cls.execute = cls._native_execute  # type: ignore[method-assign]


def _mapping_gives_inputs(spec: _core.TaskSpec) -> bool:
    """Whether ``execute(mapping)`` means inputs by name: unless the first input takes a mapping."""
    first_type = spec.attribute_types[0] if spec.attribute_types else None
    return first_type not in ("dict", "Any", "Optional[dict]")


def _execute_single(spec: _core.TaskSpec, arg: Any) -> Result:
    """One positional argument: a Context is shared, a mapping gives the inputs by name.
    (The native ``execute`` settles a plain dict itself, by the same rule.)"""
    if isinstance(arg, Context):
        return _core.execute(spec, (), {}, arg)
    if isinstance(arg, Mapping) and _mapping_gives_inputs(spec):
        if all(isinstance(k, str) for k in arg):
            return _core.execute(spec, (), dict(arg))
    return _core.execute(spec, (arg,), {})


def _declare_attributes(cls: type, parent: type, task_name: str) -> list[dict[str, Any]]:
    own = cls.__dict__.get("__annotations__", {})
    decls = {d["name"]: d for d in getattr(parent, "_attribute_decls", [])}
    if own:
        try:
            hints = typing.get_type_hints(cls)
        except Exception as exc:  # an annotation naming something undefined
            raise _attributes.DeclarationError(f"{task_name}: cannot resolve its annotations: {exc}") from exc
        for name in own:
            if name.startswith("_") or typing.get_origin(hints.get(name)) is ClassVar:
                continue
            value = cls.__dict__.get(name, _attributes._MISSING)
            decls[name] = _attributes.declare(task_name, name, hints[name], value)
            if name in cls.__dict__:
                delattr(cls, name)  # instances get the resolved value, not the declaration
    return list(decls.values())


def _merge_callbacks(inherited: dict[str, list[Any]], own: dict[str, list[Any]]) -> dict[str, list[Any]]:
    merged = {event: list(entries) for event, entries in inherited.items()}
    for event, entries in own.items():
        merged.setdefault(event, []).extend(entries)
    return merged
