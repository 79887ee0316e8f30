"""Coercion of typed attributes, table-driven per type (the table of docs/attributes.md)."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, Optional, Union

import pytest

import taskmill as tm

UTC = dt.timezone.utc


def task_for(annotation: Any) -> type[tm.Task]:
    def work(self: Any) -> None:
        self.context.out = self.value

    # Built with type() so the annotation is the object itself, not a string to resolve.
    return type("Probe", (tm.Task,), {"__annotations__": {"value": annotation}, "work": work},
                name=f"test.coerce.{annotation!r}")


ACCEPTS: list[tuple[Any, Any, Any]] = [
    (int, "42", 42), (int, " -3 ", -3), (int, 2.0, 2), (int, 7, 7),
    (float, "2.5", 2.5), (float, 3, 3.0), (float, "1e3", 1000.0),
    (bool, "yes", True), (bool, "OFF", False), (bool, "t", True), (bool, "n", False), (bool, 1, True), (bool, "0", False),
    (str, "a", "a"), (str, 12, "12"), (str, True, "true"),
    (decimal.Decimal, "1.50", decimal.Decimal("1.50")), (decimal.Decimal, 3, decimal.Decimal("3")),
    (decimal.Decimal, 0.1, decimal.Decimal("0.1")),
    (dt.date, "2024-02-29", dt.date(2024, 2, 29)), (dt.date, dt.date(2024, 1, 2), dt.date(2024, 1, 2)),
    (dt.datetime, "2024-01-02T03:04:05Z", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    (dt.datetime, "2024-01-02 03:04", dt.datetime(2024, 1, 2, 3, 4)),
    (dt.datetime, 0, dt.datetime(1970, 1, 1, tzinfo=UTC)),
    (dt.time, "13:45:30", dt.time(13, 45, 30)),
    (dt.time, "08:00+02:00", dt.time(8, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    (list, (1, "a"), [1, "a"]), (list[int], ["1", 2], [1, 2]), (dict, {"a": 1}, {"a": 1}),
    (Optional[int], "5", 5), (Union[int, str], "5", 5), (Union[int, str], "five", "five"),
    (Any, object, object),
]

REJECTS: list[tuple[Any, Any, str]] = [
    (int, "1.5", "could not coerce into an integer"), (int, 1.5, "could not coerce into an integer"),
    (int, True, "could not coerce into an integer"),
    (float, "abc", "could not coerce into a float"),
    (bool, "maybe", "could not coerce into a boolean"), (bool, 2, "could not coerce into a boolean"),
    (str, [1], "could not coerce into a string"),
    (decimal.Decimal, "1.2.3", "could not coerce into a decimal"),
    (dt.date, "2023-02-29", "could not coerce into a date (expected YYYY-MM-DD)"),
    (dt.datetime, "soon", "could not coerce into a datetime (expected ISO 8601, YYYY-MM-DDTHH:MM[:SS][±HH:MM])"),
    (dt.time, "25:00", "could not coerce into a time (expected HH:MM[:SS[.ffffff]][±HH:MM])"),
    (list, "a,b", "could not coerce into a list"), (list[int], [1, "x"], "item 1 could not coerce into an integer"),
    (dict, [1], "could not coerce into a dict"),
    (Union[int, bool], "x", "could not coerce into any of Union[int, bool]"),
]


@pytest.mark.parametrize(("annotation", "given", "expected"), ACCEPTS)
def test_accepted_inputs_coerce(annotation: Any, given: Any, expected: Any) -> None:
    result = task_for(annotation).execute(value=given)
    assert result.success, result.reason
    assert result.context.out == expected
    assert type(result.context.out) is type(expected)


@pytest.mark.parametrize(("annotation", "given", "message"), REJECTS)
def test_rejected_inputs_name_the_attribute(annotation: Any, given: Any, message: str) -> None:
    result = task_for(annotation).execute(value=given)
    assert result.failed and result.interrupted
    assert result.reason == f"value {message}"
    assert result.metadata["errors"] == {"value": [message]}


def test_optional_attribute_accepts_none_and_missing() -> None:
    class Opt(tm.Task, name="test.coerce.opt"):
        n: Optional[int] = None
        tags: list[str] = tm.optional(default_factory=list)

        def work(self) -> None:
            self.tags.append("x")
            self.context.out = (self.n, self.tags)

    assert Opt.execute().context.out == (None, ["x"])
    assert Opt.execute().context.out == (None, ["x"])  # a fresh list each run


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents


class Address(tm.Group):
    street: str
    zip: str = tm.required(format=r"^[0-9]{5}$")
    floor: int = 0


def test_registered_coercion_by_name() -> None:
    def to_money(value: Any) -> Money:
        if isinstance(value, Money):
            return value
        if isinstance(value, str) and value.startswith("$"):
            return Money(round(float(value[1:]) * 100))
        raise ValueError("is not an amount like $1.50")

    tm.register_coercion("test.money", to_money)

    class Charge(tm.Task, name="test.coerce.money"):
        amount: Money = tm.required(coerce="test.money")

        def work(self) -> None:
            self.context.cents = self.amount.cents

    assert Charge.execute(amount="$1.50").context.cents == 150
    mine = Money(7)
    assert Charge.execute(amount=mine).context.cents == 7
    bad = Charge.execute(amount="1.50")
    assert bad.reason == "amount is not an amount like $1.50"


def test_unknown_coercion_name_fails_at_class_creation() -> None:
    with pytest.raises(tm.DefinitionError, match=r"test.coerce.nocoerce.x: unknown coercion 'nope'"):
        class NoCoerce(tm.Task, name="test.coerce.nocoerce"):
            x: int = tm.required(coerce="nope")

            def work(self) -> None: ...


def test_nested_group() -> None:
    class Ship(tm.Task, name="test.coerce.group"):
        address: Address

        def work(self) -> None:
            self.context.out = self.address

    ok = Ship.execute(address={"street": "Main", "zip": "12345", "floor": "3"})
    assert ok.success, ok.reason
    assert isinstance(ok.context.out, Address)
    assert (ok.context.out.street, ok.context.out.zip, ok.context.out.floor) == ("Main", "12345", 3)
    bad = Ship.execute(address={"zip": "1"})
    assert bad.reason == "address.street is required. address.zip is an invalid format"
    assert bad.metadata["errors"] == {"address.street": ["is required"], "address.zip": ["is an invalid format"]}
    assert Ship.execute(address="Main St").metadata["errors"] == {
        "address": ["could not coerce into a group (expected a mapping)"]}


def test_cpp_task_inputs_are_coerced_and_validated_by_the_same_core() -> None:
    Sleep = tm.task("taskmill.Sleep")
    assert Sleep.execute(seconds="0.001").success
    assert Sleep.execute(seconds="soon").metadata["errors"] == {"seconds": ["could not coerce into a float"]}
    assert Sleep.execute(seconds=-1).metadata["errors"] == {"seconds": ["must be at least 0"]}


class Line(tm.Group):
    sku: str = tm.required(length={"min": 2})
    qty: int = 1


def test_list_of_groups_coerces_every_item() -> None:
    class Cart(tm.Task, name="test.coerce.cart"):
        lines: list[Line]

        def work(self) -> None:
            self.context.out = self.lines

    ok = Cart.execute(lines=[{"sku": "ab", "qty": "2"}, {"sku": "cd"}])
    assert ok.success, ok.reason
    assert [(line.sku, line.qty) for line in ok.context.out] == [("ab", 2), ("cd", 1)]
    assert all(isinstance(line, Line) for line in ok.context.out)
    bad = Cart.execute(lines=[{"sku": "ab"}, {"sku": "x"}])
    assert bad.metadata["errors"] == {"lines": ["item 1 sku length must be at least 2"]}
