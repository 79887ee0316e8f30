"""C++ tasks compiled by users: where the headers and library are, and loading a task library.

A C++ task library is a shared library that links ``libtaskmill_core`` and registers its tasks when
it is loaded (for example from a static initializer calling ``taskmill::define_task<T>(...)``).
Because the package's ``_core`` module uses that same library, tasks registered there share one
registry with Python tasks: ``tm.task(name)`` finds them, and they execute, enqueue and run like any
other task. Build one with::

    g++ -std=c++20 -shared -fPIC my_tasks.cpp -o libmy_tasks.so \\
        -I"$(python -c 'import taskmill.native as n; print(n.get_include())')" \\
        -L"$(python -c 'import taskmill.native as n; print(n.get_library_dir())')" \\
        -ltaskmill_core -Wl,-rpath,"$(python -c 'import taskmill.native as n; print(n.get_library_dir())')"

(the headers also need nlohmann-json, Debian's ``nlohmann-json3-dev``), then
``taskmill.native.load_library("./libmy_tasks.so")``.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

from taskmill import _core

_loaded: dict[str, ctypes.CDLL] = {}


def get_include() -> str:
    """The folder holding taskmill's C++ headers (``taskmill/core/...``)."""
    installed = Path(__file__).parent / "include"
    if installed.is_dir():
        return str(installed)
    # Running from a source checkout (PYTHONPATH=python): the headers are in cpp/include.
    return str(Path(__file__).resolve().parents[2] / "cpp" / "include")


def get_library_dir() -> str:
    """The folder holding ``libtaskmill_core.so``, to link C++ task libraries against."""
    return str(Path(__file__).parent)


def load_library(path: str | os.PathLike[str]) -> list[str]:
    """Load a C++ task library; returns the names of the tasks it registered.

    Loading the same file twice does nothing the second time. Raises ``OSError`` naming the file
    when it cannot be loaded (missing, not a shared library, unresolved symbols).
    """
    resolved = str(Path(path).resolve())
    if resolved in _loaded:
        return []
    before = set(_core.task_names())
    try:
        _loaded[resolved] = ctypes.CDLL(resolved, mode=ctypes.RTLD_GLOBAL)
    except OSError as exc:
        raise OSError(f"cannot load C++ task library {resolved}: {exc}") from None
    return sorted(set(_core.task_names()) - before)
