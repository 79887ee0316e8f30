#include "py_task.hpp"

#include <optional>

#include <pybind11/stl.h>

#include "convert.hpp"
#include "gil.hpp"
#include "taskmill/core/halt.hpp"
#include "taskmill/core/result.hpp"

namespace taskmill::py_binding {

namespace {
std::vector<std::string> format_backtrace(py::handle exc) {
  std::vector<std::string> lines;
  try {
    py::object formatted = py::module_::import("traceback").attr("format_exception")(exc);
    for (auto chunk : formatted) {
      std::string text = py::str(chunk);
      std::size_t start = 0;
      while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) lines.push_back(text.substr(start, end - start));
        start = end + 1;
      }
    }
  } catch (const py::error_already_set&) {
    // a broken __str__ must not hide the original error
  }
  return lines;
}
}  // namespace

PyTaskClass::~PyTaskClass() {
  if (interpreter_gone()) {
    cls.release();
    for (auto& n : attribute_names) n.release();
    for (auto& w : wrappers) w.release();
    work_name.release();
    return;
  }
  py::gil_scoped_acquire gil;
  cls = py::object();
  attribute_names.clear();
  wrappers.clear();
  work_name = py::object();
}

namespace {
[[noreturn]] void not_running() {
  throw std::runtime_error(
      "this task is not running on this thread: halting or reading its context is only possible during its run");
}
}  // namespace

Run& RunHandle::get() const {
  for (Run* r = Run::current(); r != nullptr; r = r->parent())
    if (r == run) return *r;
  not_running();
}

Run& run_of(py::handle task) {
  for (Run* r = Run::current(); r != nullptr; r = r->parent()) {
    if (auto* py_task = dynamic_cast<PyTask*>(r->task()); py_task && py_task->instance().ptr() == task.ptr()) return *r;
  }
  if (py::isinstance<RunHandle>(task)) return task.cast<const RunHandle&>().get();
  not_running();
}

PyObject* halt_exception_type() {
  // Created once and never released: it lives as long as the interpreter.
  static PyObject* type = PyErr_NewExceptionWithDoc(
      "taskmill._core.Halt", "Unwinds a task's work after fail(), skip() or throw(); never caught by user code.",
      PyExc_BaseException, nullptr);
  return type;
}

void rethrow_in_core(py::error_already_set& error, const Run* run) {
  if (error.matches(halt_exception_type())) throw HaltSignal{};
  py::object value = error.value();
  if (error.trace()) PyException_SetTraceback(value.ptr(), error.trace().ptr());
  py::object fault_base = py::module_::import("taskmill.faults").attr("Fault");
  if (py::isinstance(value, fault_base)) {
    if (auto result = unwrap_result(value.attr("result"))) throw Fault(std::move(result));
  }
  auto cause = std::make_shared<ErrorCause>();
  cause->type_name = py::str(py::type::handle_of(value).attr("__name__"));
  try {
    cause->message = py::str(value);
  } catch (const py::error_already_set&) {
    cause->message = "<unprintable " + cause->type_name + ">";
  }
  cause->object = std::make_shared<const PyForeign>(value);
  if (run && !(run->spec().options.backtrace.is_bool() && !run->spec().options.backtrace.as_bool()))
    cause->backtrace = format_backtrace(value);
  throw ForeignError(std::move(cause));
}

PyTask::PyTask(const PyTaskClass& klass, Run& run) : klass_(&klass) {
  (void)run;
  GilGuard gil;
  instance_ = py::reinterpret_steal<py::object>(PyBaseObject_Type.tp_new(
      reinterpret_cast<PyTypeObject*>(klass_->cls.ptr()), py::tuple().ptr(), nullptr));
  if (!instance_) throw py::error_already_set();
}

PyTask::~PyTask() {
  if (interpreter_gone()) {
    instance_.release();
    return;
  }
  GilGuard gil;
  instance_ = py::object();
}

void PyTask::work() {
  GilGuard gil;
  struct InWork {  // marks the work site, and on leaving drops an interruption that came too late
    PyWorkSite& site;
    explicit InWork(PyWorkSite& s) : site(s) {
      site.in_work = true;
      site.thread_id = PyThread_get_thread_ident();
    }
    ~InWork() {
      site.in_work = false;
      if (!site.pending_message.empty()) PyThreadState_SetAsyncExc(site.thread_id, nullptr);
    }
  };
  std::optional<InWork> in_work;
  if (site_) in_work.emplace(*site_);
  try {
    if (run().stop_requested()) {  // the deadline passed before work began (in a callback)
      PyErr_SetString(PyExc_TimeoutError, site_ && !site_->pending_message.empty() ? site_->pending_message.c_str() : "stopped");
      throw py::error_already_set();
    }
    py::object ignored = py::reinterpret_steal<py::object>(
        PyObject_CallMethodNoArgs(instance_.ptr(), klass_->work_name.ptr()));
    if (!ignored) throw py::error_already_set();
  } catch (py::error_already_set& e) {
    // The asynchronous TimeoutError carries no message; give it the deadline's.
    if (site_ && !site_->pending_message.empty() && e.matches(PyExc_TimeoutError) && py::len(e.value().attr("args")) == 0)
      e.value().attr("args") = py::make_tuple(site_->pending_message);
    rethrow_in_core(e, &run());
  }
}

std::shared_ptr<const Interrupter> PyTask::interrupter() {
  if (!site_) site_ = std::make_shared<PyWorkSite>();
  std::weak_ptr<PyWorkSite> weak = site_;
  return std::make_shared<const Interrupter>([weak](const std::string& message) {
    if (interpreter_gone()) return;
    py::gil_scoped_acquire gil;
    auto site = weak.lock();
    if (!site) return;
    site->pending_message = message;
    // Raised in the work's thread at its next bytecode boundary (a blocking C call such as
    // time.sleep finishes first). See docs/middlewares.md.
    if (site->in_work) PyThreadState_SetAsyncExc(site->thread_id, PyExc_TimeoutError);
  });
}

void PyTask::rollback() {
  py::gil_scoped_acquire gil;
  try {
    instance_.attr("rollback")();
  } catch (py::error_already_set& e) {
    rethrow_in_core(e, &run());
  }
}

void PyTask::on_attributes_bound() {
  GilGuard gil;
  const auto& values = run().attributes();
  // The type's own setattr, as PyObject_SetAttr would call it: the names are interned str already,
  // which is all PyObject_SetAttr would add (and a user's __setattr__ is still honoured).
  setattrofunc set = Py_TYPE(instance_.ptr())->tp_setattro;
  if (set == nullptr) set = &PyObject_SetAttr;  // it raises the usual TypeError
  for (std::size_t i = 0; i < values.size(); ++i) {
    py::object v = to_py(values[i]);
    if (!klass_->wrappers.empty() && !klass_->wrappers[i].is_none() && !v.is_none()) v = klass_->wrappers[i](v);
    if (set(instance_.ptr(), klass_->attribute_names[i].ptr(), v.ptr()) != 0) throw py::error_already_set();
  }
}

ResultPtr run_for_python(const TaskSpecPtr& spec, RunRequest request) {
  if (spec->host) return Executor::run(spec, std::move(request));
  py::gil_scoped_release release;
  return Executor::run(spec, std::move(request));
}

py::object python_view(Run& run) {
  if (auto* task = dynamic_cast<PyTask*>(run.task())) return task->instance();
  return py::cast(RunHandle{&run});
}

}  // namespace taskmill::py_binding
