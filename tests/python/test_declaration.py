"""Declaring tasks: attributes from annotations, options, inheritance, and declaration errors."""

from __future__ import annotations

from typing import Optional

import pytest

import taskmill as tm


def test_annotations_become_attributes_in_declaration_order():
    class Order(tm.Task):
        order_id: int
        note: Optional[str] = None
        tags: list[str] = []
        rush: bool = tm.optional(default=False)
        owner: str = tm.required()

        def work(self) -> None:
            self.context.seen = (self.order_id, self.note, self.tags, self.rush, self.owner)

    assert Order._spec.attribute_names == ["order_id", "note", "tags", "rush", "owner"]
    result = Order.execute("5", owner="ann")
    assert result.context.seen == (5, None, [], False, "ann")
    # a mutable default is fresh for every run
    first = Order.execute(1, owner="a")
    first.context.seen[2].append("x")
    assert Order.execute(1, owner="a").context.seen[2] == []


def test_subclass_inherits_and_extends_attributes_and_options():
    class Base(tm.Task, abstract=True, queue="low", retry=3):
        account_id: int

    class Refund(Base, queue="high"):
        amount: float

        def work(self) -> None:
            self.context.pair = (self.account_id, self.amount)

    assert Refund._spec.attribute_names == ["account_id", "amount"]
    assert Refund._spec.options["queue"] == "high" and Refund._spec.options["retry"] == 3
    assert Refund.execute(1, 2).context.pair == (1, 2.0)
    with pytest.raises(TypeError, match="abstract"):
        Base.execute(1)


def test_custom_name_and_lookup_by_name():
    class Named(tm.Task, name="billing.Named"):
        def work(self) -> None:
            pass

    assert tm.task("billing.Named") is Named
    assert "billing.Named" in tm.task_names()
    assert Named.execute().task_name == "billing.Named"


def test_task_without_work_is_rejected():
    with pytest.raises(TypeError, match="NoWork has no work\\(\\) method"):
        class NoWork(tm.Task):
            x: int


def test_two_tasks_under_one_name_are_rejected():
    class Once(tm.Task, name="dup.Once"):
        def work(self) -> None:
            pass

    with pytest.raises(TypeError, match="a task named 'dup.Once' is already registered"):
        class Twice(tm.Task, name="dup.Once"):
            def work(self) -> None:
                pass


def test_unsupported_annotation_is_rejected_with_task_and_attribute():
    with pytest.raises(TypeError, match=r"BadType.when has an unsupported type"):
        class BadType(tm.Task):
            when: complex

            def work(self) -> None:
                pass


def test_bad_options_are_rejected():
    with pytest.raises(TypeError, match=r"BadRetry: option 'retry' must be True, False or an int >= 0, not str"):
        class BadRetry(tm.Task, retry="often"):
            def work(self) -> None:
                pass
    with pytest.raises(TypeError, match=r"BadTags: option 'tags\[1\]' must be a non-empty str, not int 7"):
        class BadTags(tm.Task, tags=["ok", 7]):
            def work(self) -> None:
                pass
    with pytest.raises(TypeError, match=r"unknown class option\(s\) colour"):
        class BadOption(tm.Task, colour="red"):
            def work(self) -> None:
                pass
    with pytest.raises(TypeError, match=r"'context' is reserved"):
        class Reserved(tm.Task):
            context: int

            def work(self) -> None:
                pass


def test_unknown_task_name_is_a_lookup_error():
    with pytest.raises(LookupError, match="no task is registered under the name 'nope.Missing'"):
        tm.task("nope.Missing")
    assert issubclass(tm.UnknownTaskError, LookupError)


def test_non_string_keys_in_mapping_input_are_rejected():
    class Keys(tm.Task):
        def work(self) -> None:
            pass

    with pytest.raises(TypeError, match="keys must be str"):
        Keys.execute(tm.Context({1: "x"}))
