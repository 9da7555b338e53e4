// Built-in templates: realistic plans for the action names real clusters
// show, so {"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3"}
// is a complete request.
#pragma once

#include <span>
#include <string_view>

#include "reemu/model/model.hpp"

namespace reemu {

struct action_template {
  std::string_view name;
  action_kind kind;
  simulate_plan plan;
};

// The template named `name` (case-sensitive, as on the wire), or nullptr.
const action_template* find_template(std::string_view name) noexcept;

// Every template, for documentation and the control API's listing.
std::span<const action_template> all_templates() noexcept;

}  // namespace reemu
