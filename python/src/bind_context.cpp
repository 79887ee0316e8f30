// Binding of Context: attribute and item access over the core's context, dict-like methods.
#include <pybind11/stl.h>

#include "convert.hpp"
#include "taskmill/core/context.hpp"

namespace taskmill::py_binding {

namespace {

py::object read(Context& ctx, const std::string& key) {
  Value* v = ctx.find(key);
  if (!v) return py::none();
  // A list or dict read from Python is stored back as that Python object, so mutating it
  // (ctx.items.append(x)) changes the context, as users expect of a mapping.
  if (v->is_list() || v->is_dict()) {
    py::object obj = to_py(*v);
    *v = Value(std::make_shared<const PyForeign>(obj));
    return obj;
  }
  return to_py(*v);
}

Context::Entries from_mapping(py::handle mapping) {
  if (!PyDict_Check(mapping.ptr())) mapping = py::dict(py::reinterpret_borrow<py::object>(mapping));
  return to_entries(mapping, "context");
}

py::dict to_py_dict(const Context& ctx) {
  py::dict out;
  for (const auto& [k, v] : ctx.entries()) out[py::str(k)] = to_py(v);
  return out;
}

// Equal as mappings are: the same names with equal values, in any order.
bool same_items(const Context& a, const Context::Entries& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : b) {
    const Value* mine = a.find(k);
    if (mine == nullptr || !(*mine == v)) return false;
  }
  return true;
}

}  // namespace

void bind_context(py::module_& m) {
  py::class_<Context, ContextPtr>(m, "Context", "The values a run reads its inputs from and writes its outputs to.")
      .def(py::init([](py::object mapping, py::kwargs kwargs) {
             auto ctx = Context::make(mapping.is_none() ? Context::Entries{} : from_mapping(mapping));
             for (auto& [k, v] : to_entries(kwargs, "context")) ctx->set(k, v);
             return ctx;
           }),
           py::arg("mapping") = py::none())
      .def("__getattr__",
           [](Context& ctx, const std::string& key) {
             if (!ctx.has(key)) throw py::attribute_error("context has no value '" + key + "'");
             return read(ctx, key);
           })
      .def("__setattr__", [](Context& ctx, const std::string& key, py::handle v) { ctx.set(key, to_value_shallow(v)); })
      .def("__delattr__",
           [](Context& ctx, const std::string& key) {
             if (!ctx.erase(key)) throw py::attribute_error("context has no value '" + key + "'");
           })
      .def("__getitem__",
           [](Context& ctx, const std::string& key) {
             if (!ctx.has(key)) throw py::key_error(key);
             return read(ctx, key);
           })
      .def("__setitem__", [](Context& ctx, const std::string& key, py::handle v) { ctx.set(key, to_value_shallow(v)); })
      .def("__delitem__",
           [](Context& ctx, const std::string& key) {
             if (!ctx.erase(key)) throw py::key_error(key);
           })
      .def("__contains__", [](const Context& ctx, const std::string& key) { return ctx.has(key); })
      .def("__len__", &Context::size)
      .def("__iter__", [](const Context& ctx) { return py::iter(py::cast(ctx.keys())); })
      .def("get",
           [](Context& ctx, const std::string& key, py::object fallback) {
             return ctx.has(key) ? read(ctx, key) : fallback;
           },
           py::arg("key"), py::arg("default") = py::none())
      .def("keys", &Context::keys)
      .def("items",
           [](Context& ctx) {
             py::list out;
             for (const auto& k : ctx.keys()) out.append(py::make_tuple(k, read(ctx, k)));
             return out;
           })
      .def("values",
           [](Context& ctx) {
             py::list out;
             for (const auto& k : ctx.keys()) out.append(read(ctx, k));
             return out;
           })
      .def("update",
           [](Context& ctx, py::object mapping, py::kwargs kwargs) {
             if (!mapping.is_none())
               for (auto& [k, v] : from_mapping(mapping)) ctx.set(k, v);
             for (auto& [k, v] : to_entries(kwargs, "context")) ctx.set(k, v);
           },
           py::arg("mapping") = py::none())
      .def("to_dict", &to_py_dict)
      .def("__eq__",
           [](const Context& a, py::object other) {
             if (py::isinstance<Context>(other)) return same_items(a, other.cast<const Context&>().entries());
             if (PyDict_Check(other.ptr())) return same_items(a, from_mapping(other));
             return false;
           })
      .def("__repr__", [](const Context& ctx) { return "Context(" + std::string(py::repr(to_py_dict(ctx))) + ")"; });
}

}  // namespace taskmill::py_binding
