"""Interop with real Ruby Sidekiq (Debian's ruby-sidekiq, 6.4 on Debian 12) over one Redis:
jobs pushed by Ruby run on taskmill, jobs pushed by taskmill run on a `sidekiq` process, and
Sidekiq's API reads taskmill's counters, sets and process. Fails, never skips, without Ruby."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import textwrap
import threading
import time

import pytest

import taskmill as tm
from jobs_support import wait_for
from redis_support import redis_cli, redis_url  # noqa: F401  (fixture)

received: list[list] = []


class InteropRecord(tm.Task, name="Interop::Record", queue="interop"):
    label: str
    n: int
    extra: dict = {}

    def work(self) -> None:
        received.append([self.label, self.n, self.extra, self.job.queue])


class InteropBroken(tm.Task, name="Interop::Broken", queue="interop", retry=0):
    def work(self) -> None:
        raise KeyError("no such account")


class InteropOnce(tm.Task, name="Interop::Once", queue="interop"):
    """Fails on its first attempt (then waits an hour in the retry set), succeeds when retried."""

    n: int

    @classmethod
    def retry_in(cls, count: int, exc: BaseException | None) -> float:
        return 3600

    def work(self) -> None:
        if self.job.retry_count is None:
            raise ValueError("first attempt fails")
        received.append(["once", self.n])


slow_release = threading.Event()


class InteropSlow(tm.Task, name="Interop::Slow", queue="interop"):
    def work(self) -> None:
        slow_release.wait(30)


def ruby(script: str, url: str) -> str:
    if shutil.which("ruby") is None:
        pytest.fail("ruby is not installed: install Debian's ruby-sidekiq (scripts/setup.sh does)")
    done = subprocess.run(["ruby", "-e", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "REDIS_URL": url})
    assert done.returncode == 0, f"ruby failed:\n{done.stderr}"
    return done.stdout


@pytest.fixture
def shared(redis_url):
    redis_cli(redis_url, "FLUSHDB")
    received.clear()
    tm.configure(backend=redis_url, log_level="off")
    yield redis_url
    tm.configure(backend="memory://")


def test_jobs_pushed_by_ruby_run_on_taskmill(shared):
    ruby(textwrap.dedent("""
        require "sidekiq"
        Sidekiq::Client.push("class" => "Interop::Record", "args" => ["plain", 1], "queue" => "interop")
        Sidekiq::Client.push("class" => "Interop::Record", "args" => ["options", 2, {"k" => [1, 2]}],
                             "queue" => "interop", "retry" => 3, "backtrace" => true)
        Sidekiq::Client.push("class" => "Interop::Record", "args" => ["scheduled", 3], "queue" => "interop",
                             "at" => Time.now.to_f + 0.3)
    """), shared)
    assert redis_cli(shared, "ZCARD", "schedule") == "1"
    with tm.Worker(queues=["interop"], concurrency=2):
        assert wait_for(lambda: len(received) == 3, timeout=30)
    assert sorted(received) == [["options", 2, {"k": [1, 2]}, "interop"], ["plain", 1, {}, "interop"],
                                ["scheduled", 3, {}, "interop"]]


def test_jobs_pushed_by_taskmill_run_on_sidekiq(shared, tmp_path):
    if shutil.which("sidekiq") is None:
        pytest.fail("the sidekiq command is not installed: install Debian's ruby-sidekiq")
    out = tmp_path / "ruby_out.txt"
    (tmp_path / "ruby_worker.rb").write_text(textwrap.dedent("""
        require "sidekiq"
        module Interop
          class Echo
            include Sidekiq::Worker
            def perform(path, n, word)
              File.open(path, "a") { |f| f.puts("#{n} #{word}") }
            end
          end
        end
    """))
    for n in range(3):
        tm.push({"class": "Interop::Echo", "args": [str(out), n, "from-taskmill"], "queue": "ruby_q"})
    sidekiq = subprocess.Popen(["sidekiq", "-r", str(tmp_path / "ruby_worker.rb"), "-q", "ruby_q", "-c", "1"],
                               env={**os.environ, "REDIS_URL": shared}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        ok = wait_for(lambda: out.exists() and len(out.read_text().splitlines()) == 3, timeout=60)
    finally:
        sidekiq.send_signal(signal.SIGTERM)
        _, err = sidekiq.communicate(timeout=30)
    assert ok, f"sidekiq did not run the jobs:\n{err[-2000:]}"
    assert sorted(out.read_text().splitlines()) == ["0 from-taskmill", "1 from-taskmill", "2 from-taskmill"]


def test_sidekiq_api_reads_taskmills_data(shared):
    for n in range(5):
        InteropRecord.perform_async("stat", n)
    broken_jid = InteropBroken.perform_async()
    with tm.Worker(queues=["interop"], concurrency=2) as worker:
        assert wait_for(lambda: len(received) == 5 and tm.dead_set().size() == 1, timeout=30)
        assert wait_for(lambda: redis_cli(shared, "SCARD", "processes") == "1", timeout=10)
        # The heartbeat (every 5 s) may have been written while the last job ran: wait for one
        # that reports the worker idle, which Ruby must then read as busy 0.
        identity = redis_cli(shared, "SMEMBERS", "processes")
        assert wait_for(lambda: redis_cli(shared, "HGET", identity, "busy") == "0", timeout=15)
        seen = json.loads(ruby(textwrap.dedent("""
            require "sidekiq/api"
            require "json"
            stats = Sidekiq::Stats.new
            dead = Sidekiq::DeadSet.new.first
            process = Sidekiq::ProcessSet.new.first
            puts JSON.generate({
              "processed" => stats.processed, "failed" => stats.failed, "dead_size" => stats.dead_size,
              "retry_size" => stats.retry_size, "dead_jid" => dead && dead.jid,
              "dead_class" => dead && dead.klass, "dead_error" => dead && dead["error_class"],
              "dead_message" => dead && dead["error_message"], "processes" => Sidekiq::ProcessSet.new.size,
              "concurrency" => process && process["concurrency"], "queues" => process && process["queues"],
              "busy" => process && process["busy"], "history" => Sidekiq::Stats::History.new(1).processed.values.first
            })
        """), shared))
        assert worker.processed == 6
    assert seen["processed"] == 6 and seen["failed"] == 1
    assert seen["dead_size"] == 1 and seen["retry_size"] == 0
    assert seen["dead_jid"] == broken_jid and seen["dead_class"] == "Interop::Broken"
    assert seen["dead_error"] == "KeyError" and "no such account" in seen["dead_message"]
    assert seen["processes"] == 1 and seen["concurrency"] == 2 and seen["queues"] == ["interop"]
    assert seen["busy"] == 0
    assert seen["history"] == 6


def test_sidekiq_reads_retries_schedules_and_running_jobs_and_its_retry_reaches_taskmill(shared):
    retry_jid = InteropOnce.perform_async(7)
    scheduled_jid = InteropRecord.perform_in(3600, "later", 1)
    slow_release.clear()
    with tm.Worker(queues=["interop"], concurrency=2):
        assert wait_for(lambda: tm.retry_set().size() == 1, timeout=30)
        slow_jid = InteropSlow.perform_async()
        identity = redis_cli(shared, "SMEMBERS", "processes")
        try:
            # The heartbeat (every 5 s) reports the running slow job: wait for one that names it (a
            # beat written while the first job ran also said busy 1, with that job running).
            assert wait_for(lambda: slow_jid in redis_cli(shared, "HGETALL", f"{identity}:work"), timeout=15)
            assert redis_cli(shared, "HGET", identity, "busy") == "1"
            seen = json.loads(ruby(textwrap.dedent("""
                require "sidekiq/api"
                require "json"
                retrying = Sidekiq::RetrySet.new.first
                scheduled = Sidekiq::ScheduledSet.new.first
                running = []
                Sidekiq::Workers.new.each do |_process, _thread, work|
                  payload = work["payload"]
                  payload = JSON.parse(payload) if payload.is_a?(String)
                  running << [work["queue"], payload["jid"], payload["class"]]
                end
                out = {
                  "retry_jid" => retrying.jid, "retry_class" => retrying.klass,
                  "retry_error" => retrying["error_class"], "retry_message" => retrying["error_message"],
                  "retry_count" => retrying["retry_count"], "retry_at" => retrying.at.to_f,
                  "scheduled_jid" => scheduled.jid, "scheduled_args" => scheduled.args,
                  "scheduled_at" => scheduled.at.to_f, "running" => running,
                  "busy" => Sidekiq::ProcessSet.new.first["busy"]
                }
                retrying.retry  # as the Web UI's "Retry now" does: back to its queue
                puts JSON.generate(out)
            """), shared))
        finally:
            slow_release.set()
        assert wait_for(lambda: ["once", 7] in received, timeout=30)
    now = time.time()
    assert seen["retry_jid"] == retry_jid and seen["retry_class"] == "Interop::Once"
    assert seen["retry_error"] == "ValueError" and seen["retry_message"] == "first attempt fails"
    assert seen["retry_count"] == 0 and now + 3000 < seen["retry_at"] < now + 3700
    assert seen["scheduled_jid"] == scheduled_jid and seen["scheduled_args"] == ["later", 1]
    assert now + 3000 < seen["scheduled_at"] < now + 3700
    assert seen["running"] == [["interop", slow_jid, "Interop::Slow"]]
    assert seen["busy"] == 1
    assert tm.retry_set().size() == 0
