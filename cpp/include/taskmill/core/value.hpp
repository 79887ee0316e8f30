// Value: the one data type the core moves around — task inputs, context entries, metadata.
//
// It covers JSON (null, bool, int, float, string, list, dict), the richer types that
// attributes can be coerced to (decimal, date, datetime, time) and `Foreign`: an object owned by
// another language runtime (a Python object) that the core carries untouched. Carrying foreign
// objects as they are is what lets a caller pass any Python object through `execute` and keep
// its identity; only the background path insists on JSON.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace taskmill {

class Value;

// An object of another runtime, held by reference. Implementations must be safe to call from
// any thread (the Python one takes the GIL inside each call).
class Foreign {
 public:
  virtual ~Foreign() = default;
  // The runtime's name of the object's type, e.g. "Decimal" or "MyClass".
  virtual std::string type_name() const = 0;
  // A short human-readable form, for logs and error messages.
  virtual std::string repr() const = 0;
  // A deep conversion to a core Value, or nullopt when the object has no such form.
  virtual std::optional<Value> to_value() const = 0;
};

struct Decimal {  // exact decimal number, canonical text such as "-12.50"
  std::string text;
  bool operator==(const Decimal&) const = default;
};
struct Date {
  int year = 1970, month = 1, day = 1;
  bool operator==(const Date&) const = default;
};
struct Time {
  int hour = 0, minute = 0, second = 0, microsecond = 0;
  std::optional<int> utc_offset_minutes;  // nullopt: naive time
  bool operator==(const Time&) const = default;
};
struct DateTime {
  Date date;
  Time time;
  bool operator==(const DateTime&) const = default;
};

class Value {
 public:
  using List = std::vector<Value>;
  using Dict = std::map<std::string, Value, std::less<>>;
  using ForeignPtr = std::shared_ptr<const Foreign>;
  enum class Kind { Null, Bool, Int, Float, String, List, Dict, Decimal, Date, Time, DateTime, Foreign };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(int i) : data_(static_cast<std::int64_t>(i)) {}
  Value(std::int64_t i) : data_(i) {}
  Value(double d) : data_(d) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(List l) : data_(std::move(l)) {}
  Value(Dict d) : data_(std::move(d)) {}
  Value(Decimal d) : data_(std::move(d)) {}
  Value(Date d) : data_(d) {}
  Value(Time t) : data_(t) {}
  Value(DateTime dt) : data_(dt) {}
  Value(ForeignPtr f) : data_(std::move(f)) {}

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_float() const { return kind() == Kind::Float; }
  bool is_string() const { return kind() == Kind::String; }
  bool is_list() const { return kind() == Kind::List; }
  bool is_dict() const { return kind() == Kind::Dict; }
  bool is_foreign() const { return kind() == Kind::Foreign; }

  // Typed access; each throws std::bad_variant_access on a kind mismatch.
  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
  double as_float() const { return std::get<double>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const List& as_list() const { return std::get<List>(data_); }
  List& as_list() { return std::get<List>(data_); }
  const Dict& as_dict() const { return std::get<Dict>(data_); }
  Dict& as_dict() { return std::get<Dict>(data_); }
  const Decimal& as_decimal() const { return std::get<Decimal>(data_); }
  const Date& as_date() const { return std::get<Date>(data_); }
  const Time& as_time() const { return std::get<Time>(data_); }
  const DateTime& as_datetime() const { return std::get<DateTime>(data_); }
  const ForeignPtr& as_foreign() const { return std::get<ForeignPtr>(data_); }

  // A foreign object replaced by its deep conversion, recursively; nullopt if any part has none.
  std::optional<Value> resolved() const;

  // JSON form. Decimals, dates and times become ISO / decimal strings; a foreign object its
  // conversion, or its repr() string when it has none (logs must never fail).
  nlohmann::json to_json() const;
  static Value from_json(const nlohmann::json& j);

  // Name of the kind as users see it in messages: "int", "str", "list", or a foreign type name.
  std::string type_name() const;
  // Short text for messages: JSON for data, repr() for foreign objects.
  std::string repr() const;

  bool operator==(const Value& other) const;

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, List, Dict, Decimal, Date,
               Time, DateTime, ForeignPtr>
      data_;
};

std::string to_iso(const Date& d);
std::string to_iso(const Time& t);
std::string to_iso(const DateTime& dt);

}  // namespace taskmill
