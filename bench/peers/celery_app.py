"""Celery's no-op task for bench/redis_peers.py: Redis broker, no result backend."""

import os

from celery import Celery

app = Celery("celery_app", broker=os.environ["BENCH_REDIS_URL"])
app.conf.update(
    task_ignore_result=True,  # no result backend: nothing is written after a job
    broker_connection_retry_on_startup=True,  # silences a start-up deprecation warning only
)


@app.task
def noop() -> None:
    """Does nothing."""


def enqueue(n: int) -> str:
    """Celery has no bulk enqueue: one ``delay()`` per job."""
    for _ in range(n):
        noop.delay()
    return "per job: delay()"
