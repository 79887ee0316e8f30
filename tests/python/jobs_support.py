"""Helpers of the job tests: a fresh backend per test, and waiting on conditions."""

from __future__ import annotations

import time
import uuid
from typing import Callable

import pytest

import taskmill as tm


@pytest.fixture
def backend():
    """A fresh in-memory backend as the default for one test."""
    url = f"memory://test-{uuid.uuid4().hex}"
    tm.configure(backend=url, log_level="off")
    yield url
    tm.configure(backend="memory://")


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Polls `condition` (state owned by native threads has no Python event to wait on)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()
