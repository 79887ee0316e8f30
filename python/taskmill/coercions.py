"""Registering named coercions and validators (they run in the core, wrapped as C++ functions)."""

from __future__ import annotations

from typing import Any, Callable

from taskmill import _core


def register_coercion(name: str, fn: Callable[[Any], Any]) -> None:
    """Register ``fn(value) -> coerced value`` under ``name``; use it with ``coerce=name``.

    ``fn`` raises ``ValueError`` or ``TypeError`` to reject the input; the exception's message
    becomes the attribute's error. Tasks declared before a re-registration keep the old function.
    """
    if not isinstance(name, str):
        raise TypeError(f"a coercion name must be a str, not {type(name).__name__}")
    if not callable(fn):
        raise TypeError(f"coercion {name!r} must be callable")
    _core.register_coercion(name, fn)


def register_validator(name: str, fn: Callable[[Any, Any], str | None]) -> None:
    """Register ``fn(value, options) -> None | message`` under ``name``.

    Use it as a keyword of ``tm.required`` / ``tm.optional`` (``even=True``); ``options`` is what
    was given there. Raising ``ValueError`` / ``TypeError`` also reports a problem (its message).
    """
    if not isinstance(name, str):
        raise TypeError(f"a validator name must be a str, not {type(name).__name__}")
    if not callable(fn):
        raise TypeError(f"validator {name!r} must be callable")
    _core.register_validator(name, fn)
