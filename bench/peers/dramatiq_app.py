"""Dramatiq's no-op actor for bench/redis_peers.py: the Redis broker, default middleware."""

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker

dramatiq.set_broker(RedisBroker(url=os.environ["BENCH_REDIS_URL"]))


@dramatiq.actor
def noop() -> None:
    """Does nothing."""


def enqueue(n: int) -> str:
    """Dramatiq has no bulk enqueue: one ``send()`` per job."""
    for _ in range(n):
        noop.send()
    return "per job: send()"
