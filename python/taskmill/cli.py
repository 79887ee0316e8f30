"""The ``taskmill`` command: run a worker, print stats, manage the retry and dead sets.

    taskmill worker -r myapp.tasks -q critical -q default,3 -c 10 --backend redis://localhost:6379/0
    taskmill stats [--json]
    taskmill retry list | taskmill retry retry JID | taskmill retry delete JID | ... --all
    taskmill dead list  | taskmill dead retry JID  | taskmill dead delete JID  | ... --all

The backend comes from ``--backend``, else ``TASKMILL_BACKEND``, else ``REDIS_URL``, else
``memory://`` (which only makes sense inside one process).
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib
import json
import os
import signal
import socket
import sys
import threading
from typing import Any, Sequence

import taskmill as tm
from taskmill.supervisor import Supervisor


def backend_url(given: str | None) -> str:
    """The backend URL: the flag, then TASKMILL_BACKEND, then REDIS_URL, then memory://."""
    return given or os.environ.get("TASKMILL_BACKEND") or os.environ.get("REDIS_URL") or "memory://"


def _configure(url: str) -> None:
    try:
        tm.configure(backend=url)
    except (ValueError, ConnectionError, RuntimeError) as exc:
        raise SystemExit(f"taskmill: cannot use backend {url}: {exc}") from None


def _import_modules(modules: Sequence[str]) -> None:
    sys.path.insert(0, os.getcwd())  # `-r myapp.tasks` from the project folder, as Sidekiq's -r does
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # an import error in user code: say which module, then stop
            raise SystemExit(f"taskmill: cannot import {name}: {type(exc).__name__}: {exc}") from None


def _banner(args: argparse.Namespace, url: str) -> str:
    shown = url
    if "@" in url:  # never print a password
        scheme, _, rest = url.partition("://")
        shown = f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return (f"taskmill {tm.__version__} worker on {socket.gethostname()} pid {os.getpid()}\n"
            f"  backend   {shown}\n"
            f"  queues    {', '.join(args.queue or ['default'])}\n"
            f"  threads   {args.concurrency}  processes {args.processes}  shutdown timeout {args.timeout}s\n"
            f"  tasks     {', '.join(n for n in tm.task_names() if not n.startswith('taskmill.')) or '(none)'}\n"
            "  signals   TERM/INT stop, TSTP quiet, TTIN thread dump")


def _new_worker(args: argparse.Namespace) -> tm.Worker:
    try:
        return tm.Worker(queues=args.queue or ["default"], concurrency=args.concurrency, timeout=args.timeout)
    except (TypeError, ValueError) as exc:  # a bad -q weight or --timeout: say so, no traceback
        raise SystemExit(f"taskmill worker: {exc}") from None


def _run(worker: tm.Worker) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTSTP, lambda *_: worker.quiet())
        signal.signal(signal.SIGTTIN, lambda *_: faulthandler.dump_traceback(all_threads=True))
    worker.run()


def cmd_worker(args: argparse.Namespace) -> int:
    url = backend_url(args.backend)
    if args.processes > 1 and url.startswith("memory:"):
        raise SystemExit("taskmill: --processes needs a backend the processes share (redis://...), "
                         "not memory://, which lives inside one process")
    _import_modules(args.require or [])
    _configure(url)  # in the parent too: a wrong URL or Redis down stops here, before any fork
    worker = _new_worker(args)  # and so do bad options (it starts no thread)
    print(_banner(args, url), flush=True)
    if args.processes <= 1:
        _run(worker)
        return 0
    del worker  # each child makes its own, on its own connection

    def run_child() -> None:
        _configure(url)  # its own connection pool and identity
        _run(_new_worker(args))

    return Supervisor(args.processes, run_child).run()


def cmd_stats(args: argparse.Namespace) -> int:
    _configure(backend_url(args.backend))
    stats = tm.stats()
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True))
        return 0
    print(f"processed {stats['processed']:,}  failed {stats['failed']:,}  "
          f"enqueued {stats['enqueued']:,}  busy {stats['busy']:,}")
    print(f"scheduled {stats['scheduled']:,}  retries {stats['retries']:,}  dead {stats['dead']:,}")
    for name, q in sorted(stats["queues"].items()):
        print(f"  queue {name:20s} size {q['size']:>8,}  latency {q['latency']:.1f}s")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    _configure(backend_url(args.backend))
    job_set = tm.retry_set() if args.command == "retry" else tm.dead_set()
    if args.action == "list":
        for job in job_set:
            print(f"{job['jid']}  {job.get('class')}  {json.dumps(job.get('args'))}  "
                  f"{job.get('error_class', '')}: {job.get('error_message', '')}")
        return 0
    if not args.all and not args.jids:
        raise SystemExit(f"taskmill {args.command} {args.action}: name job ids, or --all")
    wanted = set(args.jids)
    found: set[str] = set()
    for job in list(job_set):
        if args.all or job["jid"] in wanted:
            (job.retry if args.action == "retry" else job.delete)()
            found.add(job["jid"])
    print(f"{args.action}: {len(found)} job(s)")
    missing = sorted(wanted - found)
    if missing and not args.all:
        print(f"taskmill {args.command} {args.action}: not in the {args.command} set: {', '.join(missing)}",
              file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    p = argparse.ArgumentParser(prog="taskmill", description="taskmill: run workers and inspect jobs.")
    sub = p.add_subparsers(dest="command", required=True)

    w = sub.add_parser("worker", help="run a worker until TERM/INT")
    w.add_argument("-r", "--require", action="append", help="module to import (declares tasks); repeatable")
    w.add_argument("-q", "--queue", action="append", help="queue, or queue,weight; repeatable, in order")
    w.add_argument("-c", "--concurrency", type=int, default=10, help="threads (default 10)")
    w.add_argument("-t", "--timeout", type=float, default=25.0, help="shutdown timeout in seconds (default 25)")
    w.add_argument("--processes", type=int, default=1, help="pre-forked worker processes (default 1)")
    w.add_argument("--backend", help="backend URL (else TASKMILL_BACKEND, REDIS_URL, memory://)")
    w.set_defaults(func=cmd_worker)

    s = sub.add_parser("stats", help="print processed / failed counts, queues and set sizes")
    s.add_argument("--backend")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_stats)

    for name in ("retry", "dead"):
        ps = sub.add_parser(name, help=f"list, retry or delete jobs of the {name} set")
        ps.add_argument("action", choices=["list", "retry", "delete"])
        ps.add_argument("jids", nargs="*", help="job ids")
        ps.add_argument("--all", action="store_true", help="every job of the set")
        ps.add_argument("--backend")
        ps.set_defaults(func=cmd_set)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``taskmill`` command."""
    args = parser().parse_args(argv)
    if getattr(args, "concurrency", 1) < 1 or getattr(args, "processes", 1) < 1:
        raise SystemExit("taskmill: -c and --processes must be at least 1")
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
