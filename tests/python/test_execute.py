"""Running a task in the caller: results, inputs, context, halting."""

from __future__ import annotations

import inspect
import json
import re

import pytest

import taskmill as tm


class Charge(tm.Task, queue="billing", retry=5):
    subscription_id: int
    amount: float = 0.0
    notify: bool = True

    def work(self) -> None:
        if self.amount == 0:
            self.skip("nothing to charge")
        if self.subscription_id == 13:
            self.fail("Payment method expired", code="expired_payment", retryable=False)
        if self.subscription_id == 99:
            raise ValueError("card number is malformed")
        self.context.charge_id = f"ch_{self.subscription_id}"
        self.context.charged = self.amount


UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_success_result_fields():
    result = Charge.execute(7, "12.5")
    assert result.status == "success"
    assert result.state == "complete"
    assert result.success and result.good and not result.bad and not result.failed and not result.skipped
    assert result.reason is None
    assert result.metadata == {}
    assert result.context.charge_id == "ch_7"
    assert result.context.charged == 12.5  # "12.5" coerced to float
    assert result.task is Charge
    assert UUID7.match(result.task_id) and UUID7.match(result.chain_id)
    assert result.index == 0
    assert result.runtime_ms >= 0
    assert result.retries == 0
    assert result.cause is None
    assert result.caused_failure is None and result.threw_failure is None


def test_inputs_by_keyword_and_mapping_and_defaults():
    by_kw = Charge.execute(subscription_id=3, amount=2)
    by_map = Charge.execute({"subscription_id": 3, "amount": 2})
    assert by_kw.context.charged == by_map.context.charged == 2.0
    assert isinstance(by_kw.context.charged, float)
    assert "notify" not in by_kw.context  # a default belongs to the attribute, not the context


def test_fail_reason_and_metadata():
    result = Charge.execute(13, 5)
    assert result.failed and result.bad and not result.good
    assert result.state == "interrupted"
    assert result.reason == "Payment method expired"
    assert result.metadata == {"code": "expired_payment", "retryable": False}
    assert "charge_id" not in result.context
    assert result.caused_failure is result.threw_failure
    assert result.caused_failure.task_id == result.task_id


def test_skip_is_good_and_bad():
    result = Charge.execute(1)
    assert result.skipped and result.good and result.bad
    assert result.reason == "nothing to charge"
    assert result.state == "interrupted"


def test_exception_in_work_fails_with_cause():
    result = Charge.execute(99, 1)
    assert result.failed
    assert result.reason == "[ValueError] card number is malformed"
    assert isinstance(result.cause, ValueError)
    assert result.cause.__traceback__ is not None


def test_invalid_input_lists_every_problem():
    result = Charge.execute(amount="lots", notify="maybe")
    assert result.failed and result.state == "interrupted"
    assert result.reason == ("subscription_id is required. amount could not coerce into a float. "
                             "notify could not coerce into a boolean")
    assert result.metadata["errors"] == {
        "subscription_id": ["is required"],
        "amount": ["could not coerce into a float"],
        "notify": ["could not coerce into a boolean"],
    }


def test_too_many_positional_arguments_raise_type_error():
    with pytest.raises(TypeError, match=r"Charge takes 3 positional arguments but 4 were given"):
        Charge.execute(1, 2, True, "extra")
    with pytest.raises(TypeError, match=r"multiple values for argument 'subscription_id'"):
        Charge.execute(1, subscription_id=2)


def test_any_python_object_passes_through_the_context():
    class Holder:
        pass

    marker = Holder()

    class UseObject(tm.Task):
        thing: object

        def work(self) -> None:
            assert self.thing is marker
            self.context.seen = self.thing
            self.context.lines = []
            self.context.lines.append(1)

    result = UseObject.execute(thing=marker)
    assert result.success, result.reason
    assert result.context.seen is marker
    assert result.context.lines == [1]  # a list read from the context is the stored object


def test_shared_context_between_tasks():
    class First(tm.Task):
        def work(self) -> None:
            self.context.steps = ["first"]

    class Second(tm.Task):
        def work(self) -> None:
            self.context.steps.append("second")

    ctx = tm.Context(user="ada")
    First.execute(ctx)
    result = Second.execute(ctx)
    assert result.context is ctx
    assert ctx.steps == ["first", "second"]
    assert ctx.to_dict() == {"user": "ada", "steps": ["first", "second"]}


def test_result_handlers_chain():
    seen = []
    result = Charge.execute(13, 1)
    same = (result.on_success(lambda r: seen.append("success"))
                  .on_failed(lambda r: seen.append(("failed", r.reason)))
                  .on_bad(lambda r: seen.append("bad")))
    assert same is result
    assert seen == [("failed", "Payment method expired"), "bad"]


def test_to_dict_and_to_json():
    result = Charge.execute(13, 1)
    d = result.to_dict()
    assert d["status"] == "failed" and d["reason"] == "Payment method expired"
    assert d["metadata"] == {"code": "expired_payment", "retryable": False}
    loaded = json.loads(result.to_json())
    assert loaded["task"] == "Charge"
    assert loaded["task_id"] == result.task_id
    assert loaded["metadata"]["code"] == "expired_payment"


def test_halting_after_the_run_is_a_clear_error():
    kept = []

    class Keep(tm.Task):
        def work(self) -> None:
            kept.append(self)

    Keep.execute()
    with pytest.raises(RuntimeError, match="not running on this thread"):
        kept[0].fail("late")


def test_class_options_are_readable():
    assert Charge._spec.options["queue"] == "billing"
    assert Charge._spec.options["retry"] == 5
    assert Charge._spec.attribute_names == ["subscription_id", "amount", "notify"]


def test_every_concrete_class_executes_as_itself() -> None:
    # Each concrete class gets its own native `execute`; a subclass must run its own spec, not
    # its parent's.
    class Base(tm.Task, name="test.exec.Base"):
        n: int

        def work(self) -> None:
            self.context.ran = "base"

    class Child(Base, name="test.exec.Child"):
        def work(self) -> None:
            self.context.ran = "child"

    assert Base.execute(n=1).context.ran == "base"
    assert str(inspect.signature(Child.execute)) == "(*args, **kwargs)"
    assert "Run the task in the caller" in (Child.execute.__doc__ or "")
    assert Child.execute(n="2").context.ran == "child"
    assert Child.execute(3).task is Child
    assert Child.execute({"n": 4}).success  # one mapping: the inputs by name
    with pytest.raises(TypeError, match="got multiple values for argument 'n'"):
        Child.execute(1, n=2)


def test_a_class_defining_its_own_execute_keeps_it() -> None:
    calls: list[dict[str, object]] = []

    class Audited(tm.Task, name="test.exec.Audited"):
        n: int

        @classmethod
        def execute(cls, *args: object, **kwargs: object) -> tm.Result:
            calls.append(dict(kwargs))
            return super().execute(*args, **kwargs)

        def work(self) -> None:
            pass

    class AuditedChild(Audited, name="test.exec.AuditedChild"):
        pass

    assert Audited.execute(n=1).success
    assert AuditedChild.execute(n=2).task is AuditedChild
    assert calls == [{"n": 1}, {"n": 2}]


def test_result_is_one_python_object_per_run():
    """A Result reached twice is the same object; it can be weakly referenced; users cannot
    make one; its handlers take the callable by keyword too."""
    import gc
    import weakref

    result = Charge.execute(13, 5)
    assert result.threw_failure is result and result.caused_failure is result
    ref = weakref.ref(result)
    assert ref() is result
    seen = []
    assert result.on_failed(fn=seen.append).on_success(seen.append) is result
    assert seen == [result]
    with pytest.raises(TypeError, match="comes from running a task"):
        tm.Result()
    with pytest.raises(TypeError):
        result.on_failed()
    with pytest.raises(AttributeError):
        result.status = "success"
    del result, seen
    gc.collect()
    assert ref() is None  # nothing keeps the object alive once the caller lets it go


def test_one_positional_argument_is_settled_the_same_for_every_mapping() -> None:
    """A plain dict (read natively), another mapping (read in Python), a dict with a non-str key,
    and a task whose first input takes a dict itself: each by the documented rule."""
    from types import MappingProxyType

    class Pair(tm.Task, name="test.exec.Pair"):
        a: int
        b: str = "-"

        def work(self) -> None:
            self.context.seen = (self.a, self.b)

    class Takes(tm.Task, name="test.exec.TakesDict"):
        options: dict
        n: int = 0

        def work(self) -> None:
            self.context.seen = (self.options, self.n)

    assert Pair.execute({"a": "1", "b": "x"}).context.seen == (1, "x")
    assert Pair.execute(MappingProxyType({"a": 2})).context.seen == (2, "-")
    odd = Pair.execute({1: "x"})  # not inputs by name: the dict is the first input, and no int
    assert odd.failed and "a could not coerce" in odd.reason
    assert Takes.execute({"n": 5}).context.seen == ({"n": 5}, 0)
    unknown = Pair.execute({"a": 1, "zzz": 2})
    assert unknown.success and unknown.context.zzz == 2  # extra names stay in the context
    mixed = Pair.execute({"a": 1}, b="y")  # a mapping and keywords: the mapping is the first input
    assert mixed.failed and "a could not coerce" in mixed.reason


def test_inputs_are_set_through_the_class_own_setattr() -> None:
    """Inputs reach the instance through its type's __setattr__, so a class that defines one sees them."""
    seen: list[str] = []

    class Watched(tm.Task, name="test.exec.Watched"):
        a: int
        b: str = "x"

        def __setattr__(self, name: str, value: object) -> None:
            seen.append(name)
            super().__setattr__(name, value)

        def work(self) -> None:
            self.context.got = (self.a, self.b)

    assert Watched.execute(a="3").context.got == (3, "x")
    assert seen == ["a", "b"]


def test_context_keeps_the_order_names_were_first_set() -> None:
    """Like a dict: inputs in the order given, then what the run wrote; equality ignores order."""

    class Order(tm.Task, name="test.exec.ContextOrder"):
        zeta: int
        alpha: int

        def work(self) -> None:
            self.context.middle = 1
            self.context.zeta = 9  # an existing name keeps its place

    result = Order.execute(zeta=1, alpha=2)
    assert list(result.context) == ["zeta", "alpha", "middle"]
    assert list(Order.execute(5, alpha=2).context) == ["zeta", "alpha", "middle"]  # positional first
    assert list(result.context.to_dict().items()) == [("zeta", 9), ("alpha", 2), ("middle", 1)]
    assert result.context == {"middle": 1, "alpha": 2, "zeta": 9}
    assert result.context == tm.Context(alpha=2, middle=1, zeta=9)
    assert result.context != {"middle": 1, "alpha": 2}
    big = tm.Context({f"k{i}": i for i in range(100)})  # past the size where lookups use an index
    del big["k0"]
    big["k0"] = "last"
    assert list(big)[-1] == "k0" and big["k50"] == 50 and len(big) == 100
