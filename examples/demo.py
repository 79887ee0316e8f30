"""A worker on the in-process memory backend draining a mix of jobs.

    python examples/demo.py

Successes (Python and C++ tasks), a job that fails, retries quickly and then dies, and a
scheduled job; a live progress line while they drain, then a summary from tm.stats().
"""

from __future__ import annotations

import random
import sys
import time

import taskmill as tm


class Resize(tm.Task, queue="images"):
    """A Python job that succeeds."""

    image_id: int
    width: int = 640

    def work(self) -> None:
        self.context.pixels = self.width * self.width * 3 // 4 + self.image_id


class ChargeCard(tm.Task, queue="billing", retry=3):
    """A Python job that always fails: retried three times (quickly, see retry_in), then dead."""

    customer: str

    @classmethod
    def retry_in(cls, count: int, exc: BaseException | None) -> float:
        return 0.2 * (count + 1)  # demo-sized backoff instead of Sidekiq's minutes

    def work(self) -> None:
        raise ConnectionError(f"payment gateway unreachable for {self.customer}")


class SendDigest(tm.Task, queue="mail"):
    """A Python job scheduled a second into the future."""

    to: str

    def work(self) -> None:
        self.context.sent_to = self.to


def progress_line(started: float) -> str:
    s = tm.stats()
    waiting = sum(q["size"] for q in s["queues"].values())
    return (f"\r{time.monotonic() - started:5.1f}s  processed {s['processed']:>6,}  failed {s['failed']:>2}  "
            f"waiting {waiting:>6,}  busy {s['busy']:>2}  scheduled {s['scheduled']}  "
            f"retries {s['retries']}  dead {s['dead']}   ")


def main() -> None:
    tm.configure(log_level="off")  # one log line per run would drown the progress line
    noop = tm.task("taskmill.Noop")  # a C++ task shipped with taskmill
    Resize.perform_bulk([[i, random.choice([320, 640, 1280])] for i in range(20_000)])
    noop.set(queue="images").perform_bulk([[] for _ in range(50_000)])
    ChargeCard.perform_async("ada@example.com")
    SendDigest.perform_in(1.0, "team@example.com")

    started = time.monotonic()
    with tm.Worker([("images", 2), "billing", "mail"], concurrency=4, poll_interval=0.1) as worker:
        while True:
            sys.stdout.write(progress_line(started))
            sys.stdout.flush()
            s = tm.stats()
            if s["scheduled"] == 0 and s["retries"] == 0 and s["dead"] == 1 and worker.wait_idle(0.1):
                break
            time.sleep(0.1)
    sys.stdout.write(progress_line(started) + "\n")

    s = tm.stats()
    print(f"\ndone in {time.monotonic() - started:.2f}s")
    print(f"  processed {s['processed']:,} attempts ({s['processed_today']:,} today), {s['failed']} failed")
    print(f"  queues: " + ", ".join(f"{name}={q['size']}" for name, q in sorted(s["queues"].items())))
    for job in tm.dead_set():
        print(f"  dead: {job['class']} {job['args']} after {job['retry_count'] + 1} attempts: "
              f"{job['error_class']}: {job['error_message']}")


if __name__ == "__main__":
    main()
