"""Validators declared in Python, compiled and run by the core; declaration mistakes raise at class creation."""

from __future__ import annotations

from typing import Any, Optional

import pytest

import taskmill as tm


def task_with(annotation: Any, options: Any, name: str) -> type[tm.Task]:
    def work(self: Any) -> None:
        self.context.out = self.value

    return type("V", (tm.Task,), {"__annotations__": {"value": annotation}, "value": options, "work": work},
                name=f"test.validators.{name}")


CASES: list[tuple[str, Any, Any, Any, list[str]]] = [
    # (name, annotation, declaration, input, expected errors)
    ("presence_ok", str, tm.required(presence=True), "x", []),
    ("presence_blank", str, tm.required(presence=True), "   ", ["cannot be empty"]),
    ("absence", str, tm.optional(absence=True), "x", ["must be empty"]),
    ("format", str, tm.required(format=r"@"), "ab", ["is an invalid format"]),
    ("format_without", str, tm.required(format={"without": r"\d"}), "a1", ["is an invalid format"]),
    ("inclusion_list", str, tm.required(inclusion=["a", "b"]), "c", ["must be one of: a, b"]),
    ("inclusion_range", int, tm.required(inclusion={"in": range(1, 6)}), 6, ["must be within 1 and 5"]),
    ("inclusion_range_ok", int, tm.required(inclusion={"in": range(1, 6)}), "5", []),
    ("exclusion", str, tm.required(exclusion={"in": ["root"]}), "root", ["must not be one of: root"]),
    ("length_min", str, tm.required(length={"min": 3}), "ab", ["length must be at least 3"]),
    ("length_is", list, tm.required(length={"is": 2}), [1], ["length must be 2"]),
    ("length_in", str, tm.required(length={"in": range(2, 4)}), "abcd", ["length must be at most 3"]),
    ("numeric_min", int, tm.required(numeric={"min": 0}), -1, ["must be at least 0"]),
    ("numeric_gt", float, tm.required(numeric={"gt": 0}), 0, ["must be greater than 0"]),
    ("numeric_lt", float, tm.required(numeric={"lt": 1.5}), 2, ["must be less than 1.5"]),
    ("numeric_is", int, tm.required(numeric={"is": 3}), 3, []),
    ("message", int, tm.required(numeric={"min": 18, "message": "must be an adult"}), 3, ["must be an adult"]),
    ("validate", int, tm.required(validate=lambda v: None if v % 2 == 0 else "must be even"), 3, ["must be even"]),
    ("validate_raises", int, tm.required(validate=lambda v: int("x")), 3,
     ["invalid literal for int() with base 10: 'x'"]),
    ("several", str, tm.required(length={"min": 5}, format=r"^\d+$"), "ab",
     ["length must be at least 5", "is an invalid format"]),
    ("optional_none_skips", Optional[int], tm.optional(numeric={"min": 1}), None, []),
    ("allow_none_false", Optional[int], tm.optional(numeric={"min": 1, "allow_none": False}), None,
     ["must be a number"]),
]


@pytest.mark.parametrize(("name", "annotation", "decl", "given", "errors"), CASES, ids=[c[0] for c in CASES])
def test_validator_table(name: str, annotation: Any, decl: Any, given: Any, errors: list[str]) -> None:
    result = task_with(annotation, decl, name).execute(value=given)
    if errors:
        assert result.failed, name
        assert result.metadata["errors"] == {"value": errors}
        assert result.reason == ". ".join(f"value {e}" for e in errors)
    else:
        assert result.success, result.reason


def test_every_error_of_every_attribute_in_one_result() -> None:
    class Signup(tm.Task, name="test.validators.signup"):
        user_id: int
        email: str = tm.required(format=r"@")
        age: int = tm.optional(default=30, numeric={"min": 18})

        def work(self) -> None:  # pragma: no cover - never reached with bad input
            raise AssertionError("work must not run")

    result = Signup.execute(email="nope", age="12")
    assert result.failed and result.interrupted
    assert result.reason == "user_id is required. email is an invalid format. age must be at least 18"
    assert result.metadata["errors"] == {"user_id": ["is required"], "email": ["is an invalid format"],
                                         "age": ["must be at least 18"]}


def test_registered_validator_gets_its_options() -> None:
    def multiple_of(value: Any, options: Any) -> str | None:
        return None if value % options["of"] == 0 else f"must be a multiple of {options['of']}"

    tm.register_validator("test.multiple", multiple_of)

    class Pack(tm.Task, name="test.validators.registered"):
        count: int = tm.required(**{"test.multiple": {"of": 6}})

        def work(self) -> None: ...

    assert Pack.execute(count=12).success
    assert Pack.execute(count=7).metadata["errors"] == {"count": ["must be a multiple of 6"]}


@pytest.mark.parametrize(("decl", "message"), [
    (tm.required(numeric={"min": "zero"}), "Bad.x: validator 'numeric' option 'min' must be a number, not str"),
    (tm.required(nope=True), "Bad.x: unknown validator 'nope'"),
    (tm.required(format=r"("), "Bad.x: validator 'format' has an invalid regex"),
    (tm.required(length={"minimum": 1}), "Bad.x: validator 'length' has no option 'minimum'"),
    (tm.required(numeric={"min": 1, "allow_none": "yes"}), "Bad.x: validator 'numeric' option 'allow_none' must be a bool"),
    (tm.required(numeric={"min": 1, "message": 5}), "Bad.x: validator 'numeric' option 'message' must be a str"),
    (tm.required(inclusion=5), "Bad.x: validator 'inclusion' takes a list"),
    (tm.required(validate="not callable"), "Bad.x: validate must be a callable"),
    (tm.optional(default=-1, numeric={"min": 0}), "Bad.x: default -1 must be at least 0"),
    (tm.optional(default="abc"), "Bad.x: default \"abc\" could not coerce into an integer"),
])
def test_declaration_mistakes_raise_at_class_creation(decl: Any, message: str) -> None:
    with pytest.raises(tm.DefinitionError) as info:
        type("Bad", (tm.Task,), {"__annotations__": {"x": int}, "x": decl, "work": lambda self: None}, name="Bad")
    assert str(info.value).startswith(message)
    assert tm.task_names().count("Bad") == 0


def test_register_rejects_builtin_names() -> None:
    with pytest.raises(ValueError, match="built-in validator"):
        tm.register_validator("numeric", lambda v, o: None)
    with pytest.raises(ValueError, match="built-in type"):
        tm.register_coercion("int", lambda v: v)
