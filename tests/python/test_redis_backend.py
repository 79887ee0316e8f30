"""Background jobs on the Redis backend, end to end, against a redis-server this test starts.

The Sidekiq layout is checked by reading Redis directly (with redis-cli, so the test needs no
Python Redis client): queues, the retry and dead sets, counters.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading

import pytest

import taskmill as tm
from jobs_support import wait_for
from redis_support import free_port, redis_cli, redis_url  # noqa: F401  (fixture)

seen: list[int] = []


class RedisRecord(tm.Task, queue="redis_q"):
    n: int

    def work(self) -> None:
        seen.append(self.n)


class RedisFlaky(tm.Task, queue="redis_q", retry=1):
    def work(self) -> None:
        raise ConnectionError("gateway down")

    @classmethod
    def retry_in(cls, count: int, exc: BaseException | None) -> float:
        return 0.01


@pytest.fixture
def redis_backend(redis_url):
    tm.configure(backend=redis_url, log_level="off")
    tm._core.flush_backend()
    seen.clear()
    yield redis_url
    tm.configure(backend="memory://")


def test_jobs_are_stored_in_sidekiq_layout(redis_backend):
    jid = RedisRecord.perform_async(7)
    assert redis_cli(redis_backend, "SISMEMBER", "queues", "redis_q") == "1"
    payload = json.loads(redis_cli(redis_backend, "LINDEX", "queue:redis_q", "0"))
    assert payload["jid"] == jid and payload["class"] == "RedisRecord" and payload["args"] == [7]
    assert isinstance(payload["enqueued_at"], float) and isinstance(payload["created_at"], float)
    assert tm.stats()["queues"]["redis_q"]["size"] == 1


def test_worker_drains_python_and_cpp_jobs(redis_backend):
    for n in range(200):
        RedisRecord.perform_async(n)
    noop = tm.task("taskmill.Noop")
    for _ in range(100):
        noop.set(queue="redis_q").perform_async()
    with tm.Worker(queues=["redis_q"], concurrency=2) as worker:
        assert worker.wait_idle(timeout=30)
    assert sorted(seen) == list(range(200))
    stats = tm.stats()
    assert stats["processed"] == 300 and stats["failed"] == 0
    assert stats["queues"]["redis_q"]["size"] == 0
    assert redis_cli(redis_backend, "GET", "stat:processed") == "300"


meet_barrier: threading.Barrier | None = None


class RedisMeet(tm.Task, queue="redis_q", retry=False):
    """Waits until every other RedisMeet job of the test runs at once (fails after 10 s)."""

    def work(self) -> None:
        assert meet_barrier is not None
        meet_barrier.wait(timeout=10)


def test_a_few_slow_jobs_run_on_all_threads_at_once(redis_backend):
    global meet_barrier
    meet_barrier = threading.Barrier(4)
    RedisMeet.perform_bulk([[]] * 4)
    with tm.Worker(queues=["redis_q"], concurrency=4) as worker:
        assert worker.wait_idle(timeout=30)
    assert tm.stats()["processed"] == 4 and tm.stats()["failed"] == 0 and tm.dead_set().size() == 0


def test_failures_go_through_the_retry_set_to_the_dead_set(redis_backend):
    jid = RedisFlaky.perform_async()
    with tm.Worker(queues=["redis_q"], concurrency=1):
        assert wait_for(lambda: tm.dead_set().size() == 1, timeout=30)
    dead = json.loads(redis_cli(redis_backend, "ZRANGE", "dead", "0", "0"))
    assert dead["jid"] == jid
    assert dead["error_class"] == "ConnectionError" and dead["error_message"] == "gateway down"
    assert dead["retry_count"] == 1
    assert redis_cli(redis_backend, "ZCARD", "retry") == "0"
    assert tm.stats()["failed"] == 2


def test_scheduled_job_runs_when_due(redis_backend):
    RedisRecord.perform_in(0.2, 99)
    assert redis_cli(redis_backend, "ZCARD", "schedule") == "1"
    with tm.Worker(queues=["redis_q"], concurrency=1):
        assert wait_for(lambda: seen == [99], timeout=30)
    assert redis_cli(redis_backend, "ZCARD", "schedule") == "0"


def test_bad_redis_urls_are_clear_errors(redis_url):
    before = tm._core.default_backend_url()
    with pytest.raises(ValueError, match="the port must be a number"):
        tm.configure(backend="redis://127.0.0.1:notaport/0")
    with pytest.raises(ConnectionError, match="cannot reach Redis at redis://:\\*\\*\\*@127.0.0.1"):
        tm.configure(backend=f"redis://:secret@127.0.0.1:{free_port()}/0")
    assert tm._core.default_backend_url() == before  # a failed change leaves the default as it was


def test_a_wrong_or_missing_password_is_a_clear_connection_error(tmp_path):
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--requirepass", "right", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: _accepts(port), timeout=10), "redis-server did not start"
        with pytest.raises(ConnectionError, match="refused the connection setup: WRONGPASS"):
            tm.configure(backend=f"redis://:wrong@127.0.0.1:{port}/0")
        with pytest.raises(ConnectionError, match="refused the connection setup: NOAUTH"):
            tm.configure(backend=f"redis://127.0.0.1:{port}/0")
        tm.configure(backend=f"redis://:right@127.0.0.1:{port}/0")
        assert tm.stats()["processed"] == 0
    finally:
        tm.configure(backend="memory://")
        server.kill()
        server.wait()


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def test_running_worker_heartbeats_in_sidekiqs_process_set(redis_backend):
    worker = tm.Worker(queues=["redis_q"], concurrency=3)
    worker.start()
    try:
        assert wait_for(lambda: redis_cli(redis_backend, "SCARD", "processes") == "1", timeout=10)
        identity = redis_cli(redis_backend, "SMEMBERS", "processes")
        info = json.loads(redis_cli(redis_backend, "HGET", identity, "info"))
        assert info["concurrency"] == 3 and info["queues"] == ["redis_q"] and info["identity"] == identity
        assert redis_cli(redis_backend, "HGET", identity, "quiet") == "false"
    finally:
        worker.stop()
        worker.join()
    assert redis_cli(redis_backend, "SCARD", "processes") == "0"  # a clean exit leaves the set
    assert redis_cli(redis_backend, "EXISTS", identity) == "0"


release = __import__("threading").Event()


class RedisHold(tm.Task, queue="redis_hold"):
    def work(self) -> None:
        release.wait(30)


def test_heartbeat_shows_running_jobs_and_obeys_ui_signals(redis_backend):
    import threading

    release.clear()
    jid = RedisHold.perform_async()
    worker = tm.Worker(queues=["redis_hold"], concurrency=2)
    runner = threading.Thread(target=worker.run)
    runner.start()
    try:
        assert wait_for(lambda: redis_cli(redis_backend, "SCARD", "processes") == "1", timeout=10)
        identity = redis_cli(redis_backend, "SMEMBERS", "processes")
        # The running job appears in both UI generations' work hashes by the next beat.
        assert wait_for(lambda: jid in redis_cli(redis_backend, "HGETALL", f"{identity}:work"), timeout=15)
        entry = json.loads(redis_cli(redis_backend, "HVALS", f"{identity}:workers").splitlines()[0])
        assert entry["queue"] == "redis_hold" and json.loads(entry["payload"])["jid"] == jid
        release.set()
        redis_cli(redis_backend, "LPUSH", f"{identity}-signals", "TSTP")
        assert wait_for(lambda: redis_cli(redis_backend, "HGET", identity, "quiet") == "true", timeout=15)
        redis_cli(redis_backend, "LPUSH", f"{identity}-signals", "TERM")
        runner.join(timeout=20)
        assert not runner.is_alive(), "TERM from the UI did not stop the worker"
    finally:
        release.set()
        if runner.is_alive():
            worker.stop()
            runner.join()
    assert redis_cli(redis_backend, "SCARD", "processes") == "0"


def test_malformed_payloads_pushed_by_hand_go_to_the_dead_set_and_the_worker_goes_on(redis_backend):
    # As a foreign producer (or a person with redis-cli) could push them.
    for raw in ("not json at all", '{"args": [1]}', '{"class": "RedisRecord", "jid": "x"}', "[1, 2]"):
        redis_cli(redis_backend, "LPUSH", "queue:redis_q", raw)
    RedisRecord.perform_async(5)
    with tm.Worker(queues=["redis_q"], concurrency=1) as worker:
        assert worker.wait_idle(timeout=30)
    assert seen == [5]
    assert tm.dead_set().size() == 4
    dead = [json.loads(line) for line in redis_cli(redis_backend, "ZRANGE", "dead", "0", "-1").splitlines()]
    assert [d["error_class"] for d in dead] == ["MalformedPayload"] * 4
    reasons = sorted(d["error_message"] for d in dead)
    assert reasons[0] == "the payload has no 'class' (a non-empty string naming the task)"
    assert reasons[1] == "the payload is not a JSON object"
    assert reasons[3] == "the payload's 'args' is missing or not an array"
    assert sorted(str(d.get("raw")) for d in dead if "raw" in d) == ["[1, 2]", "not json at all"]  # kept
    assert redis_cli(redis_backend, "LLEN", "queue:redis_q") == "0"
    assert (tm.stats()["processed"], tm.stats()["failed"]) == (5, 4)  # Sidekiq counts failures as processed too


def test_a_large_payload_runs_with_its_arguments_intact(redis_backend):
    big = "x" * (8 * 1024 * 1024)  # 8 MiB in one argument

    class RedisBig(tm.Task, name="test.redis.big", queue="redis_q"):
        text: str

        def work(self) -> None:
            seen.append(len(self.text) if self.text == big else -1)

    RedisBig.perform_async(big)
    with tm.Worker(queues=["redis_q"], concurrency=1) as worker:
        assert worker.wait_idle(timeout=60)
    assert seen == [len(big)]
