"""Redis throughput next to the peers: drain 50k queued no-op jobs from one local redis-server.

    python3 bench/redis_peers.py [--jobs N] [--repeats R] [--only NAME,...] [--setup]

Contenders (``--only`` takes the names in brackets; ``--list`` prints them), each in its
recommended one-process configuration, all on the same freshly flushed redis-server:

- [taskmill-py] taskmill, a Python task with an empty ``work``:
  ``taskmill worker -c 10 --backend redis://...`` (10 threads, the CLI's and Sidekiq's default;
  [taskmill-py-c2] the same with ``-c 2``, one thread per core; [taskmill-py-nolog] ``-c 10``
  with the run log off, to show what the default one-line-per-job log costs).
- [taskmill-cpp] taskmill, the built-in C++ task ``taskmill.Noop``, ``-c 10``.
- [sidekiq] Ruby Sidekiq (the Debian package): ``sidekiq -r ./sidekiq_worker.rb -c 10``.
- [celery] Celery, ``celery worker --pool=prefork -c 1``: prefork is the pool Celery's docs
  recommend (one child process; the parent does the messaging). [celery-solo] ``--pool=solo``,
  the single-process pool, as a second row.
- [dramatiq] Dramatiq, ``dramatiq --processes 1 --threads 8`` (its default thread count).
- [rq] RQ, ``rq worker --burst`` with its default Worker, which forks per job (RQ's recommended
  configuration); [rq-simple] ``--worker-class rq.SimpleWorker`` (no fork) as a second row.
- [huey] Huey, ``huey_consumer huey_app.huey`` (its default: one worker thread, faster here
  for no-op jobs than more threads); [huey-w4] ``-w 4 -k thread`` as a second row.
- [arq] arq, ``arq --burst arq_app.WorkerSettings`` with arq's defaults (``max_jobs`` 10,
  ``poll_delay`` 0.5 s).

Every peer runs without a result backend (Celery ``task_ignore_result``, Huey
``results=False``, RQ ``result_ttl=0``, arq ``keep_result=0``) and with its default logging,
written to a file (taskmill: one JSON line per job; Sidekiq: two lines per job). The task
modules are in bench/peers/.

Method, the same for every contender and every repeat:

1. FLUSHALL, then enqueue N no-op jobs with the peer's own client in a fresh process, timed
   inside that process after its imports: the *enqueue rate*. A peer's bulk API is used where it
   has one (taskmill ``perform_bulk``, Sidekiq ``perform_bulk``, RQ ``enqueue_many``), otherwise
   one call per job; the table says which.
2. Start the worker process on the full queue. The bench polls Redis every 5 ms for the number
   of jobs not yet finished, as far as Redis shows it: queued plus fetched-but-unacked where the
   peer keeps such a list (taskmill: ``N - stat:processed``, counted per acked batch; Celery:
   the ``celery`` list + ``unacked`` hash; Dramatiq: the ``.msgs`` hash, emptied at ack; RQ: the
   queue + intermediate list + ``wip`` registry; arq: the queue sorted set, left at job end;
   Sidekiq and Huey: the queue list, at most ``concurrency`` jobs being run at that point).
3. The clock starts at the first poll that sees fewer than N jobs left (the worker has booted
   and processed its first job or batch: boot time is not counted) and stops at the first poll
   that sees none left. *Drain rate* = jobs finished between those two polls / time between
   them.
4. Stop the worker (its own graceful signal; RQ and arq in burst mode exit by themselves) and
   check that every job succeeded (peer counters / failed sets / no traceback in the log).

Medians of the repeats are printed (``--repeats``, default 3). To keep the whole bench near
12 minutes on 2 cores, slow contenders use fewer jobs by default: Celery 20,000; RQ forking per
job 2,000 and RQ SimpleWorker 10,000, arq 5,000 (its 0.5 s poll caps it near 200 jobs/s) and
the secondary Huey row 20,000, these with one run; the table prints jobs x runs, and jobs/s
stays comparable (``--no-caps`` lifts the caps); a drain still running after ``--timeout`` seconds is stopped and
its rate over the part done is reported, marked "partial". The floor is redis-benchmark's
LPUSH / RPOP rate (50 clients, unpipelined and ``-P 16``). taskmill's crash-safe fetch
(RPOPLPUSH into a per-process in-flight list, acked after the job) is always on for
``redis://``: nothing to configure.

Python peers are installed from PyPI (bench/peers/requirements*.txt) into venvs of their own,
``~/.cache/taskmill-bench/venv`` and ``venv-arq`` (arq pins redis-py < 6, Celery's kombu needs
>= 6.1; ``TASKMILL_BENCH_CACHE`` moves them), created with ``--system-site-packages`` so the
installed taskmill is visible; the system site-packages are never changed. The setup runs by itself when the venv is missing or the requirements changed;
``--setup`` redoes it. The bench then re-runs itself with the venv's Python. Needs redis-server,
redis-benchmark and (for the Sidekiq row) ``ruby`` with the ``sidekiq`` gem (Debian:
``ruby-sidekiq``). Worker logs go to ``~/.cache/taskmill-bench/logs/``. The machine should be
quiet: the numbers move with whatever else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
CACHE = Path(os.environ.get("TASKMILL_BENCH_CACHE", "~/.cache/taskmill-bench")).expanduser()
# venv -> its requirements. arq pins redis-py < 6 and Celery's kombu needs >= 6.1: two venvs.
VENVS = {CACHE / "venv": PEERS / "requirements.txt", CACHE / "venv-arq": PEERS / "requirements-arq.txt"}
VENV = CACHE / "venv"  # the bench itself runs here
VENV_PYTHON = VENV / "bin" / "python"
ARQ_VENV = CACHE / "venv-arq"
LOGS = CACHE / "logs"

POLL_SECONDS = 0.005  # how often the drain is sampled (a pipelined round trip per sample)
STOP_SECONDS = 30.0  # grace given to a worker to exit after its stop signal

# Processes this run started (worker, redis-server): killed by id on any exit, Ctrl-C included.
_children: list[subprocess.Popen] = []


# --------------------------------------------------------------------------------------------
# Setup: the peers' venv
# --------------------------------------------------------------------------------------------

def _requirements(path: Path) -> list[str]:
    lines = path.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ensure_venvs(force: bool) -> None:
    """Create the peers' venvs and install the peers from PyPI, unless done with these
    requirements already."""
    for venv, requirements in VENVS.items():
        python = venv / "bin" / "python"
        marker = venv / ".bench-requirements"
        wanted = "\n".join(_requirements(requirements))
        if not force and python.exists() and marker.exists() and marker.read_text() == wanted:
            continue
        print(f"setup: creating {venv} (--system-site-packages, so taskmill is visible)", flush=True)
        if venv.exists():
            shutil.rmtree(venv)
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
        print(f"setup: pip install {' '.join(_requirements(requirements))}  (into that venv only)",
              flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-qq", "-r", str(requirements)],
                       check=True)
        marker.write_text(wanted)


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


# --------------------------------------------------------------------------------------------
# The redis-server this bench owns
# --------------------------------------------------------------------------------------------

def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A private redis-server on 127.0.0.1, persistence off, killed by stop()."""

    def __init__(self) -> None:
        self.port = free_loopback_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="taskmill-bench-redis-")
        self.proc: Optional[subprocess.Popen] = None

    def start(self):
        import redis  # from the venv (the peers' dependency)

        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log"),
             "--protected-mode", "yes"],
            stdin=subprocess.DEVNULL, start_new_session=True)
        _children.append(self.proc)
        client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return client
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start (see {self.dir}/redis.log)")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, signal.SIGTERM, 5)
        shutil.rmtree(self.dir, ignore_errors=True)


def stop_process(proc: subprocess.Popen, sig: int, grace: float) -> None:
    """Signal a child's process group (it was started in a session of its own), then kill it
    if it has not exited after ``grace`` seconds."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    if proc in _children:
        _children.remove(proc)


# --------------------------------------------------------------------------------------------
# Contenders
# --------------------------------------------------------------------------------------------

def _int(value) -> int:
    return int(value) if value is not None else 0


def _llen_sum(r, keys: list[str]) -> int:
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.llen(key)
    return sum(pipe.execute())


def _no_traceback(log: str) -> Optional[str]:
    return "a traceback in the worker log" if "Traceback" in log else None


def _sidekiq_counts(r, n: int, log: str) -> Optional[str]:
    """taskmill and Sidekiq share the counters and sets (Sidekiq flushes its counters at exit)."""
    processed, failed = _int(r.get("stat:processed")), _int(r.get("stat:failed"))
    retries, dead = r.zcard("retry"), r.zcard("dead")
    if processed != n or failed or retries or dead:
        return f"stat:processed {processed} (want {n}), failed {failed}, retry {retries}, dead {dead}"
    return _no_traceback(log)


@dataclass
class Contender:
    """One row: how to enqueue, how to run the worker, how to see what is left in Redis."""

    key: str
    label: str
    family: str  # "taskmill-py", "taskmill-cpp", "ruby", "python" (peers counted for the target)
    enqueue: list[str]  # command; " N" is appended
    worker: list[str]
    remaining: Callable  # (redis client, N) -> jobs not finished yet
    check: Callable = lambda r, n, log: _no_traceback(log)  # (redis, N, log) -> problem or None
    stop_signal: int = signal.SIGTERM
    burst: bool = False  # exits by itself once the queue is empty
    job_cap: Optional[int] = None  # slow contenders: at most this many jobs by default
    repeat_cap: Optional[int] = None
    env: dict = field(default_factory=dict)


def contenders(url: str) -> list[Contender]:
    py = str(VENV_PYTHON if VENV_PYTHON.exists() else sys.executable)
    venv_bin = VENV / "bin"
    enqueue_py = [py, str(PEERS / "enqueue.py")]
    taskmill_worker = [py, "-m", "taskmill.cli", "worker", "-r", "taskmill_tasks", "--backend", url]

    def taskmill_left(r, n):
        return n - _int(r.get("stat:processed"))

    return [
        Contender("taskmill-py", "taskmill Python task -c 10", "taskmill-py",
                  enqueue_py + ["taskmill-py"], taskmill_worker + ["-c", "10"], taskmill_left,
                  _sidekiq_counts),
        Contender("taskmill-py-c2", "taskmill Python task -c 2", "taskmill-py-extra",
                  enqueue_py + ["taskmill-py"], taskmill_worker + ["-c", "2"], taskmill_left,
                  _sidekiq_counts),
        Contender("taskmill-py-nolog", "taskmill Python task, log off", "taskmill-py-extra",
                  enqueue_py + ["taskmill-py"], taskmill_worker + ["-c", "10"], taskmill_left,
                  _sidekiq_counts, env={"BENCH_TASKMILL_LOG": "off"}),
        Contender("taskmill-cpp", "taskmill C++ taskmill.Noop -c 10", "taskmill-cpp",
                  enqueue_py + ["taskmill-cpp"], taskmill_worker + ["-c", "10"], taskmill_left,
                  _sidekiq_counts),
        Contender("sidekiq", f"Sidekiq {_sidekiq_version()} (Ruby) -c 10", "ruby",
                  ["ruby", str(PEERS / "sidekiq_enqueue.rb")],
                  ["sidekiq", "-r", "./sidekiq_worker.rb", "-c", "10", "-q", "default"],
                  lambda r, n: r.llen("queue:default"), _sidekiq_counts),
        Contender("celery", "Celery prefork -c 1", "python",
                  enqueue_py + ["celery"],
                  [str(venv_bin / "celery"), "-A", "celery_app", "worker", "--pool=prefork", "-c", "1"],
                  lambda r, n: r.llen("celery") + r.hlen("unacked"), _celery_check, job_cap=20_000),
        Contender("celery-solo", "Celery solo", "python",
                  enqueue_py + ["celery"],
                  [str(venv_bin / "celery"), "-A", "celery_app", "worker", "--pool=solo"],
                  lambda r, n: r.llen("celery") + r.hlen("unacked"), _celery_check, job_cap=20_000),
        Contender("dramatiq", "Dramatiq --processes 1 --threads 8", "python",
                  enqueue_py + ["dramatiq"],
                  [str(venv_bin / "dramatiq"), "dramatiq_app", "--processes", "1", "--threads", "8"],
                  lambda r, n: r.hlen("dramatiq:default.msgs"), _dramatiq_check),
        Contender("rq", "RQ Worker (fork per job) --burst", "python",
                  enqueue_py + ["rq"], [str(venv_bin / "rq"), "worker", "--burst", "--url", url],
                  _rq_left, _rq_check, burst=True, job_cap=2_000, repeat_cap=1),
        Contender("rq-simple", "RQ SimpleWorker --burst", "python",
                  enqueue_py + ["rq"],
                  [str(venv_bin / "rq"), "worker", "--burst", "--url", url,
                   "--worker-class", "rq.SimpleWorker"],
                  _rq_left, _rq_check, burst=True, job_cap=10_000, repeat_cap=1),
        Contender("huey", "Huey (default: -w 1 -k thread)", "python",
                  enqueue_py + ["huey"], [str(venv_bin / "huey_consumer"), "huey_app.huey"],
                  lambda r, n: r.llen("huey.redis.bench"), stop_signal=signal.SIGINT),
        Contender("huey-w4", "Huey -w 4 -k thread", "python",
                  enqueue_py + ["huey"],
                  [str(venv_bin / "huey_consumer"), "huey_app.huey", "-w", "4", "-k", "thread"],
                  lambda r, n: r.llen("huey.redis.bench"), stop_signal=signal.SIGINT,
                  job_cap=20_000, repeat_cap=1),
        Contender("arq", "arq (max_jobs 10) --burst", "python",
                  [str(ARQ_VENV / "bin" / "python"), str(PEERS / "enqueue.py"), "arq"],
                  [str(ARQ_VENV / "bin" / "arq"), "--burst", "arq_app.WorkerSettings"],
                  lambda r, n: r.zcard("arq:queue"), _arq_check, burst=True, job_cap=5_000,
                  repeat_cap=1),
    ]


def _celery_check(r, n, log):
    if re.search(r"\] ERROR/|Traceback", log):
        return "an error in the worker log"
    return None


def _dramatiq_check(r, n, log):
    dead, delayed = r.zcard("dramatiq:default.XQ"), r.hlen("dramatiq:default.DQ.msgs")
    if dead or delayed:
        return f"{dead} dead-lettered, {delayed} delayed for retry"
    return _no_traceback(log)


def _rq_left(r, n):
    return _llen_sum(r, ["rq:queue:default", "rq:queue:default:intermediate"]) + r.zcard("rq:wip:default")


def _rq_check(r, n, log):
    failed = r.zcard("rq:failed:default")
    return f"{failed} jobs in rq:failed:default" if failed else _no_traceback(log)


def _arq_check(r, n, log):
    # arq's last line: "... 2000 jobs complete ◆ 0 failed ◆ 0 retries ..."
    m = re.search(r"(\d+) jobs complete\W+(\d+) failed", log)
    if not m:
        return "no 'jobs complete' summary in the worker log"
    if int(m.group(1)) != n or int(m.group(2)):
        return f"{m.group(1)} jobs complete (want {n}), {m.group(2)} failed"
    return _no_traceback(log)


def _sidekiq_version() -> str:
    try:
        out = subprocess.run(["ruby", "-e", 'require "sidekiq"; print Sidekiq::VERSION'],
                             capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


# --------------------------------------------------------------------------------------------
# One run: enqueue, then drain
# --------------------------------------------------------------------------------------------

@dataclass
class Run:
    enqueue_rate: float
    drain_rate: float
    how: str
    partial: bool = False


def child_env(url: str, extra: dict) -> dict:
    env = dict(os.environ)
    for name in ("TASKMILL_BACKEND",):
        env.pop(name, None)
    env.update({
        "BENCH_REDIS_URL": url,
        "REDIS_URL": url,  # Sidekiq's convention
        "PYTHONPATH": os.pathsep.join([str(PEERS)] + [p for p in [env.get("PYTHONPATH")] if p]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PATH": os.pathsep.join([str(VENV / "bin"), env.get("PATH", "")]),
    })
    env.update(extra)
    return env


def run_once(c: Contender, n: int, r, url: str, timeout: float, log_path: Path) -> Run:
    env = child_env(url, c.env)
    r.flushall()

    out = subprocess.run(c.enqueue + [str(n)], cwd=PEERS, env=env, capture_output=True, text=True,
                         timeout=max(300.0, timeout))
    if out.returncode != 0:
        raise RuntimeError(f"enqueue failed:\n{out.stderr.strip()[-2000:]}")
    reply = json.loads(out.stdout.strip().splitlines()[-1])
    left = c.remaining(r, n)
    if left != n:
        raise RuntimeError(f"after enqueueing {n} jobs Redis shows {left}")

    with open(log_path, "w") as log:
        proc = subprocess.Popen(c.worker, cwd=PEERS, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    _children.append(proc)
    try:
        first_t = first_left = None
        deadline = time.monotonic() + timeout + 60  # + boot time, which is not timed
        partial = False
        while True:
            left = c.remaining(r, n)
            now = time.perf_counter()
            if first_t is None and left < n:
                first_t, first_left = now, left
                deadline = time.monotonic() + timeout
            if left <= 0:
                break
            if proc.poll() is not None:
                left = c.remaining(r, n)  # it may have finished the last job just now
                now = time.perf_counter()
                if left <= 0:
                    break
                raise RuntimeError(f"worker exited ({proc.returncode}) with {left} jobs left; "
                                   f"see {log_path}")
            if time.monotonic() > deadline:
                if first_t is None:
                    raise RuntimeError(f"no job finished within {timeout + 60:.0f}s; see {log_path}")
                partial = True
                break
            time.sleep(POLL_SECONDS)
        end_t = now
        if c.burst and not partial:
            # It exits by itself once the queue is empty; a stop signal during its teardown
            # would show as a traceback (RQ) and not be the peer's fault.
            try:
                proc.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                pass
    finally:
        stop_process(proc, c.stop_signal, STOP_SECONDS)

    if not partial:
        problem = c.check(r, n, log_path.read_text(errors="replace"))
        if problem:
            raise RuntimeError(f"jobs did not all succeed: {problem}; see {log_path}")
    done = first_left - left
    if end_t <= first_t or done <= 0:
        raise RuntimeError("drained within one poll: too few jobs to time; raise --jobs")
    return Run(n / reply["seconds"], done / (end_t - first_t), reply["how"], partial)


# --------------------------------------------------------------------------------------------
# The floor: redis-benchmark
# --------------------------------------------------------------------------------------------

def redis_floor(port: int, r) -> dict[str, float]:
    """redis-benchmark's LPUSH and RPOP rates (requests/s), unpipelined and with -P 16."""
    rates = {}
    for pipeline in (1, 16):
        r.flushall()
        out = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-q", "-n", "200000",
                              "-t", "lpush,rpop", "-P", str(pipeline), "--csv"],
                             capture_output=True, text=True, timeout=300, check=True)
        for line in out.stdout.splitlines():
            cells = [cell.strip('"') for cell in line.split(",")]
            if len(cells) >= 2 and cells[0] in ("LPUSH", "RPOP"):
                rates[f"{cells[0]}" + ("" if pipeline == 1 else f" -P {pipeline}")] = float(cells[1])
    r.flushall()
    return rates


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def fmt_rate(rate: Optional[float]) -> str:
    return "-" if rate is None else f"{rate:,.0f}"


def versions() -> str:
    from importlib import metadata

    parts = [f"Python {platform.python_version()}"]
    for dist in ("taskmill", "celery", "kombu", "dramatiq", "rq", "huey", "redis"):
        try:
            parts.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist} (missing)")
    arq = subprocess.run([str(ARQ_VENV / "bin" / "python"), "-c",
                          "from importlib.metadata import version as v; print(v('arq'), v('redis'))"],
                         capture_output=True, text=True)
    arq_versions = arq.stdout.split()
    parts.append(f"arq {arq_versions[0]} (redis {arq_versions[1]})" if len(arq_versions) == 2 else "arq (missing)")
    server = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
    m = re.search(r"v=(\S+)", server)
    parts.append(f"redis-server {m.group(1) if m else '?'}")
    return ", ".join(parts)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--jobs", type=int, default=50_000, help="jobs per run (default 50000)")
    p.add_argument("--repeats", type=int, default=3, help="runs per contender; medians are shown")
    p.add_argument("--only", help="comma-separated contender names (see --list)")
    p.add_argument("--list", action="store_true", help="print the contender names and exit")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds a drain may take (default 120)")
    p.add_argument("--no-caps", action="store_true", help="slow contenders get --jobs and --repeats too")
    p.add_argument("--setup", action="store_true", help="recreate the peers' venv first")
    p.add_argument("--no-floor", action="store_true", help="skip redis-benchmark")
    args = p.parse_args()

    if not in_venv():
        ensure_venvs(args.setup)
        argv = [a for a in sys.argv[1:] if a != "--setup"]
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve())] + argv)

    chosen = contenders("redis://127.0.0.1:0/0")
    if args.list:
        for c in chosen:
            print(f"{c.key:18s} {c.label}")
        return 0
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        unknown = set(wanted) - {c.key for c in chosen}
        if unknown:
            p.error(f"unknown contender(s) {', '.join(sorted(unknown))}; see --list")
    wait_for_taskmill()

    # Ctrl-C (even when started in the background, where SIGINT comes ignored) and SIGTERM end
    # the run: the finally blocks stop every child this run started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = RedisServer()
    try:
        r = server.start()
        return bench(args, server, r)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        for proc in list(_children):
            stop_process(proc, signal.SIGKILL, 5)
        server.stop()


def wait_for_taskmill() -> None:
    """taskmill may be being reinstalled by another job: wait a little for it to import."""
    for attempt in range(12):
        probe = subprocess.run([sys.executable, "-c", "import taskmill, taskmill.cli"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            return
        print(f"taskmill does not import yet ({probe.stderr.strip().splitlines()[-1:]}); "
              "retrying in 10 s", flush=True)
        time.sleep(10)
    raise SystemExit("taskmill cannot be imported")


def bench(args, server: RedisServer, r) -> int:
    chosen = contenders(server.url)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        chosen = [c for c in chosen if c.key in wanted]
    if LOGS.exists():
        shutil.rmtree(LOGS)
    LOGS.mkdir(parents=True)

    print(f"redis_peers: {versions()}")
    print(f"one redis-server on 127.0.0.1:{server.port} (no persistence), {os.cpu_count()} CPUs; "
          f"{args.jobs:,} jobs x {args.repeats} runs by default; worker logs in {LOGS}", flush=True)

    rows = []
    for c in chosen:
        n, repeats = args.jobs, args.repeats
        if not args.no_caps:
            n = min(n, c.job_cap or n)
            repeats = min(repeats, c.repeat_cap or repeats)
        runs, error = [], None
        for i in range(repeats):
            try:
                run = run_once(c, n, r, server.url, args.timeout, LOGS / f"{c.key}-{i + 1}.log")
            except (RuntimeError, OSError, subprocess.SubprocessError, json.JSONDecodeError) as exc:
                error = str(exc)
                break
            runs.append(run)
            print(f"  {c.key:18s} run {i + 1}/{repeats}: enqueue {run.enqueue_rate:>10,.0f}/s  "
                  f"drain {run.drain_rate:>10,.0f}/s" + ("  (partial: timed out)" if run.partial else ""),
                  flush=True)
        if error:
            print(f"  {c.key:18s} FAILED: {error}", flush=True)
        rows.append((c, n, runs, error))

    floor = {}
    if not args.no_floor:
        try:
            floor = redis_floor(server.port, r)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"  redis-benchmark FAILED: {exc}", flush=True)
    report(rows, floor, args)
    return 0


def report(rows, floor: dict[str, float], args) -> None:
    def median(runs, attr):
        return statistics.median(getattr(run, attr) for run in runs) if runs else None

    base_row = next((row for row in rows if row[0].key == "taskmill-py" and row[2]), None)
    base = median(base_row[2], "drain_rate") if base_row else None

    print()
    print("Draining queued no-op jobs from one local redis-server, one worker process each (medians)")
    header = (f"{'contender':36s} {'jobs x runs':>12s} {'enqueue/s':>10s}  {'enqueue API':24s} "
              f"{'drain/s':>10s} {'taskmill-py/this':>17s}")
    print(header)
    print("-" * len(header))
    for c, n, runs, error in rows:
        drain = median(runs, "drain_rate")
        ratio = "-" if not (base and drain) else f"{base / drain:,.1f}x"
        how = runs[0].how if runs else "-"
        mark = " (partial)" if any(run.partial for run in runs) else ""
        print(f"{c.label:36s} {f'{n:,} x {len(runs)}':>12s} {fmt_rate(median(runs, 'enqueue_rate')):>10s}  "
              f"{how:24s} {fmt_rate(drain):>10s} {ratio:>17s}" + mark + (f"  FAILED: {error}" if error else ""))
    if floor:
        print()
        print("Floor, redis-benchmark -n 200000 (50 clients): "
              + ", ".join(f"{name} {rate:,.0f}/s" for name, rate in floor.items()))
    print()
    print("taskmill's crash-safe fetch is on (always, for redis://): each job is moved atomically "
          "into a per-process in-flight list and removed only when acked.")

    def best(family):
        found = [(median(runs, "drain_rate"), c.label) for c, _, runs, _ in rows if c.family == family and runs]
        return max(found) if found else None

    sidekiq, python_peer = best("ruby"), best("python")
    if base is None:
        print("Targets: not judged (the taskmill-py row did not run).")
        return
    for name, found in (("Sidekiq", sidekiq), ("the fastest Python peer", python_peer)):
        if found is None:
            print(f"Target >= 10x {name}: not judged ({name} did not run)")
            continue
        ratio = base / found[0]
        verdict = "MET" if ratio >= 10 else "NOT met"
        print(f"Target >= 10x {name} on Python no-op jobs ({found[1]}, {fmt_rate(found[0])}/s): "
              f"{ratio:.1f}x -> {verdict}")
    capped = [f"{c.label}: {n:,} jobs x {len(runs)}" for c, n, runs, _ in rows
              if runs and (n < args.jobs or len(runs) < args.repeats)]
    if capped:
        print("Slow contenders ran fewer jobs / runs by default (jobs/s is comparable; --no-caps "
              "lifts it): " + "; ".join(capped))


if __name__ == "__main__":
    sys.exit(main())
