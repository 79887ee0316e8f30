"""RQ's no-op job for bench/redis_peers.py; results are not kept (``result_ttl=0``)."""

import os

from redis import Redis
from rq import Queue


def noop() -> None:
    """Does nothing."""


def enqueue(n: int) -> str:
    """RQ's bulk API: ``Queue.enqueue_many`` (one pipeline)."""
    queue = Queue("default", connection=Redis.from_url(os.environ["BENCH_REDIS_URL"]))
    queue.enqueue_many([Queue.prepare_data(noop, result_ttl=0) for _ in range(n)])
    return "bulk: enqueue_many"
