"""Faults: the exceptions strict execution raises for a run that ended in a breakpoint status.

Every task class gets its own ``Fault``, ``FailFault`` and ``SkipFault`` subclasses, derived from
its parent task's, so ``except ChargeSubscription.FailFault:`` catches only that task's failures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskmill._core import Context, Result


class Fault(Exception):
    """A run ended in a status listed in its task's ``breakpoints``.

    ``result`` is the finished run's Result; ``task`` its task class; ``context`` its context.
    """

    result: "Result"

    def __init__(self, result: "Result") -> None:
        message = f"{result.task_name} {result.status}"
        if result.reason:
            message += f": {result.reason}"
        super().__init__(message)
        self.result = result

    @property
    def task(self) -> Any:
        """The task class of the run."""
        return self.result.task

    @property
    def context(self) -> "Context":
        """The context of the run."""
        return self.result.context


class FailFault(Fault):
    """A run failed (``self.fail()``, invalid inputs, or a failure thrown from a nested run)."""


class SkipFault(Fault):
    """A run was skipped, and "skipped" is among the task's breakpoints."""


def derive_faults(cls: type, parent: type) -> None:
    """Give ``cls`` its own Fault classes, derived from ``parent``'s."""
    def make(name: str, bases: tuple[type, ...]) -> type:
        return type(name, bases, {"__module__": cls.__module__, "__qualname__": f"{cls.__qualname__}.{name}"})

    fault = make("Fault", (parent.Fault,))  # type: ignore[attr-defined]
    cls.Fault = fault  # type: ignore[attr-defined]
    cls.FailFault = make("FailFault", (fault, parent.FailFault))  # type: ignore[attr-defined]
    cls.SkipFault = make("SkipFault", (fault, parent.SkipFault))  # type: ignore[attr-defined]
