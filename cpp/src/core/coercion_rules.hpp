// The per-type coercion rules behind coerce(), one file per family (private to the core).
#pragma once

#include "taskmill/core/coercion.hpp"

namespace taskmill::coercion_rules {

Coerced to_decimal(const Value& v);   // coercion_decimal.cpp
Coerced to_date(const Value& v);      // coercion_temporal.cpp
Coerced to_time(const Value& v);      // coercion_temporal.cpp
Coerced to_datetime(const Value& v);  // coercion_temporal.cpp

}  // namespace taskmill::coercion_rules
