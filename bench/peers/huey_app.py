"""Huey's no-op task for bench/redis_peers.py: RedisHuey, result store off."""

import os

from huey import RedisHuey

huey = RedisHuey("bench", url=os.environ["BENCH_REDIS_URL"], results=False)


@huey.task()
def noop() -> None:
    """Does nothing."""


def enqueue(n: int) -> str:
    """Huey has no bulk enqueue: one call of the task per job."""
    for _ in range(n):
        noop()
    return "per job: noop()"
