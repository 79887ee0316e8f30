// The per-type coercion rules behind coerce(), one file per family (private to the core).
#pragma once

#include <string_view>

#include "taskmill/core/coercion.hpp"

namespace taskmill::coercion_rules {

// `s` without the blanks around it (space, tab, newline, return): text inputs are read trimmed.
std::string_view trimmed(std::string_view s);  // coercion.cpp

Coerced to_decimal(const Value& v);   // coercion_decimal.cpp
Coerced to_date(const Value& v);      // coercion_temporal.cpp
Coerced to_time(const Value& v);      // coercion_temporal.cpp
Coerced to_datetime(const Value& v);  // coercion_temporal.cpp

}  // namespace taskmill::coercion_rules
