"""Callbacks (order, conditions, inheritance, class-level registration), middlewares, retry_on, rollback."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import taskmill as tm

EVENTS_SUCCESS = ["before_validation", "before_execution", "work", "on_complete", "on_executed", "on_success", "on_good"]


def recorder(seen: list[str], event: str) -> Callable[[Any], None]:
    return lambda task: seen.append(event)


def test_callbacks_follow_the_lifecycle_order_and_are_inherited() -> None:
    seen: list[str] = []

    class Base(tm.Task, abstract=True):
        @tm.before_validation
        def a(self) -> None: seen.append("before_validation")

        @tm.before_execution
        def b(self) -> None: seen.append("before_execution")

        @tm.on_complete
        def c(self) -> None: seen.append("on_complete")

        @tm.on_executed
        def d(self) -> None: seen.append("on_executed")

        @tm.on_success
        def e(self) -> None: seen.append("on_success")

        @tm.on_good
        def f(self) -> None: seen.append("on_good")

        @tm.on_failed
        def g(self) -> None: seen.append("on_failed")

        @tm.on_bad
        def h(self) -> None: seen.append("on_bad")

        @tm.on_interrupted
        def i(self) -> None: seen.append("on_interrupted")

        @tm.on_skipped
        def j(self) -> None: seen.append("on_skipped")

        def rollback(self) -> None:
            seen.append("rollback")

    class Child(Base, name="test.model.child"):
        def work(self) -> None:
            seen.append("work")
            if self.context.get("fail"):
                self.fail("no")
            if self.context.get("skip"):
                self.skip("nothing to do")

    assert Child.execute().success
    assert seen == EVENTS_SUCCESS
    seen.clear()
    Child.execute(fail=True)
    assert seen == ["before_validation", "before_execution", "work", "rollback", "on_interrupted", "on_executed",
                    "on_failed", "on_bad"]
    seen.clear()
    assert Child.execute(skip=True).skipped
    assert seen == ["before_validation", "before_execution", "work", "on_interrupted", "on_executed", "on_skipped",
                    "on_good", "on_bad"]


def test_several_callbacks_per_event_with_conditions_and_class_level_registration() -> None:
    seen: list[str] = []

    class T(tm.Task, name="test.model.conditions", callbacks={
            "on_success": [recorder(seen, "class-level"),
                           tm.Callback(recorder(seen, "class-if"), if_=lambda t: t.n > 1),
                           "note_method"],
            "on_failed": tm.Callback(recorder(seen, "never"), unless="always")}):
        n: int

        def always(self) -> bool:
            return True

        def note_method(self) -> None:
            seen.append("method-by-name")

        @tm.on_success(if_=lambda t: t.n > 1)
        def big(self) -> None: seen.append("decorated-if")

        @tm.on_success(unless=lambda t: t.n > 1)
        def small(self) -> None: seen.append("decorated-unless")

        def work(self) -> None:
            if self.n < 0:
                self.fail()

    T.execute(n=5)
    assert seen == ["class-level", "class-if", "method-by-name", "decorated-if"]
    seen.clear()
    T.execute(n=1)
    assert seen == ["class-level", "method-by-name", "decorated-unless"]
    seen.clear()
    T.execute(n=-1)
    assert seen == []


def test_unknown_callback_event_is_a_declaration_error() -> None:
    with pytest.raises(TypeError, match="unknown callback event 'on_sucess'"):
        class Bad(tm.Task, name="test.model.badcb", callbacks={"on_sucess": [print]}):
            def work(self) -> None: ...


def test_middlewares_wrap_in_registration_order_global_outermost() -> None:
    seen: list[str] = []

    def wrap(label: str) -> Callable[[Any, Callable[[], None]], None]:
        def middleware(task: Any, call_next: Callable[[], None]) -> None:
            seen.append(f"{label}>")
            call_next()
            seen.append(f"<{label}")
        return middleware

    class T(tm.Task, name="test.model.mw", middlewares=[wrap("first"), wrap("second")]):
        def work(self) -> None:
            seen.append("work")

    tm.configure(middlewares=[wrap("global")])
    T.execute()
    assert seen == ["global>", "first>", "second>", "work", "<second", "<first", "<global"]


def test_runtime_and_correlate_middlewares() -> None:
    class Inner(tm.Task, name="test.model.inner", middlewares=[tm.middlewares.Correlate()]):
        def work(self) -> None: ...

    class Outer(tm.Task, name="test.model.outer", middlewares=[tm.middlewares.Correlate(), tm.middlewares.Runtime()]):
        def work(self) -> None:
            self.context.inner_id = Inner.execute().metadata["correlation_id"]

    result = Outer.execute()
    assert result.success, result.reason
    assert result.context.inner_id == result.metadata["correlation_id"]
    assert len(result.metadata["correlation_id"]) == 36
    assert isinstance(result.metadata["runtime"], float)
    assert result.metadata["started_at"] <= result.metadata["ended_at"]
    assert Inner.execute().metadata["correlation_id"] != result.metadata["correlation_id"]


def test_timeout_interrupts_running_python_work() -> None:
    class Spin(tm.Task, name="test.model.spin", middlewares=[tm.middlewares.Timeout(0.1)]):
        def work(self) -> None:
            while True:
                pass

    result = Spin.execute()
    assert result.failed and result.interrupted
    assert result.reason == "[TimeoutError] execution exceeded 0.1 seconds"
    assert isinstance(result.cause, TimeoutError)
    with pytest.raises(TimeoutError, match="execution exceeded 0.1 seconds"):
        Spin.execute_strict()


def test_timeout_does_not_touch_a_run_that_finishes_in_time() -> None:
    class Quick(tm.Task, name="test.model.quick", middlewares=[tm.middlewares.Timeout(5)]):
        def work(self) -> None:
            self.context.ok = True

    result = Quick.execute()
    assert result.success and result.context.ok


def test_a_deadline_at_the_end_of_work_never_leaks_out_of_the_run() -> None:
    # Deadlines land before, during or just after work: each run either succeeds or times out, and
    # no TimeoutError ever surfaces in the caller or in the next run.
    class Racy(tm.Task, name="test.model.racy", middlewares=[tm.middlewares.Timeout(0.0005)]):
        n: int

        def work(self) -> None:
            self.context.total = sum(range(self.n))

    outcomes = set()
    for k in range(300):
        result = Racy.execute(n=(k % 5) * 3000)
        outcomes.add(result.status)
        assert result.success or result.reason == "[TimeoutError] execution exceeded 0.0005 seconds"
        assert sum(range(500)) == 124750
    assert outcomes <= {"success", "failed"}


def test_timeout_stops_a_cpp_task_cooperatively() -> None:
    tm.configure(middlewares=[tm.middlewares.Timeout(0.05)])
    result = tm.task("taskmill.Sleep").execute(seconds=5)
    assert result.reason == "[TimeoutError] execution exceeded 0.05 seconds"


def test_timeout_rejects_bad_seconds() -> None:
    with pytest.raises(ValueError):
        tm.middlewares.Timeout(0)
    with pytest.raises(TypeError):
        tm.middlewares.Timeout("2")  # type: ignore[arg-type]


def test_retry_on_retries_only_work_on_listed_exceptions() -> None:
    calls: list[str] = []

    class Flaky(tm.Task, name="test.model.flaky",
                retry_on=tm.RetryOn(ConnectionError, limit=3, delay=0.001, backoff="jitter")):
        succeed_at: int

        @tm.before_execution
        def once(self) -> None:
            calls.append("before")

        def work(self) -> None:
            calls.append("work")
            if calls.count("work") < self.succeed_at:
                raise ConnectionResetError("reset")

    result = Flaky.execute(succeed_at=3)
    assert result.success and result.retries == 2
    assert calls == ["before", "work", "work", "work"]
    calls.clear()
    exhausted = Flaky.execute(succeed_at=10)
    assert exhausted.failed and exhausted.retries == 3
    assert exhausted.reason == "[ConnectionResetError] reset"


def test_retry_on_ignores_other_exceptions_and_halts() -> None:
    attempts: list[int] = []

    class Other(tm.Task, name="test.model.other", retry_on=tm.RetryOn(ConnectionError, limit=3)):
        def work(self) -> None:
            attempts.append(1)
            if self.context.get("halt"):
                self.fail("halted")
            raise ValueError("not retried")

    assert Other.execute().retries == 0
    assert Other.execute(halt=True).reason == "halted"
    assert len(attempts) == 2


def test_retry_on_is_inherited_and_checked() -> None:
    class Parent(tm.Task, abstract=True, retry_on=tm.RetryOn(KeyError, limit=1)):
        pass

    class Kid(Parent, name="test.model.kid"):
        def work(self) -> None:
            raise KeyError("k")

    assert Kid.execute().retries == 1
    with pytest.raises(ValueError, match="backoff"):
        tm.RetryOn(KeyError, backoff="fast")
    with pytest.raises(TypeError, match="retry_on must be a tm.RetryOn"):
        class Bad(tm.Task, name="test.model.badretry", retry_on=3):  # type: ignore[arg-type]
            def work(self) -> None: ...


def test_backoff_strategies() -> None:
    assert [tm.RetryOn(delay=0.5, backoff="constant").delay_for(n) for n in (1, 2, 3)] == [0.5, 0.5, 0.5]
    assert [tm.RetryOn(delay=0.5, backoff="linear").delay_for(n) for n in (1, 2, 3)] == [0.5, 1.0, 1.5]
    assert [tm.RetryOn(delay=0.5, backoff="exponential").delay_for(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert all(0 <= tm.RetryOn(delay=0.5, backoff="jitter").delay_for(3) <= 2.0 for _ in range(50))


def test_rollback_runs_when_the_run_fails() -> None:
    rolled: list[str] = []

    class Tx(tm.Task, name="test.model.tx"):
        ok: bool

        def work(self) -> None:
            if not self.ok:
                raise RuntimeError("db down")

        def rollback(self) -> None:
            rolled.append("rollback")

    assert Tx.execute(ok=True).success and rolled == []
    assert Tx.execute(ok=False).failed and rolled == ["rollback"]
    assert Tx.execute(ok="perhaps").failed and rolled == ["rollback"]  # invalid input: work never ran
