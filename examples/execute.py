"""Executing tasks in the caller: tasks defined in Python and C++, run with execute / execute_strict.

    python examples/execute.py

Shows results, halting, faults, nested tasks sharing a chain, and the structured log line each
run writes (here to stdout-friendly stderr in the "line" format).
"""

from __future__ import annotations

import taskmill as tm


class ValidateCard(tm.Task):
    """Checks a card; fails with a machine-readable code when it has expired."""

    card: str

    def work(self) -> None:
        if self.card.startswith("expired"):
            self.fail("Payment method expired", code="expired_payment")


class ChargeSubscription(tm.Task, queue="billing", retry=5):
    """Charges a subscription, after validating its card in a nested task."""

    subscription_id: int
    amount: float = 0.0
    card: str = "visa-4242"

    def work(self) -> None:
        if self.amount == 0:
            self.skip("nothing to charge")
        self.throw(ValidateCard.execute(card=self.card))
        self.context.charge_id = f"ch_{self.subscription_id:05d}"

    @tm.on_success
    def announce(self) -> None:
        print(f"    callback: charged {self.amount:.2f} as {self.context.charge_id}", flush=True)


def show(title: str, result: tm.Result) -> None:
    print(f"{title:38s} -> {result.status:8s} {result.reason or ''}", flush=True)
    if result.metadata:
        print(f"    metadata: {result.metadata}", flush=True)


def main() -> None:
    tm.configure(log_format="line", log_level="info")
    print("== executing tasks in the caller (each run also writes one log line to stderr)\n", flush=True)

    show("charge 19.99 (string input coerced)", ChargeSubscription.execute(42, "19.99"))
    show("charge 0 (skipped)", ChargeSubscription.execute(43))
    failed = ChargeSubscription.execute(44, 5, card="expired-1234")
    show("charge with an expired card", failed)
    print(f"    caused by: {failed.caused_failure.task_name} (index {failed.caused_failure.index} "
          f"in chain {failed.chain_id[:8]}...)")
    show("invalid inputs", ChargeSubscription.execute(amount="lots"))

    try:
        ChargeSubscription.execute_strict(45, 5, card="expired-9")
    except ChargeSubscription.FailFault as fault:
        print(f"{'strict execution raised':38s} -> {type(fault).__qualname__}: {fault}")

    sleep = tm.task("taskmill.Sleep")  # a task written in C++
    show("C++ task taskmill.Sleep(0.01)", sleep.execute(0.01))
    show("C++ task with a bad input", sleep.execute("soon"))
    tm.config._core.flush_log()


if __name__ == "__main__":
    main()
