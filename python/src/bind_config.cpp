// Binding of the process configuration: run logging and global middlewares.
#include <pybind11/stl.h>

#include "py_task.hpp"

#include "taskmill/core/config.hpp"
#include "taskmill/core/run_log.hpp"

namespace taskmill::py_binding {

void bind_config(py::module_& m) {
  m.def(
      "configure_log",
      [](const std::string& format, const std::string& level, const std::string& file) {
        LogSettings s;
        s.format = parse_log_format(format);
        s.level = parse_log_level(level);
        s.file = file;
        Config::global().set_log(std::move(s));
      },
      py::arg("format"), py::arg("level"), py::arg("file"));
  m.def("log_settings", [] {
    const LogSettings s = Config::global().log();
    py::dict d;
    d["log_format"] = std::string(to_string(s.format));
    d["log_level"] = std::string(to_string(s.level));
    d["log_file"] = s.file.empty() ? py::object(py::none()) : py::object(py::str(s.file));
    return d;
  });
  m.def("flush_log", [] { Config::global().flush_log(); });
  m.def("set_middlewares", [](py::list middlewares) {
    std::vector<Middleware> out;
    for (auto mw : middlewares) out.push_back(python_middleware(py::reinterpret_borrow<py::object>(mw)));
    Config::global().set_middlewares(std::move(out));
  });
}

}  // namespace taskmill::py_binding
