"""pytest fixtures for taskmill (registered through the ``pytest11`` entry point)."""

from __future__ import annotations

from typing import Iterator

import pytest

from taskmill import testing


@pytest.fixture
def taskmill_inline() -> Iterator[None]:
    """Enqueued jobs run at once, strictly, for the test's duration."""
    with testing.inline():
        yield


@pytest.fixture
def taskmill_fake() -> Iterator[None]:
    """Enqueued jobs are recorded (``Task.jobs``, ``Task.drain()``) for the test's duration."""
    with testing.fake():
        yield
