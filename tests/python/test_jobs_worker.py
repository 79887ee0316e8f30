"""Workers: running jobs, retries, the dead set, hooks, stats, sets, shutdown, bad input."""

from __future__ import annotations

import base64
import collections
import json
import threading
import time
import zlib

import pytest

import taskmill as tm
from jobs_support import backend, wait_for  # noqa: F401  (fixture)

seen: list[dict] = []
events: dict[str, threading.Event] = collections.defaultdict(threading.Event)
exhausted: list[tuple[dict, object]] = []


class Record(tm.Task, queue="w"):
    key: str
    n: int = 0

    def work(self) -> None:
        job = self.job
        seen.append({"key": self.key, "n": self.n, "jid": job.jid, "queue": job.queue,
                     "retry_count": job.retry_count, "final": job.final_attempt})


class Flaky(tm.Task, queue="w", retry=2, backtrace=True):
    key: str

    @classmethod
    def retry_in(cls, count: int, exc: BaseException | None) -> float:
        return 0.001

    @classmethod
    def retries_exhausted(cls, job: dict, exc: BaseException | None) -> None:
        exhausted.append((job, exc))

    def work(self) -> None:
        seen.append({"key": self.key, "retry_count": self.job.retry_count, "final": self.job.final_attempt})
        raise ValueError(f"boom {self.key}")


class Picky(tm.Task, queue="w", retry=3):
    mode: str

    @classmethod
    def retry_in(cls, count: int, exc: BaseException | None):
        answers = {"kill": "kill", "discard": "discard", "bad": "soon", "inf": float("inf"), "nan": float("nan")}
        return answers.get(str(exc), 0.001)

    def work(self) -> None:
        raise RuntimeError(self.mode)


class NoRetry(tm.Task, queue="w", retry=False):
    def work(self) -> None:
        self.fail("nope")


class Burial(tm.Task, queue="w", retry=0):
    def work(self) -> None:
        self.fail("declined", code="x")


class Blocker(tm.Task, queue="w"):
    key: str

    def work(self) -> None:
        events[self.key + ":started"].set()
        events[self.key].wait(10)
        seen.append({"key": self.key, "jid": self.job.jid})


class BadCallback(tm.Task, queue="w", retry=0):
    def work(self) -> None:
        pass

    @tm.on_success
    def explode(self) -> None:
        raise KeyError("in callback")


@pytest.fixture(autouse=True)
def _reset():
    seen.clear()
    events.clear()
    exhausted.clear()
    yield
    tm.clear_death_handlers()


def worker(**kw) -> tm.Worker:
    kw.setdefault("poll_interval", 0.02)
    return tm.Worker(kw.pop("queues", ["w"]), kw.pop("concurrency", 2), **kw)


def test_jobs_run_with_their_job_info(backend):
    jid = Record.perform_async("a", n=3)
    with worker() as w:
        assert w.wait_idle(10)
    (run,) = seen
    assert run == {"key": "a", "n": 3, "jid": jid, "queue": "w", "retry_count": None, "final": False}
    s = tm.stats()
    assert (s["processed"], s["failed"], s["processed_today"], s["enqueued"], s["busy"]) == (1, 0, 1, 0, 0)


def test_failures_retry_with_sidekiq_fields_then_die(backend):
    jid = Flaky.perform_async("x")
    with worker() as w:
        assert wait_for(lambda: tm.dead_set().size() == 1)
        w.wait_idle(5)
    assert [r["retry_count"] for r in seen] == [None, 0, 1]  # 1 run + retry=2 retries
    assert [r["final"] for r in seen] == [False, False, True]
    (dead,) = tm.dead_set()
    assert dead.jid == jid and dead["retry_count"] == 2
    assert dead["error_class"] == "ValueError" and dead["error_message"] == "boom x"
    assert isinstance(dead["failed_at"], float) and dead["retried_at"] >= dead["failed_at"]
    lines = json.loads(zlib.decompress(base64.b64decode(dead["error_backtrace"])))
    assert any("raise ValueError" in line for line in lines)
    assert len(exhausted) == 1 and exhausted[0][0]["jid"] == jid and isinstance(exhausted[0][1], ValueError)
    s = tm.stats()
    assert (s["processed"], s["failed"], s["dead"], s["retries"]) == (3, 3, 1, 0)


def test_retry_zero_dies_at_first_failure_and_false_never_retries_nor_dies(backend):
    Burial.perform_async()
    NoRetry.perform_async()
    with worker() as w:
        assert w.wait_idle(10)
    (dead,) = tm.dead_set()
    assert dead["class"] == "Burial" and dead["retry_count"] == 0
    assert dead["error_class"] == "Burial.FailFault" and dead["error_message"] == "declined"
    assert tm.retry_set().size() == 0 and tm.stats()["failed"] == 2


def test_retry_in_kill_and_discard(backend):
    Picky.perform_async("kill")
    Picky.perform_async("discard")
    with worker() as w:
        assert w.wait_idle(10)
    assert [j["args"] for j in tm.dead_set()] == [["kill"]]
    assert tm.retry_set().size() == 0


@pytest.mark.parametrize("answer", ["bad", "inf", "nan"])  # inf would never come due, nan run at once
def test_retry_in_returning_nonsense_falls_back_to_the_default_delay(backend, answer):
    Picky.perform_async(answer)
    with worker() as w:
        assert wait_for(lambda: tm.retry_set().size() == 1)
    (job,) = tm.retry_set()
    assert 10 < job.score - time.time() < 30  # Sidekiq's formula: 15 + rand(10) s for retry 0


def test_death_handlers_and_dead_set_cap(backend):
    deaths = []
    tm.on_death(lambda job, err: deaths.append((job["jid"], err)))
    tm.configure(dead_max_jobs=2)
    try:
        jids = [Burial.perform_async() for _ in range(3)]
        with worker(concurrency=1) as w:
            assert w.wait_idle(10)
    finally:
        tm.configure(dead_max_jobs=10_000)
    assert sorted(j for j, _ in deaths) == sorted(jids)
    assert deaths[0][1] == ("Burial.FailFault", "declined")
    assert tm.dead_set().size() == 2


def test_sets_retry_and_delete(backend):
    a = Burial.perform_async()
    b = Burial.perform_async()
    with worker() as w:
        assert w.wait_idle(10)
        dead = {j.jid: j for j in tm.dead_set()}
        assert dead[a].delete() and not dead[a].delete()
        assert dead[b].retry()
        assert wait_for(lambda: tm.stats()["processed"] == 3)
    assert [j.jid for j in tm.dead_set()] == [b]  # died again


def test_scheduled_jobs_run_when_due(backend):
    Record.perform_in(0.05, "later")
    Record.perform_in(3600, "much later")
    with worker() as w:
        assert wait_for(lambda: len(seen) == 1)
        w.wait_idle(5)
    assert seen[0]["key"] == "later" and tm.scheduled_set().size() == 1


meet_barrier: threading.Barrier | None = None


class Meet(tm.Task, queue="w", retry=False):
    """Waits until every other Meet job of the test runs at once (fails after 10 s)."""

    def work(self) -> None:
        assert meet_barrier is not None
        meet_barrier.wait(timeout=10)


def test_a_few_slow_jobs_run_on_all_threads_at_once(backend):
    global meet_barrier
    meet_barrier = threading.Barrier(4)
    for _ in range(4):
        Meet.perform_async()
    with worker(concurrency=4) as w:
        assert w.wait_idle(30)
    assert tm.stats()["processed"] == 4 and tm.stats()["failed"] == 0 and tm.dead_set().size() == 0


def test_strict_queue_order(backend):
    for i in range(5):
        Record.set(queue="low").perform_async("low", n=i)
        Record.set(queue="high").perform_async("high", n=i)
    with worker(queues=["high", "low"], concurrency=1, max_batch=1) as w:
        assert w.wait_idle(10)
    assert [r["key"] for r in seen] == ["high"] * 5 + ["low"] * 5


def test_weighted_queue_order_serves_every_queue(backend):
    for i in range(50):
        Record.set(queue="a").perform_async("a", n=i)
        Record.set(queue="b").perform_async("b", n=i)
    with worker(queues=[("a", 1), ("b", 1)], concurrency=1, max_batch=1) as w:
        assert w.wait_idle(10)
    first_half = [r["key"] for r in seen[:50]]
    assert "a" in first_half and "b" in first_half  # strict order would give 50 × "a"


def test_unknown_task_retries_then_dies_with_a_clear_message(backend):
    tm.push({"class": "Nobody::Knows", "args": [1], "queue": "w", "retry": 1})
    with worker() as w:
        assert wait_for(lambda: tm.retry_set().size() == 1)
        (job,) = tm.retry_set()
        assert job["error_class"] == "UnknownTaskError" and "Nobody::Knows" in job["error_message"]
        assert job.retry()
        assert wait_for(lambda: tm.dead_set().size() == 1)


def test_malformed_payload_dies_and_the_worker_goes_on(backend):
    # As a foreign producer could push it: tm.push would refuse it.
    tm._core.push_unchecked({"class": "Record", "args": ["ok"], "jid": "a" * 24, "retry_count": "three"}, "w")
    tm._core.push_unchecked({"args": "no class"}, "w")
    Record.perform_async("after")
    with worker(concurrency=1) as w:
        assert w.wait_idle(10)
    dead = list(tm.dead_set())
    assert [d["error_class"] for d in dead] == ["MalformedPayload"] * 2
    assert "retry_count" in dead[0]["error_message"] and "class" in dead[1]["error_message"]
    assert [r["key"] for r in seen] == ["after"]


def test_a_dead_job_keeps_every_key_it_was_pushed_with(backend):
    # Queued jobs are held taken apart (class, jid, queue as fields): the payload a worker
    # records on failure must still be the pushed one, key for key, foreign keys included.
    pushed = {"class": "Burial", "args": [], "queue": "w", "retry": 0, "tags": ["t1"],
              "created_at": 1733300000250, "enqueued_at": "yesterday",
              "custom": {"nested": [1, 2.5, None, "x"]}, "jid": "f" * 24, "retry_queue": "w"}
    tm._core.push_unchecked(dict(pushed), "w")
    with worker() as w:
        assert w.wait_idle(10)
    (dead,) = tm.dead_set()
    payload = dead.payload
    assert isinstance(payload["enqueued_at"], float)  # stamped by the push, as Sidekiq does
    errors = {"error_class", "error_message", "failed_at", "retry_count", "enqueued_at"}
    assert {k: v for k, v in payload.items() if k not in errors} == {k: v for k, v in pushed.items() if k not in errors}
    assert payload["error_class"] == "Burial.FailFault" and payload["error_message"] == "declined"


def test_wrong_argument_types_fail_in_the_worker(backend):
    tm.push({"class": "Record", "args": [None], "queue": "w", "retry": 0})
    with worker() as w:
        assert w.wait_idle(10)
    (dead,) = tm.dead_set()
    assert "key is required" in dead["error_message"]


def test_exception_in_a_callback_fails_the_job(backend):
    BadCallback.perform_async()
    with worker() as w:
        assert w.wait_idle(10)
    (dead,) = tm.dead_set()
    assert dead["error_class"] == "KeyError"


def test_starting_twice_raises(backend):
    w = worker()
    with w:
        with pytest.raises(RuntimeError, match="already started"):
            w.start()


def test_stop_from_inside_a_job_does_not_hang(backend):
    w = worker(concurrency=2)

    class SelfStop(tm.Task, queue="w", name="SelfStop"):
        def work(self) -> None:
            w.stop()
            events["stopped"].set()

    SelfStop.perform_async()
    w.start()
    assert events["stopped"].wait(10)
    assert w.join(10)
    assert not w.running


def test_quiet_stops_fetching(backend):
    with worker(concurrency=1) as w:
        w.quiet()
        assert wait_for(lambda: not w.running)
        Record.perform_async("never")
        time.sleep(0.05)
    assert seen == [] and tm.stats()["queues"]["w"]["size"] == 1


def test_shutdown_with_jobs_in_flight_loses_none(backend):
    jids = {Blocker.perform_async(f"b{i}") for i in range(6)}
    w = worker(concurrency=2, max_batch=3)
    w.start()
    assert events["b0:started"].wait(10)
    w.stop(timeout=0.05)  # jobs still blocked: requeued at the head of the queue
    for i in range(6):
        events[f"b{i}"].set()
    assert w.join(10)
    s = tm.stats()
    assert s["busy"] == 0
    with worker(concurrency=2) as w2:
        assert w2.wait_idle(10)
    assert {r["jid"] for r in seen} == jids  # every job ran; abandoned ones may have run twice


def test_many_producers_and_workers_run_every_job_exactly_once(backend):
    producers, per_producer = 4, 1500
    counts: collections.Counter[str] = collections.Counter()

    def produce(p: int) -> None:
        for i in range(per_producer):
            Record.perform_async(f"{p}-{i}")

    workers = [worker(concurrency=2).start() for _ in range(2)]
    threads = [threading.Thread(target=produce, args=(p,)) for p in range(producers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for w in workers:
        assert w.wait_idle(30)
    for w in workers:
        w.stop()
        w.join()
    counts.update(r["key"] for r in seen)
    assert len(counts) == producers * per_producer and set(counts.values()) == {1}
    assert sum(w.processed for w in workers) == producers * per_producer
    assert tm.stats()["processed"] == producers * per_producer


def test_cpp_jobs_complete_while_a_python_job_computes(backend):
    class Spin(tm.Task, queue="w", name="Spin"):
        def work(self) -> None:
            events["spin:started"].set()
            deadline = time.monotonic() + 20
            x = 0
            while not events["spin"].is_set() and time.monotonic() < deadline:
                x += 1  # pure Python: holds the GIL
            seen.append({"key": "spin", "cpp_done_before": events["cpp"].is_set()})

    noop = tm.task("taskmill.Noop")
    with worker(concurrency=2, max_batch=1) as w:
        Spin.perform_async()
        assert events["spin:started"].wait(10)
        noop.set(queue="w").perform_bulk([[] for _ in range(500)])
        assert wait_for(lambda: w.processed >= 500)
        events["cpp"].set()
        events["spin"].set()
        assert w.wait_idle(10)
    assert seen == [{"key": "spin", "cpp_done_before": True}]


class Rerouted(tm.Task, queue="w", retry=1, retry_queue="w-retries", dead=False):
    @classmethod
    def retry_in(cls, count: int, exc: BaseException | None) -> float:
        return 0.001

    @classmethod
    def retries_exhausted(cls, job: dict, exc: BaseException | None) -> None:
        exhausted.append((job, exc))

    def work(self) -> None:
        seen.append({"queue": self.job.queue})
        raise OSError("disk")


def test_retry_queue_and_dead_false(backend):
    Rerouted.perform_async()
    with worker(queues=["w", "w-retries"]) as w:
        assert wait_for(lambda: len(exhausted) == 1)
        w.wait_idle(5)
    assert [r["queue"] for r in seen] == ["w", "w-retries"]
    assert tm.dead_set().size() == 0 and tm.retry_set().size() == 0  # dead=False: dropped after the hook


def test_wait_idle_times_out_while_a_job_runs(backend):
    Blocker.perform_async("slow")
    with worker(concurrency=1) as w:
        assert events["slow:started"].wait(10)
        assert w.wait_idle(0.05) is False
        events["slow"].set()
        assert w.wait_idle(10) is True


def test_run_blocks_until_a_signal_then_stops_gracefully(backend):
    import os
    import signal

    Record.perform_async("before-signal")
    w = worker(concurrency=1)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGTERM))
    handler = signal.getsignal(signal.SIGTERM)
    timer.start()
    w.run()  # returns after SIGTERM
    timer.join()
    assert not w.running and [r["key"] for r in seen] == ["before-signal"]
    assert signal.getsignal(signal.SIGTERM) is handler  # restored


class CorrelatedFollowup(tm.Task, name="test.jobs.correlated_followup", queue="corr",
                         middlewares=[tm.middlewares.Correlate()]):
    def work(self) -> None: ...


class CorrelatedRequest(tm.Task, name="test.jobs.correlated_request", middlewares=[tm.middlewares.Correlate()]):
    def work(self) -> None:
        CorrelatedFollowup.perform_async()


def test_correlate_carries_the_id_into_jobs_enqueued_during_a_run(backend, tmp_path) -> None:
    with tm.testing.fake():
        CorrelatedFollowup.perform_async()  # outside any run: nothing to carry
        assert "correlation_id" not in CorrelatedFollowup.jobs[0]
        CorrelatedFollowup.clear()

    log = tmp_path / "runs.log"
    tm.configure(log_level="info", log_file=str(log))
    result = CorrelatedRequest.execute()
    assert result.success, result.reason
    with tm.Worker(["corr"], 1) as worker:
        assert worker.wait_idle(timeout=10)
    tm.configure(log_level="off", log_file=None)

    runs = [json.loads(line) for line in log.read_text().splitlines()]
    followups = [run for run in runs if run["task"] == "test.jobs.correlated_followup"]
    assert len(followups) == 1
    assert followups[0]["metadata"]["correlation_id"] == result.metadata["correlation_id"]
    assert followups[0]["jid"]  # it ran as a job, not nested in the request's run


@pytest.mark.parametrize("bad", [0, -1, 2.5, "8", True])
def test_max_batch_must_be_a_positive_int(backend: str, bad: object) -> None:
    with pytest.raises(ValueError, match=r"max_batch must be an int >= 1 .*" + repr(bad).replace(".", r"\.")):
        tm.Worker(max_batch=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [float("nan"), -1.0])
def test_waits_must_be_seconds_at_least_zero(backend: str, bad: float) -> None:
    message = r"timeout must be a number of seconds >= 0, not " + ("nan" if bad != bad else "-1")
    with pytest.raises(ValueError, match=message):
        tm.Worker(timeout=bad)
    Record.perform_async("x")  # a job waits: an unchecked NaN wait_idle would spin for ever
    w = tm.Worker(["w"], 1)
    with pytest.raises(ValueError, match=message):
        w.wait_idle(bad)
    with pytest.raises(ValueError, match=message):
        w.join(bad)
    w.start()
    with pytest.raises(ValueError, match=message):
        w.stop(bad)
    assert w.running and w.wait_idle(10)  # the refused stop changed nothing
    w.stop()
    assert w.join(10)


def test_waits_must_be_numbers(backend: str) -> None:
    with pytest.raises(TypeError, match="timeout must be a number of seconds, not str"):
        tm.Worker(timeout="25")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="poll_interval must be a number of seconds, not NoneType"):
        tm.Worker(poll_interval=None)  # type: ignore[arg-type]
    w = tm.Worker(["w"], 1)
    for wait in (w.stop, w.join, w.wait_idle):
        with pytest.raises(TypeError, match="timeout must be a number of seconds, not str"):
            wait("1")  # type: ignore[arg-type]


def test_a_batch_of_one_still_drains_everything(backend: str) -> None:
    class Counted(tm.Task, name="test.worker.Counted"):
        n: int

        def work(self) -> None:
            seen.append(self.n)

    seen: list[int] = []
    Counted.perform_bulk([[i] for i in range(50)])
    with tm.Worker(concurrency=2, max_batch=1) as w:
        assert w.wait_idle(10)
    assert sorted(seen) == list(range(50))
