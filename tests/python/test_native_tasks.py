"""C++ tasks from Python: the same API and Result type."""

from __future__ import annotations

import pytest

import taskmill as tm


def test_noop_runs_and_returns_the_same_result_type():
    Noop = tm.task("taskmill.Noop")
    result = Noop.execute()
    assert isinstance(result, tm.Result)
    assert result.success and result.task_name == "taskmill.Noop"
    assert result.task is Noop
    assert tm.task("taskmill.Noop") is Noop


def test_sleep_coerces_and_validates_in_the_core():
    Sleep = tm.task("taskmill.Sleep")
    assert Sleep.execute("0.001").success
    bad = Sleep.execute("soon")
    assert bad.failed and bad.reason == "seconds could not coerce into a float"
    assert bad.metadata["errors"] == {"seconds": ["could not coerce into a float"]}
    missing = Sleep.execute()
    assert missing.reason == "seconds is required"


def test_native_failure_raises_fault_in_strict_mode():
    Sleep = tm.task("taskmill.Sleep")
    negative = Sleep.execute(-1)
    assert negative.failed and negative.reason == "seconds must be at least 0"
    assert negative.metadata == {"errors": {"seconds": ["must be at least 0"]}}  # a validator of the C++ spec
    with pytest.raises(Sleep.FailFault) as info:
        Sleep.execute_strict(-1)
    assert isinstance(info.value, tm.FailFault)


def test_native_task_joins_a_python_chain():
    class Parent(tm.Task):
        def work(self) -> None:
            self.context.child = tm.task("taskmill.Noop").execute()

    result = Parent.execute()
    assert result.context.child.chain_id == result.chain_id
    assert result.context.child.index == 1


def test_native_task_releases_the_gil_while_it_runs():
    import threading
    import time

    Sleep = tm.task("taskmill.Sleep")
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        before = ticks
        assert Sleep.execute(0.2).success
        during = ticks - before
    finally:
        stop.set()
        spinner.join()
    # With the GIL held for 0.2 s the spinner could not tick at all.
    assert during > 20
