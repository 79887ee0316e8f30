#include "taskmill/core/task_options.hpp"

#include "taskmill/core/halt.hpp"

namespace taskmill {

namespace {

[[noreturn]] void bad_option(const std::string& task, const std::string& option, const std::string& expected,
                             const Value& got) {
  throw DefinitionError(task + ": option '" + option + "' must be " + expected + ", not " + got.type_name() + " " +
                        got.repr());
}

std::string need_name(const std::string& task, const std::string& option, const Value& v) {
  if (!v.is_string() || v.as_string().empty()) bad_option(task, option, "a non-empty str", v);
  return v.as_string();
}

Value bool_or_count(const std::string& task, const std::string& option, const Value& v) {
  if (v.is_bool()) return v;
  if (v.is_int() && v.as_int() >= 0) return v;
  bad_option(task, option, "True, False or an int >= 0", v);
}

}  // namespace

TaskOptions parse_task_options(const std::string& task, const Value::Dict& given) {
  TaskOptions out;
  for (const auto& [key, v] : given) {
    if (key == "queue") {
      out.queue = need_name(task, key, v);
    } else if (key == "retry") {
      out.retry = bool_or_count(task, key, v);
    } else if (key == "retry_queue") {
      if (!v.is_null()) out.retry_queue = need_name(task, key, v);
    } else if (key == "dead") {
      if (!v.is_bool()) bad_option(task, key, "True or False", v);
      out.dead = v.as_bool();
    } else if (key == "backtrace") {
      out.backtrace = bool_or_count(task, key, v);
    } else if (key == "tags") {
      if (!v.is_list()) bad_option(task, key, "a list of str", v);
      out.tags.clear();
      const auto& tags = v.as_list();
      for (std::size_t i = 0; i < tags.size(); ++i)
        out.tags.push_back(need_name(task, "tags[" + std::to_string(i) + "]", tags[i]));
    } else if (key == "breakpoints") {
      if (!v.is_list()) bad_option(task, key, "a list of statuses (\"failed\", \"skipped\")", v);
      out.breakpoints.clear();
      for (const auto& b : v.as_list()) {
        auto status = b.is_string() ? parse_status(b.as_string()) : std::nullopt;
        if (!status || *status == Status::Success)
          bad_option(task, "breakpoints", "made of \"failed\" and \"skipped\"", b);
        out.breakpoints.push_back(*status);
      }
    } else {
      throw DefinitionError(task + ": unknown option '" + key +
                            "' (known: queue, retry, retry_queue, dead, backtrace, tags, breakpoints)");
    }
  }
  return out;
}

}  // namespace taskmill
