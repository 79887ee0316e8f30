#include "taskmill/core/type.hpp"

namespace taskmill {

std::string Type::name() const {
  switch (kind) {
    case Kind::Any: return "Any";
    case Kind::Str: return "str";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::Bool: return "bool";
    case Kind::Dict: return "dict";
    case Kind::Decimal: return "Decimal";
    case Kind::Date: return "date";
    case Kind::DateTime: return "datetime";
    case Kind::Time: return "time";
    case Kind::List: return args.empty() ? "list" : "list[" + args[0].name() + "]";
    case Kind::Optional: return "Optional[" + args.at(0).name() + "]";
    case Kind::Union: {
      std::string s = "Union[";
      for (std::size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i].name();
      return s + "]";
    }
    case Kind::Custom: return custom;
    case Kind::Group: return "group";
  }
  return "?";
}

bool Type::accepts_none() const {
  if (kind == Kind::Any || kind == Kind::Optional) return true;
  if (kind == Kind::Union) {
    for (const auto& option : args)
      if (option.accepts_none()) return true;
  }
  return false;
}

}  // namespace taskmill
