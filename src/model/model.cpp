// Small helpers over the model types.
#include "reemu/model/model.hpp"

#include "reemu/util/number.hpp"

namespace reemu {

std::string_view to_string(action_kind k) noexcept {
  return k == action_kind::task ? "task" : "state-machine";
}

std::optional<std::pair<std::string_view, std::string_view>> split_object_name(
    std::string_view object_name) noexcept {
  const auto colon = object_name.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return std::pair{object_name.substr(0, colon), object_name.substr(colon + 1)};
}

std::optional<std::uint64_t> bdb_of(std::string_view object_name) {
  auto parts = split_object_name(object_name);
  if (!parts || parts->first != "bdb") return std::nullopt;
  const auto uid = parse_number<std::uint64_t>(parts->second);
  if (!uid || *uid == 0 || *uid > max_bdb_uid) return std::nullopt;
  return uid;
}

}  // namespace reemu
