// Validators: checks an attribute's value must pass after coercion (presence, format, numeric...).
//
// A task declares validators by name with options ({"numeric": {"min": 0}}). They are compiled
// once, when the task is declared: options are type-checked there (a mistake is a DefinitionError
// naming the task and the attribute, never a surprise at the first run), regexes are built there,
// and a run only calls the compiled checks.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "taskmill/core/value.hpp"

namespace taskmill {

// A compiled check: nullopt when `value` passes, else the problem ("must be at least 0").
using Check = std::function<std::optional<std::string>(const Value& value)>;

struct Validator {
  std::string name;       // "numeric", "format", a registered name, or "validate"
  Check check;
  bool allow_none = false;  // whether None passes (presence never lets it pass)
  std::string message;      // replaces the check's own message when set
};

// A named validator registered by a user: called with the value and the options it was declared
// with (e.g. True, or a dict); returns nullopt or a message. Must be safe to call from any
// thread (a Python one takes the GIL).
using ValidatorFn = std::function<std::optional<std::string>(const Value& value, const Value& options)>;

// Registers (or replaces) a named validator, process-wide. Throws std::invalid_argument when the
// name is empty or is a built-in's.
void register_validator(const std::string& name, ValidatorFn fn);
bool has_validator(const std::string& name);

// Compiles one declared validator. `where` ("Task.attr") prefixes DefinitionError messages.
// `required` sets allow_none's default: an optional attribute's None passes unless
// allow_none=False is given.
Validator compile_validator(const std::string& where, const std::string& name, const Value& options, bool required);

// Runs `validators` on `value`, appending each problem to `errors`.
void run_validators(const std::vector<Validator>& validators, const Value& value, std::vector<std::string>& errors);

}  // namespace taskmill
