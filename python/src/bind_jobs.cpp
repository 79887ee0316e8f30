// Binding of enqueueing (client), raw payloads, the sets and stats. Converts and forwards; the
// payload rules and the JSON check live in the core (jobs/payload, jobs/client).
#include <pybind11/stl.h>

#include "convert.hpp"
#include "taskmill/backends/backend.hpp"
#include "taskmill/core/registry.hpp"
#include "taskmill/core/task_options.hpp"
#include "taskmill/jobs/client.hpp"
#include "taskmill/runtime/job_retry.hpp"
#include "taskmill/runtime/processor.hpp"

namespace taskmill::py_binding {

namespace {

using backends::JobSet;
using jobs::Payload;

// Like to_value_deep, but containers are always opened, so a non-JSON value deep inside stays a
// leaf and the core's check can name its path (args[1]["when"]).
Value to_arg_value(py::handle obj) {
  if (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())) {
    Value::List out;
    for (auto item : obj) out.push_back(to_arg_value(item));
    return Value(std::move(out));
  }
  if (PyDict_Check(obj.ptr())) {
    Value::Dict out;
    for (auto [k, item] : py::reinterpret_borrow<py::dict>(obj)) {
      if (!PyUnicode_Check(k.ptr())) return to_value_shallow(obj);  // reported as a dict: keys must be str
      out.emplace(k.cast<std::string>(), to_arg_value(item));
    }
    return Value(std::move(out));
  }
  return to_value_deep(obj);
}

std::vector<Value> to_args(py::handle seq) {
  std::vector<Value> out;
  for (auto a : seq) out.push_back(to_arg_value(a));
  return out;
}

Value::Dict to_kwargs(py::dict kwargs) {
  Value::Dict out;
  for (auto [k, v] : kwargs) out.insert_or_assign(py::str(k).cast<std::string>(), to_arg_value(v));
  return out;
}

jobs::JobOptions to_options(const TaskSpec& spec, py::dict given) {
  Value::Dict d = to_value_deep(given).as_dict();
  const TaskOptions parsed = parse_task_options(spec.name, d);  // checks each option's type
  jobs::JobOptions o;
  if (d.count("queue")) o.queue = parsed.queue;
  if (d.count("retry")) o.retry = parsed.retry;
  if (d.count("retry_queue")) o.retry_queue = parsed.retry_queue;
  if (d.count("dead")) o.dead = parsed.dead;
  if (d.count("backtrace")) o.backtrace = parsed.backtrace;
  if (d.count("tags")) o.tags = parsed.tags;
  return o;
}

backends::BackendPtr backend_for(const py::object& url) {
  return url.is_none() ? backends::default_backend() : backends::open_backend(url.cast<std::string>());
}

Payload to_payload(py::handle obj) { return jobs::payload_from(to_arg_value(obj)); }

py::object from_payload(const Payload& p) { return to_py(Value::from_json(p)); }

JobSet parse_set(const std::string& name) {
  if (name == "scheduled") return JobSet::Scheduled;
  if (name == "retry") return JobSet::Retry;
  if (name == "dead") return JobSet::Dead;
  throw py::value_error("unknown job set '" + name + "' (scheduled, retry, dead)");
}

py::dict stats_dict(const backends::Stats& s, double now) {
  py::dict d;
  d["processed"] = s.processed;
  d["failed"] = s.failed;
  py::dict days;
  for (const auto& [day, pf] : s.by_day) {
    py::dict e;
    e["processed"] = pf.first;
    e["failed"] = pf.second;
    days[py::str(day)] = e;
  }
  d["days"] = days;
  d["enqueued"] = s.enqueued;
  d["busy"] = s.busy;
  d["scheduled"] = s.scheduled;
  d["retries"] = s.retries;
  d["dead"] = s.dead;
  py::dict queues;
  for (const auto& [name, q] : s.queues) {
    py::dict e;
    e["size"] = q.size;
    e["latency"] = q.latency;
    queues[py::str(name)] = e;
  }
  d["queues"] = queues;
  d["time"] = now;
  return d;
}

}  // namespace

void bind_jobs(py::module_& m) {
  m.def(
      "enqueue",
      [](const std::shared_ptr<TaskSpec>& spec, py::tuple args, py::dict kwargs, py::dict options, py::object at,
         py::object backend) {
        jobs::Client client(backend_for(backend));
        auto opts = to_options(*spec, options);
        if (at.is_none()) return client.perform_async(*spec, to_args(args), to_kwargs(kwargs), opts);
        return client.perform_at(at.cast<double>(), *spec, to_args(args), to_kwargs(kwargs), opts);
      },
      py::arg("spec"), py::arg("args"), py::arg("kwargs"), py::arg("options"), py::arg("at") = py::none(),
      py::arg("backend") = py::none());
  m.def(
      "enqueue_bulk",
      [](const std::shared_ptr<TaskSpec>& spec, py::iterable args_list, py::dict options, py::object backend) {
        std::vector<std::vector<Value>> all;
        for (auto args : args_list) {
          if (!PyList_Check(args.ptr()) && !PyTuple_Check(args.ptr()))
            throw py::type_error(spec->name + ".perform_bulk takes a list of argument lists, found a " +
                                 py::str(py::type::handle_of(args).attr("__name__")).cast<std::string>());
          all.push_back(to_args(args));
        }
        return jobs::Client(backend_for(backend)).perform_bulk(*spec, all, to_options(*spec, options));
      },
      py::arg("spec"), py::arg("args_list"), py::arg("options"), py::arg("backend") = py::none());
  m.def(
      "build_job",
      [](const std::shared_ptr<TaskSpec>& spec, py::tuple args, py::dict kwargs, py::dict options) {
        auto positional = jobs::positional_args(*spec, to_args(args), to_kwargs(kwargs));
        jobs::check_json_args(*spec, positional);
        Payload p = jobs::build_payload(*spec, positional, to_options(*spec, options), jobs::now_seconds());
        p["enqueued_at"] = p["created_at"];
        return from_payload(p);
      },
      py::arg("spec"), py::arg("args"), py::arg("kwargs"), py::arg("options"));
  m.def(
      "push",
      [](py::handle payload, py::object backend) {
        if (!PyDict_Check(payload.ptr())) throw py::type_error("push() takes a payload dict");
        return jobs::Client(backend_for(backend)).push(to_payload(payload));
      },
      py::arg("payload"), py::arg("backend") = py::none());
  // As a foreign producer (another language, a tool) might push: unchecked. For interop tests.
  m.def(
      "push_unchecked",
      [](py::handle payload, const std::string& queue, py::object backend) {
        Payload p = to_payload(payload);
        p["queue"] = queue;
        backend_for(backend)->push(std::move(p));
      },
      py::arg("payload"), py::arg("queue"), py::arg("backend") = py::none());
  m.def("complete_payload", [](py::handle payload) {
    if (!PyDict_Check(payload.ptr())) throw py::type_error("push() takes a payload dict");
    return from_payload(jobs::complete_payload(to_payload(payload), jobs::now_seconds()));
  });
  m.def("run_payload", [](py::handle payload) {
    return std::const_pointer_cast<Result>(runtime::run_payload(to_payload(payload)));
  });

  m.def("stats", [](py::object backend) {
    const double now = jobs::now_seconds();
    auto b = backend_for(backend);
    backends::Stats s;
    {
      py::gil_scoped_release release;
      s = b->stats(now);
    }
    return stats_dict(s, now);
  }, py::arg("backend") = py::none());
  m.def("set_list", [](const std::string& set, py::object backend) {
    py::list out;
    for (const auto& e : backend_for(backend)->list(parse_set(set))) out.append(py::make_tuple(e.score, from_payload(e.payload)));
    return out;
  }, py::arg("set"), py::arg("backend") = py::none());
  m.def("set_size", [](const std::string& set, py::object backend) { return backend_for(backend)->size(parse_set(set)); },
        py::arg("set"), py::arg("backend") = py::none());
  m.def("set_enqueue_now", [](const std::string& set, const std::string& jid, py::object backend) {
    return backend_for(backend)->enqueue_now(parse_set(set), jid);
  }, py::arg("set"), py::arg("jid"), py::arg("backend") = py::none());
  m.def("set_remove", [](const std::string& set, const std::string& jid, py::object backend) {
    return backend_for(backend)->remove(parse_set(set), jid);
  }, py::arg("set"), py::arg("jid"), py::arg("backend") = py::none());
  m.def("set_clear", [](const std::string& set, py::object backend) { backend_for(backend)->clear(parse_set(set)); },
        py::arg("set"), py::arg("backend") = py::none());
  m.def("flush_backend", [](py::object backend) { backend_for(backend)->flush(); }, py::arg("backend") = py::none());

  m.def("set_default_backend", [](const std::string& url) {
    try {
      backends::set_default_backend(url);
    } catch (const std::invalid_argument& e) {
      throw py::value_error(e.what());
    }
  });
  m.def("default_backend_url", [] { return backends::default_backend_url(); });
  m.def("set_dead_limits", [](std::size_t max_jobs, double max_age_seconds) {
    backends::set_dead_limits({max_jobs, max_age_seconds});
  });
  m.def("dead_limits", [] {
    auto l = backends::dead_limits();
    return py::make_tuple(l.max_jobs, l.max_age_seconds);
  });
  m.def("add_death_handler", [](py::object fn) {
    auto held = std::make_shared<const PyForeign>(std::move(fn));
    runtime::add_death_handler([held](const Payload& payload, const jobs::Failure& failure) {
      py::gil_scoped_acquire gil;
      try {
        held->object()(from_payload(payload), py::make_tuple(failure.error_class, failure.error_message));
      } catch (py::error_already_set& e) {
        throw std::runtime_error(e.what());
      }
    });
  });
  m.def("clear_death_handlers", [] { runtime::clear_death_handlers(); });
}

}  // namespace taskmill::py_binding
