"""One structured log line per run: JSON by default, line format, levels, silence."""

from __future__ import annotations

import json
import os

import pytest

import taskmill as tm


class Greet(tm.Task):
    name: str

    def work(self) -> None:
        if self.name == "nobody":
            self.fail("no one to greet", who=self.name)
        Inner.execute()


class Inner(tm.Task):
    def work(self) -> None:
        pass


def read_lines(path) -> list[str]:
    tm.config._core.flush_log()
    with open(path) as f:
        return [line for line in f.read().splitlines() if line]


def test_json_line_per_run_with_spec_fields(tmp_path):
    log = tmp_path / "runs.log"
    tm.configure(log_level="info", log_file=str(log))
    result = Greet.execute("ada")
    lines = [json.loads(line) for line in read_lines(log)]
    assert [entry["task"] for entry in lines] == ["Inner", "Greet"]  # inner run ends first
    outer = lines[1]
    for key in ("timestamp", "level", "pid", "index", "chain_id", "task", "task_id", "state", "status",
                "reason", "metadata", "runtime_ms"):
        assert key in outer, key
    assert outer["pid"] == os.getpid()
    assert outer["task_id"] == result.task_id and outer["chain_id"] == result.chain_id
    assert outer["status"] == "success" and outer["state"] == "complete" and outer["level"] == "info"
    assert lines[0]["chain_id"] == result.chain_id and lines[0]["index"] == 1
    assert outer["timestamp"].endswith("Z")


def test_failed_run_logs_at_error_with_reason_and_metadata(tmp_path):
    log = tmp_path / "runs.log"
    tm.configure(log_level="error", log_file=log)
    Greet.execute("ada")  # info lines are below the level
    Greet.execute("nobody")
    lines = [json.loads(line) for line in read_lines(log)]
    assert len(lines) == 1
    assert lines[0]["level"] == "error"
    assert lines[0]["reason"] == "no one to greet"
    assert lines[0]["metadata"] == {"who": "nobody"}


def test_line_format(tmp_path):
    log = tmp_path / "runs.log"
    tm.configure(log_level="info", log_format="line", log_file=str(log))
    Inner.execute()
    (line,) = read_lines(log)
    assert "task=Inner" in line and "status=success" in line and "state=complete" in line
    assert not line.startswith("{")


def test_off_silences(tmp_path):
    log = tmp_path / "runs.log"
    tm.configure(log_level="off", log_file=str(log))
    Greet.execute("ada")
    assert read_lines(log) == []


def test_default_is_json_on_stderr(capfd):
    tm.configure(log_level="info", log_file=None)
    Inner.execute()
    tm.config._core.flush_log()
    err = capfd.readouterr().err.strip().splitlines()
    assert json.loads(err[-1])["task"] == "Inner"


def test_bad_settings_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="log_level must be one of"):
        tm.configure(log_level="loud")
    with pytest.raises(ValueError, match="log_format must be"):
        tm.configure(log_format="xml")
    not_a_dir = tmp_path / "plain-file"
    not_a_dir.write_text("")
    with pytest.raises(OSError, match="cannot open log_file"):
        tm.configure(log_file=str(not_a_dir / "x.log"))
    assert tm.config.settings()["log_file"] is None  # a failed change leaves the settings as they were
