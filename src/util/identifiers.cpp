// Identifier length caps.
#include "reemu/util/identifiers.hpp"

namespace reemu {

std::optional<std::string> over_long_field(const nlohmann::json& body,
                                           std::initializer_list<field_limit> limits) {
  if (!body.is_object()) return std::nullopt;
  for (const auto& limit : limits) {
    const auto it = body.find(limit.key);
    if (it == body.end() || !it->is_string()) continue;
    const std::size_t size = it->get_ref<const std::string&>().size();
    if (size > limit.max) {
      return "'" + std::string(limit.key) + "' is " + std::to_string(size) +
             " bytes long; the limit is " + std::to_string(limit.max) + " bytes";
    }
  }
  return std::nullopt;
}

}  // namespace reemu
