#include "taskmill/core/halt.hpp"

#include "taskmill/core/task_spec.hpp"

namespace taskmill {

namespace {
std::string fault_message(const Result& r) {
  std::string msg = r.task_name() + " " + std::string(to_string(r.status));
  if (!r.reason.empty()) msg += ": " + r.reason;
  return msg;
}
}  // namespace

Fault::Fault(ResultPtr result) : std::runtime_error(fault_message(*result)), result_(std::move(result)) {}

}  // namespace taskmill
