// prepare_attributes: where a declaration's mistakes are found — at class creation, not at the
// first run — and where everything a run needs is resolved once (validators, coercions).
#include "taskmill/core/attribute.hpp"
#include "taskmill/core/coercion.hpp"
#include "taskmill/core/coercion_registry.hpp"
#include "taskmill/core/halt.hpp"

namespace taskmill {

namespace {

void prepare_one(const std::string& where, Attribute& attr);

void prepare_type(const std::string& where, Type& type) {
  if (type.kind == Type::Kind::Custom && !type.coercion) {
    type.coercion = find_coercion(type.custom);
    if (!type.coercion)
      throw DefinitionError(where + ": unknown coercion '" + type.custom + "'; register it first with register_coercion");
  }
  for (auto& arg : type.args) prepare_type(where, arg);
  if (type.kind == Type::Kind::Group) {
    if (!type.fields) throw DefinitionError(where + ": an attribute group needs fields");
    auto fields = *type.fields;
    for (auto& f : fields) prepare_one(where + "." + f.name, f);
    type.fields = std::make_shared<const std::vector<Attribute>>(std::move(fields));
  }
}

void prepare_one(const std::string& where, Attribute& attr) {
  prepare_type(where, attr.type);
  for (auto& [name, options] : attr.validations) {
    if (options.is_bool() && !options.as_bool()) continue;  // presence=False: declared off
    attr.validators.push_back(compile_validator(where, name, options, attr.required));
  }
  attr.validations.clear();  // compiled; preparing again must not add them twice
  if (!attr.default_value || attr.default_value->is_null()) return;
  // A default is an input like any other: it must coerce and pass its own validators.
  Coerced coerced = coerce(*attr.default_value, attr.type);
  if (!coerced.ok()) throw DefinitionError(where + ": default " + attr.default_value->repr() + " " + coerced.error);
  std::vector<std::string> problems;
  run_validators(attr.validators, *coerced.value, problems);
  if (!problems.empty()) throw DefinitionError(where + ": default " + attr.default_value->repr() + " " + problems.front());
}

}  // namespace

void prepare_attributes(const std::string& task, std::vector<Attribute>& attributes) {
  for (auto& attr : attributes) prepare_one(task + "." + attr.name, attr);
}

}  // namespace taskmill
