"""arq's no-op job for bench/redis_peers.py: default worker settings, results not kept."""

import asyncio
import os

from arq import create_pool
from arq.connections import RedisSettings

REDIS = RedisSettings.from_dsn(os.environ["BENCH_REDIS_URL"])


async def noop(ctx: dict) -> None:
    """Does nothing."""


class WorkerSettings:
    """``arq arq_app.WorkerSettings``: arq's defaults (max_jobs 10, poll_delay 0.5 s) except
    that results are not kept (no result write after each job)."""

    functions = [noop]
    redis_settings = REDIS
    keep_result = 0


async def _enqueue(n: int) -> None:
    pool = await create_pool(REDIS)
    try:
        for _ in range(n):
            await pool.enqueue_job("noop")
    finally:
        await pool.aclose()


def enqueue(n: int) -> str:
    """arq has no bulk enqueue: one awaited ``enqueue_job()`` per job."""
    asyncio.run(_enqueue(n))
    return "per job: enqueue_job()"
