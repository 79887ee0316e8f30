"""Strict execution, faults, nested tasks and throw."""

from __future__ import annotations

import pytest

import taskmill as tm


class Validate(tm.Task):
    value: int

    def work(self) -> None:
        if self.value < 0:
            self.fail("negative value", value=self.value)
        if self.value == 0:
            self.skip("zero")
        if self.value == 500:
            raise KeyError("boom")


class Process(tm.Task):
    value: int

    def work(self) -> None:
        inner = Validate.execute(self.context)
        self.throw(inner, stage="validate")
        self.context.processed = True


class ProcessStrict(tm.Task):
    value: int

    def work(self) -> None:
        Validate.execute_strict(self.context)
        self.context.processed = True


class StrictSkips(tm.Task, breakpoints=["failed", "skipped"]):
    def work(self) -> None:
        self.skip("not today")


class SubValidate(Validate):
    pass


def test_strict_raises_the_tasks_own_fail_fault():
    with pytest.raises(Validate.FailFault) as info:
        Validate.execute_strict(-1)
    fault = info.value
    assert isinstance(fault, tm.FailFault) and isinstance(fault, tm.Fault) and isinstance(fault, Validate.Fault)
    assert fault.result.reason == "negative value"
    assert fault.result.metadata == {"value": -1}
    assert fault.task is Validate
    assert fault.context.value == -1
    assert str(fault) == "Validate failed: negative value"


def test_fault_classes_are_per_task():
    assert not issubclass(Validate.FailFault, Process.FailFault)
    with pytest.raises(Validate.FailFault):
        try:
            Validate.execute_strict(-1)
        except Process.FailFault:  # must not catch another task's fault
            pytest.fail("caught by the wrong task's FailFault")


def test_subclass_faults_derive_from_parent_task():
    assert issubclass(SubValidate.FailFault, Validate.FailFault)
    assert issubclass(SubValidate.SkipFault, Validate.SkipFault)
    with pytest.raises(Validate.FailFault) as info:
        SubValidate.execute_strict(-3)
    assert type(info.value) is SubValidate.FailFault


def test_strict_reraises_exception_from_work_as_itself():
    with pytest.raises(KeyError, match="boom"):
        Validate.execute_strict(500)


def test_skip_is_not_a_breakpoint_by_default_but_can_be():
    assert Validate.execute_strict(0).skipped
    with pytest.raises(StrictSkips.SkipFault):
        StrictSkips.execute_strict()


def test_throw_passes_failure_and_records_origin():
    result = Process.execute(-5)
    assert result.failed
    assert result.reason == "negative value"
    assert result.metadata == {"value": -5, "stage": "validate"}
    assert "processed" not in result.context
    origin = result.caused_failure
    assert origin.task is Validate and origin.index == 1
    assert result.threw_failure is origin
    assert origin.caused_failure is origin


def test_throw_is_a_noop_when_the_result_did_not_fail():
    result = Process.execute(3)
    assert result.success
    assert result.context.processed is True


def test_nested_strict_fault_fails_the_parent():
    result = ProcessStrict.execute(-2)
    assert result.failed
    assert result.reason == "negative value"
    assert result.caused_failure.task is Validate
    with pytest.raises(ProcessStrict.FailFault) as info:
        ProcessStrict.execute_strict(-2)
    assert info.value.result.caused_failure.task is Validate


def test_nested_exception_bubbles_as_parent_failure():
    result = ProcessStrict.execute(500)
    assert result.failed
    assert result.reason == "[KeyError] 'boom'"
    assert isinstance(result.cause, KeyError)


def test_user_except_exception_does_not_swallow_halting():
    class Careful(tm.Task):
        def work(self) -> None:
            try:
                self.fail("stop here")
            except Exception:  # halting is not an Exception
                self.context.swallowed = True

    result = Careful.execute()
    assert result.failed and result.reason == "stop here"
    assert "swallowed" not in result.context
