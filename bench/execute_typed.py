"""Typed inputs: a task with 6 typed, validated attributes next to pydantic v2 doing the same.

Both sides receive the same inputs (some as strings that need coercion), coerce and validate
them by the same rules, then call the same body. taskmill's side is `Task.execute` (coercion and
validation in the C++ core, plus a whole run: Result, context, callbacks machinery, chain ids);
pydantic's side builds the model and calls the body with its fields.

Each side is called in the three ways users pass inputs, each side in its own idiom:
- keywords at the call site: `Order.execute(user_id=..., ...)` / `OrderModel(user_id=..., ...)`;
- a dict of inputs: `Order.execute(inputs)` / `OrderModel.model_validate(inputs)`;
- a dict unpacked: `Order.execute(**inputs)` / `OrderModel(**inputs)`.
Then invalid input (5 errors, as a dict), where pydantic's "failed result" is catching its
ValidationError. Prints median microseconds per run over several repeats (the sides alternate
within each repeat) and the median ratio taskmill / pydantic (below 1.0: taskmill is faster).

    python bench/execute_typed.py [--runs 50000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any, Callable, Literal

import pydantic

import taskmill as tm


def body(user_id: int, email: str, amount: float, currency: str, quantity: int, note: str) -> None:
    """The work both sides do once inputs are valid: nothing, so the comparison is the overhead."""


class Order(tm.Task, name="bench.Order"):
    user_id: int = tm.required(numeric={"min": 1})
    email: str = tm.required(format=r"@")
    amount: float = tm.required(numeric={"min": 0})
    currency: str = tm.required(inclusion=["usd", "eur"])
    quantity: int = tm.required(numeric={"min": 1, "max": 100})
    note: str = tm.optional(default="", length={"max": 200})

    def work(self) -> None:
        body(self.user_id, self.email, self.amount, self.currency, self.quantity, self.note)


class OrderModel(pydantic.BaseModel):
    user_id: int = pydantic.Field(ge=1)
    email: str = pydantic.Field(pattern=r"@")
    amount: float = pydantic.Field(ge=0)
    currency: Literal["usd", "eur"]
    quantity: int = pydantic.Field(ge=1, le=100)
    note: str = pydantic.Field(default="", max_length=200)


def pydantic_body(m: OrderModel) -> None:
    body(m.user_id, m.email, m.amount, m.currency, m.quantity, m.note)


def pydantic_run(inputs: dict[str, Any]) -> None:
    pydantic_body(OrderModel(**inputs))


def pydantic_run_collecting(inputs: dict[str, Any]) -> None:
    """Invalid input: pydantic raises; catching it is its 'failed result'."""
    try:
        pydantic_body(OrderModel.model_validate(inputs))
    except pydantic.ValidationError:
        pass


VALID = {"user_id": "42", "email": "ada@example.com", "amount": "19.99", "currency": "eur", "quantity": 3}
INVALID = {"user_id": "0", "email": "nope", "amount": "-1", "currency": "gbp", "quantity": "500"}

# (row, taskmill's call, pydantic's call): the same inputs as VALID, in each call shape.
SHAPES: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
    ("keywords", lambda: Order.execute(user_id="42", email="ada@example.com", amount="19.99", currency="eur", quantity=3),
     lambda: pydantic_body(OrderModel(user_id="42", email="ada@example.com", amount="19.99", currency="eur", quantity=3))),
    ("a dict of inputs", lambda: Order.execute(VALID), lambda: pydantic_body(OrderModel.model_validate(VALID))),
    ("a dict unpacked (**)", lambda: Order.execute(**VALID), lambda: pydantic_run(VALID)),
]


def per_run_us(fn: Callable[[], object], runs: int) -> float:
    start = time.perf_counter()
    for _ in range(runs):
        fn()
    return (time.perf_counter() - start) / runs * 1e6


def compare(ours: Callable[[], object], theirs: Callable[[], object], runs: int, repeats: int) -> tuple[float, float, float]:
    """Median us/run of each side and the median of per-repeat ratios. The sides alternate within
    each repeat, so a busy machine slows both alike instead of skewing one."""
    per_run_us(ours, min(runs, 5_000))  # warm-up
    per_run_us(theirs, min(runs, 5_000))
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeats):
        a.append(per_run_us(ours, runs))
        b.append(per_run_us(theirs, runs))
    return statistics.median(a), statistics.median(b), statistics.median(x / y for x, y in zip(a, b))


def check_equivalence() -> None:
    """Both sides must agree on what is valid, or the timing compares different work."""
    for _, ours, theirs in SHAPES:
        ok = ours()
        assert isinstance(ok, tm.Result) and ok.success, ok
        theirs()
    bad = Order.execute(INVALID)
    assert bad.failed and len(bad.metadata["errors"]) == 5, bad.reason
    try:
        OrderModel(**INVALID)
    except pydantic.ValidationError as exc:
        assert exc.error_count() == 5
    else:
        raise AssertionError("pydantic accepted the invalid input")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    tm.configure(log_level="off")
    check_equivalence()

    rows = [(f"valid, {name}", *compare(ours, theirs, args.runs, args.repeats)) for name, ours, theirs in SHAPES]
    rows.append(("invalid (5 errors), a dict", *compare(lambda: Order.execute(INVALID),
                                                       lambda: pydantic_run_collecting(INVALID), args.runs, args.repeats)))
    print(f"typed execute: 6 attributes with validators, {args.runs:,} runs x {args.repeats} repeats, median "
          f"per run (Python {sys.version.split()[0]}, pydantic {pydantic.VERSION}, {os.cpu_count()} cores)")
    print(f"{'input':32s} {'taskmill us':>12s} {'pydantic us':>12s} {'ratio tm/pyd':>13s}")
    for name, tm_us, pyd_us, ratio in rows:
        print(f"{name:32s} {tm_us:12.2f} {pyd_us:12.2f} {ratio:13.2f}")
    valid = [(name, ratio) for name, _, _, ratio in rows[: len(SHAPES)]]
    slower = [f"{name} ({ratio:.2f}x)" for name, ratio in valid if ratio > 1]
    verdict = "met" if not slower else "NOT met for " + ", ".join(slower)
    print(f"target: at least as fast as pydantic on valid input, in every call shape: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
