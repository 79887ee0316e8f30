// The built-in validators and the registry of named ones. Each built-in is a compile step: it
// reads and type-checks its options once, at declaration, and returns the check a run calls.
#include "taskmill/core/validators.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <regex>
#include <shared_mutex>

#include "taskmill/core/halt.hpp"

namespace taskmill {

namespace {

using Compiler = Check (*)(const std::string& where, const Value& options);

[[noreturn]] void bad_option(const std::string& where, const std::string& what) {
  throw DefinitionError(where + ": " + what);
}

bool is_number(const Value& v) { return v.is_int() || v.is_float() || v.kind() == Value::Kind::Decimal; }
double number_of(const Value& v) {
  if (v.is_int()) return static_cast<double>(v.as_int());
  if (v.is_float()) return v.as_float();
  return std::strtod(v.as_decimal().text.c_str(), nullptr);
}
// A number as users wrote it: 5 not 5.000000.
std::string show(const Value& v) { return v.is_string() ? v.as_string() : v.kind() == Value::Kind::Decimal ? v.as_decimal().text : v.repr(); }

std::string show(double x) {
  if (x == static_cast<double>(static_cast<long long>(x)) && x > -9e15 && x < 9e15) return std::to_string(static_cast<long long>(x));
  return Value(x).repr();
}

// The options of a validator's dict form, with the shared keys (allow_none, message) removed.
const Value::Dict* dict_form(const Value& options) { return options.is_dict() ? &options.as_dict() : nullptr; }

const Value* option(const Value::Dict& d, std::string_view key) {
  auto it = d.find(key);
  return it == d.end() ? nullptr : &it->second;
}

void reject_unknown(const std::string& where, const std::string& name, const Value::Dict& d,
                    std::initializer_list<std::string_view> known) {
  for (const auto& [key, _] : d) {
    if (key == "allow_none" || key == "message") continue;
    bool ok = false;
    for (auto k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      bad_option(where, "validator '" + name + "' has no option '" + key + "' (options: " + list + ", allow_none, message)");
    }
  }
}

double number_option(const std::string& where, const std::string& name, const Value::Dict& d, std::string_view key) {
  const Value* v = option(d, key);
  if (!v || !is_number(*v))
    bad_option(where, "validator '" + name + "' option '" + std::string(key) + "' must be a number, not " +
                          (v ? v->type_name() : std::string("missing")));
  return number_of(*v);
}

// Length of a string in code points, or of a list / dict; -1 when the value has none.
long long length_of(const Value& v) {
  if (v.is_string()) {
    long long n = 0;
    for (unsigned char c : v.as_string()) n += (c & 0xC0) != 0x80;
    return n;
  }
  if (v.is_list()) return static_cast<long long>(v.as_list().size());
  if (v.is_dict()) return static_cast<long long>(v.as_dict().size());
  return -1;
}

bool blank(const Value& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return v.as_string().find_first_not_of(" \t\n\r\f\v") == std::string::npos;
  if (v.is_list()) return v.as_list().empty();
  if (v.is_dict()) return v.as_dict().empty();
  return false;
}

Check compile_presence(const std::string&, const Value&) {
  return [](const Value& v) -> std::optional<std::string> {
    if (blank(v)) return "cannot be empty";
    return std::nullopt;
  };
}

Check compile_absence(const std::string&, const Value&) {
  return [](const Value& v) -> std::optional<std::string> {
    if (!blank(v)) return "must be empty";
    return std::nullopt;
  };
}

// A compiled pattern. A pattern without regex syntax (r"@") is searched as plain text: the same
// answer as the regex, at a fraction of std::regex's cost on the run's path.
struct Pattern {
  std::string literal;
  std::shared_ptr<const std::regex> regex;
  bool found_in(const std::string& s) const {
    return regex ? std::regex_search(s, *regex) : s.find(literal) != std::string::npos;
  }
};

std::shared_ptr<const Pattern> regex_option(const std::string& where, const Value& v) {
  if (!v.is_string()) bad_option(where, "validator 'format' takes a regex string, not " + v.type_name());
  auto pattern = std::make_shared<Pattern>();
  const std::string& text = v.as_string();
  try {
    // Compiled even when searched as text, so an invalid pattern is always reported.
    auto regex = std::make_shared<const std::regex>(text, std::regex::ECMAScript | std::regex::optimize);
    if (text.find_first_of("\\^$.|?*+()[]{}") == std::string::npos) pattern->literal = text;
    else pattern->regex = std::move(regex);
  } catch (const std::regex_error& e) {
    bad_option(where, "validator 'format' has an invalid regex '" + text + "': " + e.what());
  }
  return pattern;
}

Check compile_format(const std::string& where, const Value& options) {
  std::shared_ptr<const Pattern> with, without;
  if (const auto* d = dict_form(options)) {
    reject_unknown(where, "format", *d, {"with", "without"});
    if (const Value* w = option(*d, "with")) with = regex_option(where, *w);
    if (const Value* w = option(*d, "without")) without = regex_option(where, *w);
    if (!with && !without) bad_option(where, "validator 'format' needs 'with' or 'without'");
  } else {
    with = regex_option(where, options);
  }
  return [with, without](const Value& v) -> std::optional<std::string> {
    if (!v.is_string()) return "is an invalid format";
    if (with && !with->found_in(v.as_string())) return "is an invalid format";
    if (without && without->found_in(v.as_string())) return "is an invalid format";
    return std::nullopt;
  };
}

// inclusion / exclusion: a list, {"in": list}, or {"within": [low, high]} (a Python range).
struct Membership {
  std::optional<Value::List> items;
  double low = 0, high = 0;
  bool contains(const Value& v) const {
    if (items) {
      for (const auto& item : *items)
        if (item == v || (is_number(item) && is_number(v) && number_of(item) == number_of(v))) return true;
      return false;
    }
    return is_number(v) && number_of(v) >= low && number_of(v) <= high;
  }
  std::string describe() const {
    if (!items) return "within " + show(low) + " and " + show(high);
    std::string s;
    for (const auto& item : *items) s += (s.empty() ? "" : ", ") + show(item);
    return "one of: " + s;
  }
};

std::pair<double, double> within_option(const std::string& where, const std::string& name, const Value& v) {
  if (!v.is_list() || v.as_list().size() != 2 || !is_number(v.as_list()[0]) || !is_number(v.as_list()[1]))
    bad_option(where, "validator '" + name + "' option 'in' must be a list or a range, not " + v.type_name());
  return {number_of(v.as_list()[0]), number_of(v.as_list()[1])};
}

Membership membership(const std::string& where, const std::string& name, const Value& options) {
  Membership m;
  if (options.is_list()) {
    m.items = options.as_list();
    return m;
  }
  const auto* d = dict_form(options);
  if (!d) bad_option(where, "validator '" + name + "' takes a list or {\"in\": [...]}, not " + options.type_name());
  reject_unknown(where, name, *d, {"in", "within"});
  if (const Value* in = option(*d, "in"); in && in->is_list()) {
    m.items = in->as_list();
  } else if (const Value* within = option(*d, "within")) {
    std::tie(m.low, m.high) = within_option(where, name, *within);
  } else {
    bad_option(where, "validator '" + name + "' option 'in' must be a list or a range");
  }
  return m;
}

Check compile_inclusion(const std::string& where, const Value& options) {
  auto m = membership(where, "inclusion", options);
  const std::string message = "must be " + m.describe();
  return [m = std::move(m), message](const Value& v) -> std::optional<std::string> {
    if (m.contains(v)) return std::nullopt;
    return message;
  };
}

Check compile_exclusion(const std::string& where, const Value& options) {
  auto m = membership(where, "exclusion", options);
  const std::string message = "must not be " + m.describe();
  return [m = std::move(m), message](const Value& v) -> std::optional<std::string> {
    if (!m.contains(v)) return std::nullopt;
    return message;
  };
}

// length and numeric share one shape: bounds on a number (the length, or the value itself).
struct Bounds {
  std::optional<double> min, max, gt, lt, is;
  // `subject` is a literal: the message is only built when a bound is violated.
  std::optional<std::string> violated(double x, const char* subject) const {
    if (is && x != *is) return subject + ("must be " + show(*is));
    if (min && x < *min) return subject + ("must be at least " + show(*min));
    if (max && x > *max) return subject + ("must be at most " + show(*max));
    if (gt && !(x > *gt)) return subject + ("must be greater than " + show(*gt));
    if (lt && !(x < *lt)) return subject + ("must be less than " + show(*lt));
    return std::nullopt;
  }
};

Bounds bounds(const std::string& where, const std::string& name, const Value& options, bool strict_allowed) {
  const auto* d = dict_form(options);
  if (!d) bad_option(where, "validator '" + name + "' takes a dict such as {\"min\": 1}, not " + options.type_name());
  if (strict_allowed) reject_unknown(where, name, *d, {"min", "max", "gt", "lt", "is", "within"});
  else reject_unknown(where, name, *d, {"min", "max", "is", "within"});
  Bounds b;
  auto read = [&](std::string_view key, std::optional<double>& into) {
    if (option(*d, key)) into = number_option(where, name, *d, key);
  };
  read("min", b.min);
  read("max", b.max);
  read("is", b.is);
  if (strict_allowed) {
    read("gt", b.gt);
    read("lt", b.lt);
  }
  if (const Value* within = option(*d, "within")) std::tie(b.min, b.max) = within_option(where, name, *within);
  if (!b.min && !b.max && !b.is && !b.gt && !b.lt) bad_option(where, "validator '" + name + "' needs at least one bound");
  return b;
}

Check compile_length(const std::string& where, const Value& options) {
  Bounds b = bounds(where, "length", options, false);
  return [b](const Value& v) -> std::optional<std::string> {
    const long long n = length_of(v);
    if (n < 0) return std::string("has no length");
    return b.violated(static_cast<double>(n), "length ");
  };
}

Check compile_numeric(const std::string& where, const Value& options) {
  Bounds b = bounds(where, "numeric", options, true);
  return [b](const Value& v) -> std::optional<std::string> {
    if (!is_number(v) || v.is_bool()) return std::string("must be a number");
    return b.violated(number_of(v), "");
  };
}

const std::map<std::string, Compiler, std::less<>>& builtins() {
  static const std::map<std::string, Compiler, std::less<>> table = {
      {"presence", compile_presence}, {"absence", compile_absence},     {"format", compile_format},
      {"inclusion", compile_inclusion}, {"exclusion", compile_exclusion}, {"length", compile_length},
      {"numeric", compile_numeric},
  };
  return table;
}

// User-registered validators: process-wide, like the task Registry; read only at declaration.
struct ValidatorTable {
  std::shared_mutex mutex;
  std::map<std::string, std::shared_ptr<const ValidatorFn>, std::less<>> entries;
};
ValidatorTable& registered() {
  static ValidatorTable t;
  return t;
}

std::shared_ptr<const ValidatorFn> find_registered(const std::string& name) {
  auto& t = registered();
  std::shared_lock lock(t.mutex);
  auto it = t.entries.find(name);
  return it == t.entries.end() ? nullptr : it->second;
}

}  // namespace

void register_validator(const std::string& name, ValidatorFn fn) {
  if (name.empty()) throw std::invalid_argument("a validator needs a non-empty name");
  if (builtins().count(name) || name == "validate")
    throw std::invalid_argument("'" + name + "' is a built-in validator; choose another name");
  if (!fn) throw std::invalid_argument("validator '" + name + "' needs a function");
  auto& t = registered();
  std::unique_lock lock(t.mutex);
  t.entries.insert_or_assign(name, std::make_shared<const ValidatorFn>(std::move(fn)));
}

bool has_validator(const std::string& name) { return builtins().count(name) || find_registered(name); }

Validator compile_validator(const std::string& where, const std::string& name, const Value& options, bool required) {
  Validator v;
  v.name = name;
  v.allow_none = !required;
  if (const auto* d = dict_form(options)) {
    if (const Value* allow = option(*d, "allow_none")) {
      if (!allow->is_bool()) bad_option(where, "validator '" + name + "' option 'allow_none' must be a bool, not " + allow->type_name());
      v.allow_none = allow->as_bool();
    }
    if (const Value* message = option(*d, "message")) {
      if (!message->is_string()) bad_option(where, "validator '" + name + "' option 'message' must be a str, not " + message->type_name());
      v.message = message->as_string();
    }
  }
  if (auto it = builtins().find(name); it != builtins().end()) {
    if ((name == "presence" || name == "absence") && !(options.is_bool() || options.is_dict()))
      bad_option(where, "validator '" + name + "' takes True or a dict, not " + options.type_name());
    if (const auto* d = dict_form(options); d && (name == "presence" || name == "absence")) reject_unknown(where, name, *d, {});
    v.check = it->second(where, options);
    return v;
  }
  if (name == "validate") bad_option(where, "validator 'validate' takes a function; add a Validator with a Check instead");
  auto fn = find_registered(name);
  if (!fn) {
    std::string known;
    for (const auto& [k, _] : builtins()) known += (known.empty() ? "" : ", ") + k;
    bad_option(where, "unknown validator '" + name + "' (built-in: " + known + ", validate; or register one with register_validator)");
  }
  v.check = [fn, options](const Value& value) { return (*fn)(value, options); };
  return v;
}

void run_validators(const std::vector<Validator>& validators, const Value& value, std::vector<std::string>& errors) {
  for (const auto& v : validators) {
    if (value.is_null() && v.allow_none && v.name != "presence") continue;
    if (auto problem = v.check(value)) errors.push_back(v.message.empty() ? std::move(*problem) : v.message);
  }
}

}  // namespace taskmill
