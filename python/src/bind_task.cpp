// Binding of task declaration, lookup and execution.
#include <pybind11/stl.h>

#include "convert.hpp"
#include "py_model.hpp"
#include "py_task.hpp"
#include "taskmill/core/executor.hpp"
#include "taskmill/core/halt.hpp"
#include "taskmill/core/registry.hpp"

namespace taskmill::py_binding {

namespace {

Attribute parse_attribute(const std::string& task, py::handle decl);

// Type descriptors come from taskmill/attributes.py: "int", ("list", inner), ("optional", inner),
// ("union", [options]), ("custom", name), ("group", [attribute declarations]).
Type parse_type(const std::string& task, py::handle desc) {
  if (py::isinstance<py::str>(desc)) {
    const std::string k = py::str(desc);
    static const std::pair<const char*, Type::Kind> simple[] = {
        {"any", Type::Kind::Any},         {"str", Type::Kind::Str},   {"int", Type::Kind::Int},
        {"float", Type::Kind::Float},     {"bool", Type::Kind::Bool}, {"list", Type::Kind::List},
        {"dict", Type::Kind::Dict},       {"decimal", Type::Kind::Decimal}, {"date", Type::Kind::Date},
        {"datetime", Type::Kind::DateTime}, {"time", Type::Kind::Time}};
    for (const auto& [name, kind] : simple)
      if (k == name) return Type{kind, {}, {}, {}, {}};
    throw py::type_error("unknown attribute type '" + k + "'");
  }
  auto t = desc.cast<py::tuple>();
  const std::string k = py::str(t[0]);
  if (k == "list") return Type::list_of(parse_type(task, t[1]));
  if (k == "optional") return Type::optional(parse_type(task, t[1]));
  if (k == "group") {
    std::vector<Attribute> fields;
    for (auto f : t[1]) fields.push_back(parse_attribute(task, f));
    return Type::group(std::move(fields));
  }
  if (k == "custom") return Type::custom_named(py::str(t[1]));
  if (k == "union") {
    std::vector<Type> options;
    for (auto o : t[1]) options.push_back(parse_type(task, o));
    return Type::one_of(std::move(options));
  }
  throw py::type_error("unknown attribute type '" + k + "'");
}

// Validators are compiled here, in declaration order: the core compiles the named ones (checking
// their options), a `validate=` callable is wrapped as it is.
void parse_validators(const std::string& where, py::handle list, Attribute& a) {
  for (auto item : list) {
    auto pair = item.cast<py::tuple>();
    const std::string name = py::str(pair[0]);
    if (name == "validate") {
      if (!PyCallable_Check(pair[1].ptr())) throw DefinitionError(where + ": validate must be a callable");
      a.validators.push_back(python_validate(py::reinterpret_borrow<py::object>(pair[1])));
      continue;
    }
    const Value options = to_value_deep(pair[1]);
    if (options.is_bool() && !options.as_bool()) continue;  // presence=False: declared off
    if (options.is_foreign())
      throw DefinitionError(where + ": validator '" + name + "' options must be data (bool, str, number, list, dict), not " +
                            options.type_name());
    a.validators.push_back(compile_validator(where, name, options, a.required));
  }
}

Attribute parse_attribute(const std::string& task, py::handle decl) {
  auto d = decl.cast<py::dict>();
  Attribute a;
  a.name = py::str(d["name"]);
  a.type = parse_type(task + "." + a.name, d["type"]);
  a.required = d["required"].cast<bool>();
  if (d.contains("validators")) parse_validators(task + "." + a.name, d["validators"], a);
  if (d.contains("default_factory")) {
    auto factory = std::make_shared<const PyForeign>(py::reinterpret_borrow<py::object>(d["default_factory"]));
    a.default_factory = [factory] {
      py::gil_scoped_acquire gil;
      return to_value_deep(factory->object()());
    };
  } else if (d.contains("default")) {
    // Converted fully now, so a mutable default ([] or {}) is copied per run, never shared.
    a.default_value = to_value_deep(d["default"]);
  }
  return a;
}

std::function<bool(Run&)> condition(py::handle fn) {
  if (fn.is_none()) return {};
  auto held = std::make_shared<const PyForeign>(py::reinterpret_borrow<py::object>(fn));
  return [held](Run& run) {
    py::gil_scoped_acquire gil;
    try {
      return held->object()(python_view(run)).cast<bool>();
    } catch (py::error_already_set& e) {
      rethrow_in_core(e, &run);
    }
  };
}

Callback parse_callback(py::handle entry) {
  auto t = entry.cast<py::tuple>();
  auto held = std::make_shared<const PyForeign>(py::reinterpret_borrow<py::object>(t[0]));
  Callback cb;
  cb.fn = [held](Run& run) {
    py::gil_scoped_acquire gil;
    try {
      held->object()(python_view(run));
    } catch (py::error_already_set& e) {
      rethrow_in_core(e, &run);
    }
  };
  cb.if_ = condition(t[1]);
  cb.unless = condition(t[2]);
  return cb;
}

}  // namespace

Middleware python_middleware(py::object fn) {
  if (py::isinstance<NativeMiddleware>(fn)) return fn.cast<const NativeMiddleware&>().fn;
  auto held = std::make_shared<const PyForeign>(std::move(fn));
  return [held](Run& run, const std::function<void()>& next) {
    py::gil_scoped_acquire gil;
    py::cpp_function call_next([&next] { next(); });
    try {
      held->object()(python_view(run), call_next);
    } catch (py::error_already_set& e) {
      rethrow_in_core(e, &run);
    }
  };
}

TaskSpecPtr build_py_spec(const std::string& name, const std::string& origin, py::object cls, py::list attributes,
                          py::dict options, py::dict callbacks, py::list middlewares, bool has_rollback,
                          py::object retry_on) {
  auto spec = std::make_shared<TaskSpec>();
  spec->name = name;
  spec->origin = origin;
  for (auto decl : attributes) spec->attributes.push_back(parse_attribute(name, decl));
  prepare_attributes(name, spec->attributes);
  spec->retry_on = parse_retry_on(name, retry_on);
  spec->options = parse_task_options(name, to_value_deep(options).as_dict());
  for (auto [event_name, entries] : callbacks) {
    auto event = parse_event(py::str(event_name).cast<std::string>());
    if (!event) throw py::value_error(name + ": unknown callback event '" + py::str(event_name).cast<std::string>() + "'");
    for (auto entry : entries) spec->callbacks[static_cast<std::size_t>(*event)].push_back(parse_callback(entry));
  }
  for (auto mw : middlewares) spec->middlewares.push_back(python_middleware(py::reinterpret_borrow<py::object>(mw)));

  auto klass = std::make_shared<PyTaskClass>();
  klass->cls = cls;
  for (const auto& a : spec->attributes) {
    py::str n(a.name);
    PyUnicode_InternInPlace(&n.ptr());
    klass->attribute_names.push_back(std::move(n));
  }
  for (auto decl : attributes) {
    auto d = decl.cast<py::dict>();
    klass->wrappers.push_back(d.contains("wrap") ? py::reinterpret_borrow<py::object>(d["wrap"]) : py::none());
  }
  klass->has_rollback = has_rollback;
  klass->work_name = py::str("work");
  PyUnicode_InternInPlace(&klass->work_name.ptr());
  std::shared_ptr<const PyTaskClass> shared_klass = std::move(klass);
  spec->factory = [shared_klass](Run& run) -> std::unique_ptr<Task> { return std::make_unique<PyTask>(*shared_klass, run); };
  spec->host = std::make_shared<const PyForeign>(cls);
  return spec;
}

namespace {

RunRequest make_request(const TaskSpec& spec, py::tuple args, py::dict kwargs, py::object context) {
  (void)spec;
  RunRequest request;
  request.args.reserve(args.size());
  for (auto a : args) request.args.push_back(to_value_shallow(a));
  request.kwargs = to_entries(kwargs, "keyword argument");
  if (!context.is_none()) request.context = context.cast<ContextPtr>();
  return request;
}

std::string strict_outcome_name(const Result& r) {
  switch (strict_outcome(r)) {
    case StrictOutcome::Return: return "return";
    case StrictOutcome::RethrowCause: return "rethrow";
    case StrictOutcome::RaiseFault: return "fault";
  }
  return "return";
}

py::object option_value(const Value& v) { return to_py(v); }

}  // namespace

void bind_task(py::module_& m) {
  py::class_<RunHandle>(m, "RunHandle", "What Python callbacks and middlewares receive for a C++ task's run.")
      .def_property_readonly("context", [](const RunHandle& h) { return h.get().context_ptr(); })
      .def_property_readonly("task_name", [](const RunHandle& h) { return h.get().spec().name; })
      .def_property_readonly("result", [](const RunHandle& h) { return h.get().result_ptr(); });

  // What a running task reaches through its instance (self.fail(), self.context, ...).
  m.def("halt", [](py::handle task, const std::string& status, py::object reason, py::dict metadata) {
    auto s = parse_status(status);
    if (!s || *s == Status::Success) throw py::value_error("halt status must be 'failed' or 'skipped'");
    run_of(task).record_halt(*s, reason.is_none() ? std::string() : py::str(reason).cast<std::string>(),
                             to_dict_shallow(metadata, "metadata"));
    PyErr_SetNone(halt_exception_type());
    throw py::error_already_set();
  });
  m.def("throw_failure", [](py::handle task, std::shared_ptr<Result> other, py::dict metadata) {
    if (run_of(task).record_throw(other, to_dict_shallow(metadata, "metadata"))) {
      PyErr_SetNone(halt_exception_type());
      throw py::error_already_set();
    }
  });
  m.def("run_context", [](py::handle task) { return run_of(task).context_ptr(); });
  m.def("run_result", [](py::handle task) { return run_of(task).result_ptr(); });
  m.def("run_job", [](py::handle task) -> py::object {
    const JobInfo* job = run_of(task).job();
    if (!job) return py::none();
    py::dict d;
    d["jid"] = job->jid;
    d["queue"] = job->queue;
    d["retry_count"] = job->retry_count ? py::object(py::int_(*job->retry_count)) : py::none();
    d["final_attempt"] = job->final_attempt;
    d["enqueued_at"] = job->enqueued_at;
    d["created_at"] = job->created_at;
    return d;
  });

  py::class_<TaskSpec, std::shared_ptr<TaskSpec>>(m, "TaskSpec", "A registered task's definition.")
      .def_property_readonly("name", [](const TaskSpec& s) { return s.name; })
      .def_property_readonly("origin", [](const TaskSpec& s) { return s.origin; })
      .def_property_readonly("attribute_names", [](const TaskSpec& s) {
        std::vector<std::string> out;
        for (const auto& a : s.attributes) out.push_back(a.name);
        return out;
      })
      .def_property_readonly("attribute_types", [](const TaskSpec& s) {
        std::vector<std::string> out;
        for (const auto& a : s.attributes) out.push_back(a.type.name());
        return out;
      })
      .def_property_readonly("host", [](const TaskSpec& s) -> py::object {
        if (auto* f = dynamic_cast<const PyForeign*>(s.host.get())) return f->object();
        return py::none();
      })
      .def_property_readonly("options", [](const TaskSpec& s) {
        py::dict d;
        d["queue"] = s.options.queue;
        d["retry"] = option_value(s.options.retry);
        d["retry_queue"] = s.options.retry_queue ? py::object(py::str(*s.options.retry_queue)) : py::none();
        d["dead"] = s.options.dead;
        d["backtrace"] = option_value(s.options.backtrace);
        d["tags"] = s.options.tags;
        py::list bps;
        for (Status b : s.options.breakpoints) bps.append(std::string(to_string(b)));
        d["breakpoints"] = bps;
        return d;
      })
      .def("__repr__", [](const TaskSpec& s) { return "<TaskSpec " + s.name + " from " + s.origin + ">"; });

  m.def(
      "register_task",
      [](const std::string& name, const std::string& origin, py::object cls, py::list attributes, py::dict options,
         py::dict callbacks, py::list middlewares, bool has_rollback, py::object retry_on) {
        auto spec = build_py_spec(name, origin, std::move(cls), attributes, options, callbacks, middlewares, has_rollback,
                                  std::move(retry_on));
        Registry::global().add(spec);
        return std::const_pointer_cast<TaskSpec>(TaskSpecPtr(spec));
      },
      py::arg("name"), py::arg("origin"), py::arg("cls"), py::arg("attributes"), py::arg("options"),
      py::arg("callbacks"), py::arg("middlewares"), py::arg("has_rollback"), py::arg("retry_on") = py::none());

  m.def("find_task", [](const std::string& name) -> py::object {
    auto spec = Registry::global().find(name);
    if (!spec) return py::none();
    return py::cast(std::const_pointer_cast<TaskSpec>(spec));
  });
  m.def("get_task", [](const std::string& name) { return std::const_pointer_cast<TaskSpec>(Registry::global().get(name)); });
  m.def("task_names", [] { return Registry::global().names(); });
  m.def("unregister_task", [](const std::string& name) { return Registry::global().remove(name); });

  m.def(
      "execute",
      [](const std::shared_ptr<TaskSpec>& spec, py::tuple args, py::dict kwargs, py::object context) {
        RunRequest request = make_request(*spec, std::move(args), std::move(kwargs), std::move(context));
        return std::const_pointer_cast<Result>(run_for_python(spec, std::move(request)));
      },
      py::arg("spec"), py::arg("args"), py::arg("kwargs"), py::arg("context") = py::none());

  m.def("strict_outcome", [](const std::shared_ptr<Result>& r) { return strict_outcome_name(*r); });
}

}  // namespace taskmill::py_binding
