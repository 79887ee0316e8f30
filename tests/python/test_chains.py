"""Chains: nested runs share a chain id and count an index from the root; threads never mix."""

from __future__ import annotations

import threading

import taskmill as tm


class Leaf(tm.Task):
    def work(self) -> None:
        pass


class Middle(tm.Task):
    def work(self) -> None:
        self.context.results.append(Leaf.execute())
        self.context.results.append(Leaf.execute())


class Root(tm.Task):
    def work(self) -> None:
        self.context.results = []
        self.context.results.append(Middle.execute(self.context))


def test_nested_runs_share_chain_and_count_index():
    root = Root.execute()
    middle = root.context.results[2]
    leaves = root.context.results[:2]
    assert middle.task is Middle
    assert [r.index for r in (root, middle, *leaves)] == [0, 1, 2, 3]
    assert {r.chain_id for r in (root, middle, *leaves)} == {root.chain_id}
    assert root.chain_id == root.task_id  # a chain is named after its root
    assert all(r.task_id != r.chain_id for r in (middle, *leaves))
    assert len({r.task_id for r in (root, middle, *leaves)}) == 4


def test_each_root_run_starts_a_new_chain():
    a, b = Root.execute(), Root.execute()
    assert a.chain_id != b.chain_id
    assert a.index == b.index == 0


def test_chains_stay_apart_with_eight_threads():
    runs_per_thread = 200
    roots: list[tm.Result] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(runs_per_thread):
            r = Root.execute()
            with lock:
                roots.append(r)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(roots) == 8 * runs_per_thread
    assert len({r.chain_id for r in roots}) == len(roots)  # one chain per root
    for root in roots:
        nested = root.context.results
        assert [r.chain_id for r in nested] == [root.chain_id] * 3
        assert sorted(r.index for r in nested) == [1, 2, 3]
