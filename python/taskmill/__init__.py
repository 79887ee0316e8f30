"""taskmill: a task engine with a C++ core and a Python face.

Define a task::

    import taskmill as tm

    class Greet(tm.Task):
        name: str

        def work(self) -> None:
            self.context.greeting = f"hello {self.name}"

    result = Greet.execute(name="Ada")
    result.success, result.context.greeting
"""

from taskmill._core import Context, Result, UnknownTaskError, DefinitionError
from taskmill import middlewares
from taskmill.attributes import DeclarationError, Group, optional, required
from taskmill.callbacks import (
    Callback,
    before_execution,
    before_validation,
    on_bad,
    on_complete,
    on_executed,
    on_failed,
    on_good,
    on_interrupted,
    on_skipped,
    on_success,
)
from taskmill import testing
from taskmill.client import push
from taskmill.config import configure
from taskmill.stats import clear_death_handlers, dead_set, on_death, retry_set, scheduled_set, stats
from taskmill.worker import Worker
from taskmill.coercions import register_coercion, register_validator
from taskmill.retry import RetryOn
from taskmill.faults import FailFault, Fault, SkipFault
from taskmill.registry import task, task_names
from taskmill.task import Job, Task

__version__ = "0.1.0"

__all__ = [
    "Context", "Result", "Task", "Job", "Fault", "FailFault", "SkipFault",
    "UnknownTaskError", "DefinitionError", "DeclarationError",
    "required", "optional", "configure", "task", "task_names",
    "push", "Worker", "stats", "retry_set", "scheduled_set", "dead_set", "on_death", "clear_death_handlers",
    "testing",
    "Group", "Callback", "RetryOn", "register_coercion", "register_validator", "middlewares",
    "before_validation", "before_execution", "on_complete", "on_interrupted", "on_executed",
    "on_success", "on_skipped", "on_failed", "on_good", "on_bad",
]
