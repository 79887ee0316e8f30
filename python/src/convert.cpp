#include "convert.hpp"
#include "gil.hpp"

#include <datetime.h>

namespace taskmill::py_binding {

namespace {

py::object decimal_type() {
  // Looked up per call (rare: only decimal attributes); no interpreter object is cached statically.
  return py::module_::import("decimal").attr("Decimal");
}

void ensure_datetime_api() {
  if (PyDateTimeAPI == nullptr) PyDateTime_IMPORT;
}

std::optional<int> utc_offset_minutes(py::handle obj) {
  py::object offset = obj.attr("utcoffset")();
  if (offset.is_none()) return std::nullopt;
  const double seconds = offset.attr("total_seconds")().cast<double>();
  return static_cast<int>(seconds / 60);
}

Time time_of(py::handle obj, bool is_datetime) {
  Time t;
  if (is_datetime) {
    t.hour = PyDateTime_DATE_GET_HOUR(obj.ptr());
    t.minute = PyDateTime_DATE_GET_MINUTE(obj.ptr());
    t.second = PyDateTime_DATE_GET_SECOND(obj.ptr());
    t.microsecond = PyDateTime_DATE_GET_MICROSECOND(obj.ptr());
  } else {
    t.hour = PyDateTime_TIME_GET_HOUR(obj.ptr());
    t.minute = PyDateTime_TIME_GET_MINUTE(obj.ptr());
    t.second = PyDateTime_TIME_GET_SECOND(obj.ptr());
    t.microsecond = PyDateTime_TIME_GET_MICROSECOND(obj.ptr());
  }
  t.utc_offset_minutes = utc_offset_minutes(obj);
  return t;
}

py::object tzinfo_for(const std::optional<int>& minutes) {
  if (!minutes) return py::none();
  auto dt = py::module_::import("datetime");
  return dt.attr("timezone")(dt.attr("timedelta")(py::arg("minutes") = *minutes));
}

std::optional<Value> scalar(py::handle obj) {
  if (obj.is_none()) return Value();
  if (PyBool_Check(obj.ptr())) return Value(obj.ptr() == Py_True);
  if (PyLong_CheckExact(obj.ptr()) || (PyLong_Check(obj.ptr()) && !PyBool_Check(obj.ptr()))) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
    if (overflow == 0) return Value(static_cast<std::int64_t>(v));
    return std::nullopt;  // beyond 64 bits: kept as a Python int
  }
  if (PyFloat_Check(obj.ptr())) return Value(PyFloat_AS_DOUBLE(obj.ptr()));
  if (PyUnicode_Check(obj.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
    if (data == nullptr) throw py::error_already_set();
    return Value(std::string(data, static_cast<std::size_t>(size)));
  }
  return std::nullopt;
}

}  // namespace

PyForeign::~PyForeign() {
  if (interpreter_gone()) {
    obj_.release();  // the interpreter has ended: nothing to decrement any more
    return;
  }
  py::gil_scoped_acquire gil;
  obj_ = py::object();
}

std::string PyForeign::type_name() const {
  py::gil_scoped_acquire gil;
  return py::str(py::type::handle_of(obj_).attr("__name__"));
}

std::string PyForeign::repr() const {
  py::gil_scoped_acquire gil;
  try {
    return py::repr(obj_);
  } catch (const py::error_already_set&) {
    return "<" + std::string(py::str(py::type::handle_of(obj_).attr("__name__"))) + " object>";
  }
}

std::optional<Value> PyForeign::to_value() const {
  py::gil_scoped_acquire gil;
  Value v = to_value_deep(obj_);
  if (v.is_foreign()) return std::nullopt;
  return v;
}

Value to_value_shallow(py::handle obj) {
  // Exact str and int first, built in place: every keyword argument of every execute comes here.
  if (PyUnicode_CheckExact(obj.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
    if (data == nullptr) throw py::error_already_set();
    return Value(std::string(data, static_cast<std::size_t>(size)));
  }
  if (auto v = scalar(obj)) return std::move(*v);
  return Value(std::make_shared<const PyForeign>(py::reinterpret_borrow<py::object>(obj)));
}

Value to_value_deep(py::handle obj) {
  if (auto v = scalar(obj)) return std::move(*v);
  if (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())) {
    Value::List out;
    for (auto item : obj) {
      Value v = to_value_deep(item);
      if (v.is_foreign()) return to_value_shallow(obj);
      out.push_back(std::move(v));
    }
    return Value(std::move(out));
  }
  if (PyDict_Check(obj.ptr())) {
    Value::Dict out;
    for (auto [k, item] : py::reinterpret_borrow<py::dict>(obj)) {
      if (!PyUnicode_Check(k.ptr())) return to_value_shallow(obj);
      Value v = to_value_deep(item);
      if (v.is_foreign()) return to_value_shallow(obj);
      out.emplace(k.cast<std::string>(), std::move(v));
    }
    return Value(std::move(out));
  }
  ensure_datetime_api();
  if (PyDateTime_Check(obj.ptr())) {
    Date d{PyDateTime_GET_YEAR(obj.ptr()), PyDateTime_GET_MONTH(obj.ptr()), PyDateTime_GET_DAY(obj.ptr())};
    return Value(DateTime{d, time_of(obj, true)});
  }
  if (PyDate_Check(obj.ptr()))
    return Value(Date{PyDateTime_GET_YEAR(obj.ptr()), PyDateTime_GET_MONTH(obj.ptr()), PyDateTime_GET_DAY(obj.ptr())});
  if (PyTime_Check(obj.ptr())) return Value(time_of(obj, false));
  if (py::isinstance(obj, decimal_type())) {
    std::string text = py::str(obj);
    return Value(Decimal{std::move(text)});
  }
  return to_value_shallow(obj);
}

namespace {

// Calls add(name, value) for each item of a dict with str keys, converted shallowly. The C API
// directly: this runs for every keyword argument of every execute.
template <typename Add>
void each_named(py::handle mapping, const char* what, Add&& add) {
  PyObject* key = nullptr;
  PyObject* item = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(mapping.ptr(), &pos, &key, &item)) {
    if (!PyUnicode_Check(key))
      throw py::type_error(std::string(what) + " keys must be str, not " + std::string(Py_TYPE(key)->tp_name));
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(key, &size);
    if (data == nullptr) throw py::error_already_set();
    add(std::string(data, static_cast<std::size_t>(size)), to_value_shallow(item));
  }
}

}  // namespace

Value::Dict to_dict_shallow(py::handle mapping, const char* what) {
  Value::Dict out;
  if (mapping.is_none()) return out;
  each_named(mapping, what, [&](std::string name, Value value) { out.insert_or_assign(std::move(name), std::move(value)); });
  return out;
}

Context::Entries to_entries(py::handle mapping, const char* what) {
  Context::Entries out;
  if (mapping.is_none()) return out;
  out.reserve(static_cast<std::size_t>(PyDict_GET_SIZE(mapping.ptr())));
  each_named(mapping, what, [&](std::string name, Value value) { out.emplace_back(std::move(name), std::move(value)); });
  return out;
}

py::object to_py(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Null: return py::none();
    case Value::Kind::Bool: return py::bool_(value.as_bool());
    case Value::Kind::Int: return py::int_(value.as_int());
    case Value::Kind::Float: return py::float_(value.as_float());
    case Value::Kind::String: return py::str(value.as_string());
    case Value::Kind::List: {
      py::list out(value.as_list().size());
      for (std::size_t i = 0; i < value.as_list().size(); ++i) out[i] = to_py(value.as_list()[i]);
      return out;
    }
    case Value::Kind::Dict: return to_py(value.as_dict());
    case Value::Kind::Decimal: return decimal_type()(value.as_decimal().text);
    case Value::Kind::Date: {
      ensure_datetime_api();
      const Date& d = value.as_date();
      return py::reinterpret_steal<py::object>(PyDate_FromDate(d.year, d.month, d.day));
    }
    case Value::Kind::Time: {
      const Time& t = value.as_time();
      auto dt = py::module_::import("datetime");
      return dt.attr("time")(t.hour, t.minute, t.second, t.microsecond, tzinfo_for(t.utc_offset_minutes));
    }
    case Value::Kind::DateTime: {
      const DateTime& v = value.as_datetime();
      auto dt = py::module_::import("datetime");
      return dt.attr("datetime")(v.date.year, v.date.month, v.date.day, v.time.hour, v.time.minute, v.time.second,
                                 v.time.microsecond, tzinfo_for(v.time.utc_offset_minutes));
    }
    case Value::Kind::Foreign: {
      if (auto* py_obj = dynamic_cast<const PyForeign*>(value.as_foreign().get())) return py_obj->object();
      auto converted = value.as_foreign()->to_value();
      return converted ? to_py(*converted) : py::str(value.as_foreign()->repr());
    }
  }
  return py::none();
}

py::dict to_py(const Value::Dict& dict) {
  py::dict out;
  for (const auto& [k, v] : dict) out[py::str(k)] = to_py(v);
  return out;
}

}  // namespace taskmill::py_binding
