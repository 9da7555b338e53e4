// The cluster's modules, from the compiled-in capture.
#include "reemu/model/modules.hpp"

namespace reemu {

namespace {

// src/model/modules_template.json as a raw string literal (reemu_embed in
// the top-level CMakeLists.txt).
constexpr std::string_view modules_template_text =
#include "modules_template.inc"
    ;

}  // namespace

const json& modules_list() {
  // Parsed once; the text is the project's own file, so a parse failure is
  // a build defect the unit tests catch.
  static const json parsed = json::parse(modules_template_text, nullptr, false);
  return parsed;
}

const json* find_module(std::string_view uid) {
  for (const json& m : modules_list())
    if (m.is_object() && m.value("uid", std::string()) == uid) return &m;
  return nullptr;
}

}  // namespace reemu
