// Binding of the worker pool: the Python thread host (one thread state per worker thread, the
// GIL lent to runs of consecutive Python jobs) and the task hooks retry_in / retries_exhausted.
#include <pybind11/stl.h>

#include "convert.hpp"
#include "taskmill/runtime/worker.hpp"

namespace taskmill::py_binding {

namespace {

bool interpreter_alive() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsInitialized() && !Py_IsFinalizing();
#else
  return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
}

class GilHold final : public runtime::HostHold {
  py::gil_scoped_acquire gil_;
};

// Each worker thread creates its Python thread state once, at start, and keeps it (with the
// GIL released) until it ends, so running a Python job costs an acquire, not a thread state.
class PythonThreadHost final : public runtime::ThreadHost {
 public:
  void thread_started() override {
    if (!interpreter_alive()) return;
    t_gil_state = PyGILState_Ensure();
    t_saved = PyEval_SaveThread();
    t_registered = true;
  }
  void thread_stopping() override {
    if (!t_registered) return;
    t_registered = false;
    if (!interpreter_alive()) return;  // the thread state dies with the interpreter
    PyEval_RestoreThread(t_saved);
    PyGILState_Release(t_gil_state);
  }
  std::unique_ptr<runtime::HostHold> hold() override { return std::make_unique<GilHold>(); }

 private:
  static thread_local PyGILState_STATE t_gil_state;
  static thread_local PyThreadState* t_saved;
  static thread_local bool t_registered;
};
thread_local PyGILState_STATE PythonThreadHost::t_gil_state{};
thread_local PyThreadState* PythonThreadHost::t_saved = nullptr;
thread_local bool PythonThreadHost::t_registered = false;

py::object host_class(const TaskSpec& spec) {
  if (auto* f = dynamic_cast<const PyForeign*>(spec.host.get())) return f->object();
  return py::none();
}

py::object exception_of(const ErrorCausePtr& cause) {
  if (cause)
    if (auto* f = dynamic_cast<const PyForeign*>(cause->object.get())) return f->object();
  return py::none();
}

// Python's classmethods `retry_in(count, exc)` and `retries_exhausted(job, exc)`, when a task
// defines them. Their exceptions become C++ ones, which job_retry logs.
runtime::RetryHooks python_hooks() {
  runtime::RetryHooks hooks;
  hooks.retry_in = [](const TaskSpec& spec, int count, const jobs::Failure&, const ErrorCausePtr& cause) {
    jobs::RetryIn r;
    if (!spec.host) return r;
    py::gil_scoped_acquire gil;
    try {
      py::object cls = host_class(spec);
      if (!py::hasattr(cls, "retry_in")) return r;
      py::object answer = cls.attr("retry_in")(count, exception_of(cause));
      if (answer.is_none()) return r;
      if (py::isinstance<py::str>(answer)) {
        const std::string s = answer.cast<std::string>();
        if (s == "kill") r.kind = jobs::RetryIn::Kind::Kill;
        else if (s == "discard") r.kind = jobs::RetryIn::Kind::Discard;
        else throw std::runtime_error(spec.name + ".retry_in returned '" + s + "'; expected seconds, \"kill\" or \"discard\"");
        return r;
      }
      if (py::isinstance(answer, py::module_::import("datetime").attr("timedelta")))
        answer = answer.attr("total_seconds")();
      r.kind = jobs::RetryIn::Kind::Seconds;
      r.seconds = answer.cast<double>();
      return r;
    } catch (py::error_already_set& e) {
      throw std::runtime_error(spec.name + ".retry_in: " + e.what());
    } catch (const py::cast_error&) {
      throw std::runtime_error(spec.name + ".retry_in must return seconds, \"kill\", \"discard\" or None");
    }
  };
  hooks.retries_exhausted = [](const TaskSpec& spec, const jobs::Payload& payload, const jobs::Failure&,
                               const ErrorCausePtr& cause) {
    if (!spec.host) return;
    py::gil_scoped_acquire gil;
    try {
      py::object cls = host_class(spec);
      if (!py::hasattr(cls, "retries_exhausted")) return;
      cls.attr("retries_exhausted")(to_py(Value::from_json(payload)), exception_of(cause));
    } catch (py::error_already_set& e) {
      throw std::runtime_error(spec.name + ".retries_exhausted: " + e.what());
    }
  };
  return hooks;
}

std::optional<double> opt_seconds(py::object o) {
  if (o.is_none()) return std::nullopt;
  return o.cast<double>();
}

}  // namespace

void bind_worker(py::module_& m) {
  using runtime::Worker;
  py::class_<Worker, std::shared_ptr<Worker>>(m, "Worker", "A native worker pool (use taskmill.Worker).")
      .def(py::init([](std::vector<std::pair<std::string, int>> queues, bool weighted, int concurrency, double timeout,
                       double poll_interval, std::size_t max_batch, py::object backend) {
             runtime::WorkerOptions o;
             o.queues.clear();
             for (auto& [name, weight] : queues) o.queues.push_back({name, weight});
             o.weighted = weighted;
             o.concurrency = concurrency;
             o.shutdown_timeout = timeout;
             o.poll_interval = poll_interval;
             o.max_batch = max_batch;
             auto b = backend.is_none() ? backends::default_backend() : backends::open_backend(backend.cast<std::string>());
             try {
               auto owner = std::make_shared<Worker>(b, o, python_hooks(), std::make_shared<PythonThreadHost>());
               // Destroying a worker waits for its threads, which may need the GIL: release it.
               return std::shared_ptr<Worker>(owner.get(), [owner](Worker*) mutable {
                 if (PyGILState_Check()) {
                   py::gil_scoped_release release;
                   owner.reset();
                 } else {
                   owner.reset();
                 }
               });
             } catch (const std::invalid_argument& e) {
               throw py::value_error(e.what());
             }
           }),
           py::arg("queues"), py::arg("weighted"), py::arg("concurrency"), py::arg("timeout"),
           py::arg("poll_interval"), py::arg("max_batch"), py::arg("backend"))
      .def("start", [](Worker& w) {
        try {
          py::gil_scoped_release release;
          w.start();
        } catch (const std::logic_error& e) {
          throw py::value_error(e.what());
        }
      })
      .def("quiet", &Worker::quiet, py::call_guard<py::gil_scoped_release>())
      .def("stop", [](Worker& w, py::object timeout) {
        auto t = opt_seconds(timeout);
        py::gil_scoped_release release;
        w.stop(t);
      }, py::arg("timeout") = py::none())
      .def("join", [](Worker& w, py::object timeout) {
        auto t = opt_seconds(timeout);
        py::gil_scoped_release release;
        return w.join(t);
      }, py::arg("timeout") = py::none())
      .def("wait_idle", [](Worker& w, py::object timeout) {
        auto t = opt_seconds(timeout);
        py::gil_scoped_release release;
        return w.wait_idle(t);
      }, py::arg("timeout") = py::none())
      .def_property_readonly("running", &Worker::running)
      .def_property_readonly("stopping", &Worker::stopping)
      .def_property_readonly("quieted", &Worker::quieted)
      .def_property_readonly("busy", &Worker::busy)
      .def_property_readonly("processed", &Worker::processed)
      .def_property_readonly("failed", &Worker::failed);
}

}  // namespace taskmill::py_binding
