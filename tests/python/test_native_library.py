"""A C++ task library compiled by a user against the installed package, loaded and executed."""

from __future__ import annotations

import shutil
import subprocess
import textwrap

import pytest

import taskmill as tm
import taskmill.native as native

SOURCE = textwrap.dedent("""
    #include <string>
    #include "taskmill/core/define_task.hpp"

    namespace {
    struct Greet : taskmill::Task {
      void work() override {
        const std::string name = attribute("name").as_string();
        if (name.empty()) fail("nobody to greet", {{"code", taskmill::Value("empty")}});
        context().set("greeting", taskmill::Value("hello " + name));
      }
    };
    // Registered when the library is loaded.
    const bool registered = [] {
      taskmill::define_task<Greet>("userlib.Greet",
          {taskmill::Attribute::required_attr("name", taskmill::Type::str())});
      return true;
    }();
    }  // namespace
""")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    compiler = shutil.which("g++") or shutil.which("c++")
    if compiler is None:
        pytest.fail("no C++ compiler (g++) on PATH: this test compiles a C++ task library")
    folder = tmp_path_factory.mktemp("userlib")
    source = folder / "greet.cpp"
    source.write_text(SOURCE)
    output = folder / "libgreet.so"
    lib_dir = native.get_library_dir()
    command = [compiler, "-std=c++20", "-shared", "-fPIC", str(source), "-o", str(output),
               f"-I{native.get_include()}", f"-L{lib_dir}", "-ltaskmill_core", f"-Wl,-rpath,{lib_dir}"]
    build = subprocess.run(command, capture_output=True, text=True)
    assert build.returncode == 0, f"compiling the task library failed:\n{build.stderr}"
    return output


def test_loaded_library_registers_in_the_shared_registry(library):
    assert native.load_library(library) == ["userlib.Greet"]
    assert native.load_library(library) == []  # loading again is a no-op
    Greet = tm.task("userlib.Greet")
    result = Greet.execute("ada")
    assert result.success
    assert result.context.greeting == "hello ada"
    failed = Greet.execute("")
    assert failed.failed and failed.reason == "nobody to greet"
    assert failed.metadata == {"code": "empty"}


def test_loading_a_missing_library_is_a_clear_error(tmp_path):
    with pytest.raises(OSError, match="cannot load C\\+\\+ task library .*nope.so"):
        native.load_library(tmp_path / "nope.so")
