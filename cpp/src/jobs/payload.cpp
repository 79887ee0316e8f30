#include "taskmill/jobs/payload.hpp"

#include <chrono>
#include <cmath>
#include <random>

#include "taskmill/core/halt.hpp"
#include "taskmill/core/middlewares.hpp"
#include "taskmill/core/run.hpp"
#include "taskmill/core/registry.hpp"

namespace taskmill::jobs {

std::string new_jid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(24, '0');
  std::uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i) out[static_cast<std::size_t>(i)] = hex[(a >> (4 * i)) & 0xf];
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(16 + i)] = hex[(b >> (4 * i)) & 0xf];
  return out;
}

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::optional<double> read_time(const nlohmann::json& field) {
  if (field.is_number_float()) return field.get<double>();
  if (field.is_number_integer()) {
    const auto v = field.get<std::int64_t>();
    return v > 100'000'000'000LL ? static_cast<double>(v) / 1000.0 : static_cast<double>(v);
  }
  return std::nullopt;
}

std::string_view non_finite_name(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return {};
}

std::vector<Value> positional_args(const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs) {
  const auto& attrs = spec.attributes;
  if (args.size() > attrs.size())
    throw ArgumentError(spec.name + " takes " + std::to_string(attrs.size()) + " positional argument" +
                        (attrs.size() == 1 ? "" : "s") + " but " + std::to_string(args.size()) + " were given");
  const std::size_t given = args.size();
  for (auto& [name, value] : kwargs) {
    const int i = spec.attribute_index(name);
    if (i < 0) throw ArgumentError(spec.name + " got an unexpected keyword argument '" + name + "'");
    const auto index = static_cast<std::size_t>(i);
    if (index < given)
      throw ArgumentError(spec.name + " got multiple values for argument '" + name + "'");
    if (args.size() <= index) args.resize(index + 1);
    args[index] = std::move(value);
  }
  return args;
}

namespace {

// Where the first value inside `v` that JSON cannot carry is, and what it is.
struct NonJson {
  std::string path;
  std::string what;  // "of type 'set'", "the float nan", ...
};

std::optional<NonJson> first_non_json(const Value& v, const std::string& path) {
  switch (v.kind()) {
    case Value::Kind::Null:
    case Value::Kind::Bool:
    case Value::Kind::Int:
    case Value::Kind::String: return std::nullopt;
    case Value::Kind::Float: {
      // JSON has no NaN or Infinity: the encoder would write null, silently changing the value.
      const double d = v.as_float();
      if (std::isfinite(d)) return std::nullopt;
      return NonJson{path, "the float " + std::string(non_finite_name(d)) + ", which JSON cannot represent"};
    }
    case Value::Kind::List: {
      const auto& l = v.as_list();
      for (std::size_t i = 0; i < l.size(); ++i)
        if (auto bad = first_non_json(l[i], path + "[" + std::to_string(i) + "]")) return bad;
      return std::nullopt;
    }
    case Value::Kind::Dict:
      for (const auto& [k, item] : v.as_dict())
        if (auto bad = first_non_json(item, path + "[\"" + k + "\"]")) return bad;
      return std::nullopt;
    default: {
      const std::string type = v.type_name();
      // An int reaches here only when it does not fit 64 bits, a dict only when a key is not a str
      // (the binding keeps both as Python objects).
      if (type == "int") return NonJson{path, "an int beyond the 64-bit range"};
      if (type == "dict") return NonJson{path, "a dict with a key that is not a str"};
      return NonJson{path, "of type '" + type + "'"};
    }
  }
}

}  // namespace

void check_json_args(const TaskSpec& spec, const std::vector<Value>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (auto bad = first_non_json(args[i], "args[" + std::to_string(i) + "]")) {
      const std::string attr = i < spec.attributes.size() ? spec.attributes[i].name : "?";
      throw ArgumentError(spec.name + ": argument '" + attr + "' is not JSON-native: " + bad->path + " is " +
                          bad->what + " (job arguments must be str, int (64-bit), finite float, bool, None, list "
                          "or dict with str keys)");
    }
  }
}

Payload payload_from(const Value& v) {
  if (auto bad = first_non_json(v, "payload"))
    throw ArgumentError("the payload is not JSON: " + bad->path + " is " + bad->what);
  if (!v.is_dict()) throw ArgumentError("a payload must be a dict with str keys, not " + v.type_name());
  return v.to_json();
}

Payload build_payload(const TaskSpec& spec, const std::vector<Value>& args, const JobOptions& options, double now) {
  const TaskOptions& o = spec.options;
  Payload p = Payload::object();
  p["class"] = spec.name;
  Payload list = Payload::array();
  for (const auto& a : args) list.push_back(a.to_json());
  p["args"] = std::move(list);
  p["jid"] = new_jid();
  p["queue"] = options.queue.value_or(o.queue);
  p["retry"] = options.retry.value_or(o.retry).to_json();
  p["created_at"] = now;
  if (auto rq = options.retry_queue ? options.retry_queue : o.retry_queue) p["retry_queue"] = *rq;
  if (!options.dead.value_or(o.dead)) p["dead"] = false;
  const Value bt = options.backtrace.value_or(o.backtrace);
  if (!(bt.is_bool() && !bt.as_bool())) p["backtrace"] = bt.to_json();
  const auto& tags = options.tags ? *options.tags : o.tags;
  if (!tags.empty()) p["tags"] = tags;
  // Enqueued during a run that has a correlation id (the Correlate middleware): the job carries
  // it, and Correlate in the worker takes it up, so one request can be followed across jobs.
  if (const Run* run = Run::current()) {
    std::string id = middlewares::correlation_id(*run);
    if (!id.empty()) p["correlation_id"] = std::move(id);
  }
  return p;
}

PayloadFields scan_payload(const Payload& p) {
  PayloadFields f;
  if (!p.is_object()) return f;
  f.is_object = true;
  for (auto it = p.begin(); it != p.end(); ++it) {
    const std::string_view k = it.key();  // compares length first: cheaper than strcmp
    const nlohmann::json* v = &it.value();
    if (k == std::string_view("class")) f.cls = v;
    else if (k == std::string_view("args")) f.args = v;
    else if (k == std::string_view("jid")) f.jid = v;
    else if (k == std::string_view("queue")) f.queue = v;
    else if (k == std::string_view("retry_count")) f.retry_count = v;
  }
  return f;
}

std::string malformed_reason(const PayloadFields& f) {
  if (!f.is_object) return "the payload is not a JSON object";
  if (!f.cls || !f.cls->is_string() || f.cls->get_ref<const std::string&>().empty())
    return "the payload has no 'class' (a non-empty string naming the task)";
  if (!f.args || !f.args->is_array()) return "the payload's 'args' is missing or not an array";
  if (!f.jid || !f.jid->is_string()) return "the payload's 'jid' is missing or not a string";
  if (f.queue && !(f.queue->is_string() && !f.queue->get_ref<const std::string&>().empty()))
    return "the payload's 'queue' is not a non-empty string";
  if (f.retry_count && !f.retry_count->is_number_integer()) return "the payload's 'retry_count' is not an integer";
  return {};
}

std::string_view queue_name(const Payload& p) {
  if (p.is_object())
    if (auto it = p.find("queue"); it != p.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
      return it->get_ref<const std::string&>();
  return "default";
}

std::string malformed_reason(const Payload& p) { return malformed_reason(scan_payload(p)); }

Payload complete_payload(Payload raw, double now) {
  if (!raw.is_object()) throw ArgumentError("push() takes a payload dict");
  if (!raw.contains("jid")) raw["jid"] = new_jid();
  if (!raw.contains("created_at")) raw["created_at"] = now;
  const std::string reason = malformed_reason(raw);
  if (!reason.empty()) throw ArgumentError("push(): " + reason);
  auto spec = Registry::global().find(raw["class"].get_ref<const std::string&>());
  if (!raw.contains("queue")) raw["queue"] = spec ? spec->options.queue : std::string("default");
  if (!raw.contains("retry")) raw["retry"] = spec ? spec->options.retry.to_json() : Payload(true);
  const auto& r = raw["retry"];
  if (!r.is_boolean() && !(r.is_number_integer() && r.get<std::int64_t>() >= 0))
    throw ArgumentError("push(): 'retry' must be true, false or an integer >= 0");
  if (auto t = read_time(raw["created_at"])) raw["created_at"] = *t;
  return raw;
}

}  // namespace taskmill::jobs
