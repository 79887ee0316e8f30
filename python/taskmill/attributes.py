"""Attribute declarations: turning class annotations into the core's attribute descriptions.

``amount: float`` is required; ``notify: bool = True`` is optional with a default;
``tm.required(...)`` / ``tm.optional(default=..., ...)`` carry options. The rules for coercing
values live in the C++ core; this module only describes what was declared.
"""

from __future__ import annotations

import datetime
import decimal
import types
import typing
from typing import Any, Callable

_MISSING: Any = object()

_SIMPLE_TYPES: dict[Any, str] = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    list: "list",
    dict: "dict",
    decimal.Decimal: "decimal",
    datetime.datetime: "datetime",
    datetime.date: "date",
    datetime.time: "time",
    Any: "any",
    object: "any",
}

RESERVED_NAMES = frozenset({"context", "job", "work", "rollback", "fail", "skip", "throw", "result"})


class AttributeOptions:
    """What ``tm.required(...)`` / ``tm.optional(...)`` return: an attribute's options."""

    __slots__ = ("required", "default", "default_factory", "validators")

    def __init__(self, required: bool, default: Any, default_factory: Callable[[], Any] | None,
                 validators: dict[str, Any]) -> None:
        self.required = required
        self.default = default
        self.default_factory = default_factory
        self.validators = validators

    def __repr__(self) -> str:
        kind = "required" if self.required else "optional"
        return f"tm.{kind}(default={self.default!r})"


def required(**validators: Any) -> Any:
    """Declare a required attribute: a missing or None input fails the run."""
    return AttributeOptions(True, _MISSING, None, validators)


def optional(default: Any = None, *, default_factory: Callable[[], Any] | None = None, **validators: Any) -> Any:
    """Declare an optional attribute.

    ``default`` is used when the input is missing or None (a mutable default is copied per run);
    ``default_factory`` is called once per run instead, for values such as ``datetime.now``.
    """
    return AttributeOptions(False, default, default_factory, validators)


class DeclarationError(TypeError):
    """A task class declares something taskmill cannot accept."""


def type_descriptor(annotation: Any, where: str) -> Any:
    """The core's description of an annotation: "int", ("list", "int"), ("optional", ...), ..."""
    if annotation in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[annotation]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and len(args) == 1:
        return ("list", type_descriptor(args[0], where))
    if origin is typing.Union or (hasattr(types, "UnionType") and origin is getattr(types, "UnionType")):
        options = [a for a in args if a is not type(None)]
        inner: Any = (type_descriptor(options[0], where) if len(options) == 1
                      else ("union", [type_descriptor(o, where) for o in options]))
        return ("optional", inner) if len(options) < len(args) else inner
    supported = "str, int, float, bool, list, dict, Decimal, date, datetime, time, Any, list[X], Optional[X], Union[...]"
    raise DeclarationError(f"{where} has an unsupported type {annotation!r}; supported: {supported}")


def declare(task_name: str, name: str, annotation: Any, value: Any) -> dict[str, Any]:
    """One attribute's description for the core, from its annotation and class-level value."""
    where = f"{task_name}.{name}"
    if name in RESERVED_NAMES:
        raise DeclarationError(f"{where}: '{name}' is reserved by tm.Task; choose another attribute name")
    decl: dict[str, Any] = {"name": name, "type": type_descriptor(annotation, where)}
    if isinstance(value, AttributeOptions):
        if value.validators:
            names = ", ".join(sorted(value.validators))
            raise DeclarationError(f"{where}: validators are not supported yet ({names})")
        decl["required"] = value.required
        if value.default_factory is not None:
            if not callable(value.default_factory):
                raise DeclarationError(f"{where}: default_factory must be callable")
            decl["default_factory"] = value.default_factory
        elif value.default is not _MISSING and value.default is not None:
            decl["default"] = value.default
    elif value is _MISSING:
        decl["required"] = True
    else:
        decl["required"] = False
        if value is not None:
            decl["default"] = value
    return decl
