"""Testing modes: inline and fake, as context managers and as the shipped pytest fixtures."""

from __future__ import annotations

import pytest

import taskmill as tm
from jobs_support import backend  # noqa: F401  (fixture)
from taskmill.testing.pytest_plugin import taskmill_fake, taskmill_inline  # noqa: F401  (fixtures)

ran: list[tuple[str, object]] = []


class Mailer(tm.Task, queue="mail"):
    to: str

    def work(self) -> None:
        if self.to == "bad":
            self.fail("bad address")
        if self.to == "boom":
            raise ValueError("boom")
        ran.append((self.to, self.job and self.job.jid))
        if self.to == "chain":
            Follow.perform_async(1)


class Follow(tm.Task):
    n: int

    def work(self) -> None:
        ran.append(("follow", self.n))


@pytest.fixture(autouse=True)
def _clear():
    ran.clear()


def test_inline_runs_at_once_strictly(backend):
    with tm.testing.inline():
        jid = Mailer.perform_async("ada")
        assert ran == [("ada", jid)]  # ran in the caller, as a job
        with pytest.raises(Mailer.FailFault):
            Mailer.perform_async("bad")
        with pytest.raises(ValueError, match="boom"):
            Mailer.perform_async("boom")
        with pytest.raises(TypeError, match="JSON"):
            Mailer.perform_async(object())
    assert tm.stats()["enqueued"] == 0


def test_fake_records_then_drains(backend):
    with tm.testing.fake():
        jid = Mailer.perform_async("ada")
        Mailer.perform_in(60, "bob")
        assert [j["args"] for j in Mailer.jobs] == [["ada"], ["bob"]]
        assert Mailer.jobs[0]["jid"] == jid and "at" in Mailer.jobs[1]
        assert ran == []
        Mailer.perform_one()
        assert ran == [("ada", jid)] and len(Mailer.jobs) == 1
        assert Mailer.drain() == 1 and Mailer.jobs == []
        Mailer.perform_async("x")
        Mailer.clear()
        assert Mailer.jobs == []
        with pytest.raises(LookupError):
            Mailer.perform_one()
    assert tm.stats()["enqueued"] == 0


def test_drain_all_runs_jobs_enqueued_by_jobs(backend):
    with tm.testing.fake():
        Mailer.perform_async("chain")
        assert tm.testing.drain_all() == 2
        assert ran[1] == ("follow", 1)
        Mailer.perform_async("y")
        tm.testing.clear_all()
        assert Mailer.jobs == []


def test_fake_drain_is_strict(backend):
    with tm.testing.fake():
        Mailer.perform_async("bad")
        with pytest.raises(Mailer.FailFault):
            Mailer.drain()


def test_push_and_bulk_under_fake(backend):
    with tm.testing.fake():
        tm.push({"class": "Mailer", "args": ["p"]})
        Mailer.perform_bulk([["q"], ["r"]])
        assert [j["args"][0] for j in Mailer.jobs] == ["p", "q", "r"]
        assert Mailer.jobs[0]["queue"] == "mail"


def test_inline_fixture(taskmill_inline, backend):
    Mailer.perform_async("fixture")
    assert ran[0][0] == "fixture"


def test_fake_fixture(taskmill_fake, backend):
    Mailer.perform_async("fixture")
    assert len(Mailer.jobs) == 1 and ran == []


def test_fixtures_reach_pytest_through_the_entry_point(tmp_path) -> None:
    # A project that installs taskmill gets the fixtures with no import or conftest of its own:
    # pytest loads them through the `pytest11` entry point. Run such a test file in a fresh pytest.
    import subprocess
    import sys

    (tmp_path / "test_user_project.py").write_text(
        "import taskmill as tm\n"
        "done = []\n"
        "class Note(tm.Task, name='user_project.Note'):\n"
        "    text: str\n"
        "    def work(self):\n"
        "        done.append(self.text)\n"
        "def test_inline(taskmill_inline):\n"
        "    Note.perform_async('now')\n"
        "    assert done == ['now']\n"
        "def test_fake(taskmill_fake):\n"
        "    Note.perform_async('later')\n"
        "    assert len(Note.jobs) == 1 and done == ['now']\n"
        "    Note.drain()\n"
        "    assert done == ['now', 'later']\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout
