// PyTask: a Python task class adapted to the core's Task interface, and the RunHandle a Python
// task instance uses (`self._run`) to reach its run: halting, context, job.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "taskmill/core/callback.hpp"
#include "taskmill/core/executor.hpp"
#include "taskmill/core/task.hpp"
#include "taskmill/core/task_spec.hpp"

namespace taskmill::py_binding {

namespace py = pybind11;

// What the core needs of one Python task class, built once at registration.
struct PyTaskClass {
  py::object cls;
  std::vector<py::object> attribute_names;  // interned str, in declaration order
  // Per attribute: a callable turning the resolved value into what `self.<name>` holds (an
  // attribute group's class), or None.
  std::vector<py::object> wrappers;
  py::object work_name;                     // interned "work"
  bool has_rollback = false;
  ~PyTaskClass();
};

// The Python-side view of a C++ task's run, given to Python callbacks and middlewares. It is
// checked against the runs executing on this thread at each use, so a handle kept past its run
// gets a clear error instead of touching freed memory.
struct RunHandle {
  Run* run = nullptr;
  Run& get() const;
};

// Where a Python task's `work` runs, for the Timeout middleware's timer thread. Guarded by the GIL:
// the timer raises TimeoutError in the thread only while `in_work` holds, and `work` clears any
// exception still pending when it ends, so the interruption can never land outside `work`.
struct PyWorkSite {
  bool in_work = false;
  unsigned long thread_id = 0;
  std::string pending_message;  // the message the raised TimeoutError gets (set under the GIL)
};
// The run that `task` (a Python task instance, or a RunHandle) is executing on this thread.
// Throws RuntimeError when it is not running (kept past its run, or used from another thread).
Run& run_of(py::handle task);

class PyTask final : public Task {
 public:
  // `klass` outlives the task: the spec's factory owns it, and the run holds the spec.
  PyTask(const PyTaskClass& klass, Run& run);
  ~PyTask() override;

  void work() override;
  void rollback() override;
  bool has_rollback() const override { return klass_->has_rollback; }
  void on_attributes_bound() override;
  std::shared_ptr<const Interrupter> interrupter() override;

  const py::object& instance() const { return instance_; }

 private:
  const PyTaskClass* klass_;
  py::object instance_;
  std::shared_ptr<PyWorkSite> site_;  // made by interrupter(), only for runs under a Timeout
};

// The Python exception type raised by `self.fail()` / `self.skip()` to unwind `work`.
PyObject* halt_exception_type();
// Rethrows a Python exception as the core's signal for it: HaltSignal, a Fault carrying the
// nested run's Result, or a ForeignError with the exception as cause.
[[noreturn]] void rethrow_in_core(py::error_already_set& error, const Run* run);
// The Python object a callback or middleware receives for `run`: the task instance for Python
// tasks, a RunHandle for C++ tasks.
py::object python_view(Run& run);

// Builds a TaskSpec from a Python class declaration (see taskmill/task.py for the shape).
TaskSpecPtr build_py_spec(const std::string& name, const std::string& origin, py::object cls, py::list attributes,
                          py::dict options, py::dict callbacks, py::list middlewares, bool has_rollback,
                          py::object retry_on = py::none());

// Runs `spec` for a Python caller (who holds the GIL): a Python task runs as it is; a C++ task runs
// with the GIL released, so other Python threads go on meanwhile (its Python callbacks or
// middlewares take the GIL back for themselves).
ResultPtr run_for_python(const TaskSpecPtr& spec, RunRequest request);

// A Python callable (task, call_next) as a core middleware.
Middleware python_middleware(py::object fn);

void bind_task(py::module_& m);

}  // namespace taskmill::py_binding
