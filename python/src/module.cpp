// The _core extension module: a thin layer over libtaskmill_core. It converts types and keeps the
// GIL rules; every rule of the task model lives in the core.
#include <pybind11/pybind11.h>

#include "py_task.hpp"
#include "taskmill/core/halt.hpp"
#ifdef TASKMILL_WITH_REDIS
#include "taskmill/backends/redis/redis_connection.hpp"
#endif

namespace py = pybind11;

namespace taskmill::py_binding {
void bind_context(py::module_& m);
void bind_result(py::module_& m);
void bind_config(py::module_& m);
void bind_jobs(py::module_& m);
void bind_worker(py::module_& m);
void bind_model(py::module_& m);
void bind_execute(py::module_& m);
}  // namespace taskmill::py_binding

PYBIND11_MODULE(_core, m) {
  using namespace taskmill;
  using namespace taskmill::py_binding;
  m.doc() = "taskmill's native core (C++). Use the `taskmill` package, not this module directly.";

  py::register_exception<UnknownTaskError>(m, "UnknownTaskError", PyExc_LookupError);
  py::register_exception<DefinitionError>(m, "DefinitionError", PyExc_TypeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ArgumentError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const HaltSignal&) {
      PyErr_SetNone(halt_exception_type());
#ifdef TASKMILL_WITH_REDIS
    } catch (const RedisUnavailable& e) {
      PyErr_SetString(PyExc_ConnectionError, e.what());
    } catch (const RedisSetupError& e) {  // wrong password, db out of range
      PyErr_SetString(PyExc_ConnectionError, e.what());
#endif
    }
  });
  m.attr("Halt") = py::reinterpret_borrow<py::object>(halt_exception_type());

  bind_context(m);
  bind_result(m);
  bind_task(m);
  bind_execute(m);
  bind_config(m);
  bind_jobs(m);
  bind_worker(m);
  bind_model(m);
}
