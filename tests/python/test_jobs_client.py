"""Enqueueing: payload format, perform_* variants, set(), push, the JSON argument check."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

import taskmill as tm
from jobs_support import backend  # noqa: F401  (fixture)


class ClientCharge(tm.Task, queue="billing", retry=5):
    subscription_id: int
    amount: float = 0.0
    note: str = ""

    def work(self) -> None:
        pass




def test_perform_async_payload_is_in_the_wire_format(backend):
    with tm.testing.fake():
        jid = ClientCharge.perform_async(7, note="hi")
        (job,) = ClientCharge.jobs
    assert re.fullmatch(r"[0-9a-f]{24}", jid) and job["jid"] == jid
    assert job["class"] == "ClientCharge"
    assert job["args"] == [7, None, "hi"]  # positional in declaration order, gap left null
    assert job["queue"] == "billing" and job["retry"] == 5
    assert isinstance(job["created_at"], float) and abs(job["created_at"] - time.time()) < 60


def test_perform_async_pushes_to_the_queue_with_float_enqueued_at(backend):
    ClientCharge.perform_async(1)
    s = tm.stats()
    assert s["enqueued"] == 1 and s["queues"]["billing"]["size"] == 1
    assert s["queues"]["billing"]["latency"] >= 0


def test_set_overrides_options_per_call(backend):
    with tm.testing.fake():
        ClientCharge.set(queue="critical", retry=False, backtrace=True).perform_async(1)
        (job,) = ClientCharge.jobs
    assert job["queue"] == "critical" and job["retry"] is False and job["backtrace"] is True
    with pytest.raises(TypeError, match="unknown option"):
        ClientCharge.set(colour="red")


def test_perform_in_and_at_schedule_and_a_past_time_enqueues_now(backend):
    ClientCharge.perform_in(3600, 1)
    ClientCharge.perform_in(dt.timedelta(hours=1), 2)
    ClientCharge.perform_at(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2), 3)
    ClientCharge.perform_at(time.time() - 10, 4)
    s = tm.stats()
    assert s["scheduled"] == 3 and s["queues"]["billing"]["size"] == 1
    scheduled = list(tm.scheduled_set())
    assert [j["args"][0] for j in scheduled] == [1, 2, 3]  # sorted by run time
    assert all("enqueued_at" not in j for j in scheduled)
    assert scheduled[2].score > scheduled[0].score + 3000


def test_perform_bulk_returns_one_jid_per_job(backend):
    jids = ClientCharge.perform_bulk([[1], [2, 3.5], (3,)])
    assert len(set(jids)) == 3
    assert tm.stats()["queues"]["billing"]["size"] == 3


def test_perform_bulk_checks_every_job_before_pushing_any(backend):
    with pytest.raises(TypeError, match=r"args\[0\]"):
        ClientCharge.perform_bulk([[1], [object()]])
    assert tm.stats()["enqueued"] == 0


def test_non_json_argument_names_task_argument_path_and_type(backend):
    with pytest.raises(TypeError) as info:
        ClientCharge.perform_async(1, note={"when": [1, dt.datetime(2024, 1, 1)]})
    message = str(info.value)
    assert "ClientCharge" in message and "'note'" in message
    assert 'args[2]["when"][1]' in message and "datetime" in message
    with pytest.raises(TypeError, match=r"args\[0\].*'set'"):
        ClientCharge.perform_async({1, 2})
    assert tm.stats()["enqueued"] == 0


@pytest.mark.parametrize("value, what", [(float("nan"), "the float nan"), (float("-inf"), "the float -inf"),
                                         (2**64, "an int beyond the 64-bit range")])
def test_values_json_cannot_carry_are_refused_not_changed(backend, value, what):
    # Encoded as they are, NaN and Infinity would become null and a big int would not fit.
    with pytest.raises(TypeError, match=re.escape(f"'note' is not JSON-native: args[2][\"x\"][0] is {what}")):
        ClientCharge.perform_async(1, note={"x": [value]})
    with pytest.raises(TypeError, match=re.escape(f'payload["args"][0] is {what}')):
        tm.push({"class": "ClientCharge", "args": [value]})
    assert tm.stats()["enqueued"] == 0


@pytest.mark.parametrize("call", ["perform_in", "perform_at"])
@pytest.mark.parametrize("when", [float("nan"), float("inf")])
def test_times_that_are_not_finite_are_refused(backend, call, when):
    # A NaN time compares false with every time and an infinite one never comes due.
    with pytest.raises(ValueError, match=f"{call}: the time must be a finite number of seconds, not {when}"):
        getattr(ClientCharge, call)(when, 1)
    with pytest.raises(ValueError, match=f"{call}: the time must be a finite number"):
        getattr(ClientCharge.set(queue="other"), call)(when, 1)
    with tm.testing.fake(), pytest.raises(ValueError, match="finite"):
        getattr(ClientCharge, call)(when, 1)
    with pytest.raises(TypeError, match=re.escape('payload["at"] is the float')):
        tm.push({"class": "ClientCharge", "args": [1], "at": when})
    s = tm.stats()
    assert s["enqueued"] == 0 and s["scheduled"] == 0


def test_bad_call_shapes_raise_type_error(backend):
    with pytest.raises(TypeError, match="positional"):
        ClientCharge.perform_async(1, 2, "x", 4)
    with pytest.raises(TypeError, match="unexpected keyword"):
        ClientCharge.perform_async(1, colour="red")
    with pytest.raises(TypeError, match="multiple values"):
        ClientCharge.perform_async(1, subscription_id=2)


def test_cpp_tasks_enqueue_like_python_ones(backend):
    sleep = tm.task("taskmill.Sleep")
    jid = sleep.perform_async(0.0)
    with tm.testing.fake():
        sleep.perform_async(seconds=0.5)
        (job,) = sleep.jobs
    assert job["class"] == "taskmill.Sleep" and job["args"] == [0.5] and job["queue"] == "default"
    assert len(jid) == 24 and tm.stats()["queues"]["default"]["size"] == 1


def test_push_completes_a_raw_payload(backend):
    jid = tm.push({"class": "ClientCharge", "args": [1]})
    assert len(jid) == 24
    assert tm.stats()["queues"]["billing"]["size"] == 1  # queue taken from the task
    tm.push({"class": "Some::RubyJob", "args": [], "queue": "ruby", "at": time.time() + 100})
    (scheduled,) = tm.scheduled_set()
    assert scheduled["retry"] is True and isinstance(scheduled["created_at"], float)
    with pytest.raises(TypeError, match="class"):
        tm.push({"args": []})
    with pytest.raises(TypeError, match="args"):
        tm.push({"class": "X", "args": "nope"})
