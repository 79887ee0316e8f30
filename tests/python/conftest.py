"""Shared fixtures: every test starts with run logging off and leaves the settings as it found them."""

from __future__ import annotations

import pytest

import taskmill as tm


@pytest.fixture(autouse=True)
def quiet_logging():
    before = tm.config.settings()
    tm.configure(log_level="off", log_file=None)
    yield
    tm.configure(log_format=before["log_format"], log_level=before["log_level"], log_file=before["log_file"])
    tm.configure(middlewares=[])
