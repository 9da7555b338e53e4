// Reads tests/data/ once per file and keeps the text for the whole run.
#include "captures.hpp"

#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "reemu/model/version_profile.hpp"

namespace reemu::test {

const std::string& capture(std::string_view file) {
  static std::mutex mutex;
  static std::map<std::string, std::string, std::less<>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(file); it != cache.end()) return it->second;
  const std::string path = std::string(REEMU_TEST_DATA) + "/" + std::string(file);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read golden data file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return cache.emplace(std::string(file), std::move(s)).first->second;
}

namespace {
// One element of actions_list.json, serialised back compactly: the file is
// compact and key-sorted, so this is the element's own text.
std::string list_element(const char* list) {
  const auto j = nlohmann::json::parse(capture("actions_list.json"));
  return j.at(list).at(0).dump();
}
}  // namespace

const std::string& task_capture() {
  static const std::string s = list_element("actions");
  return s;
}
const std::string& created_sm_capture() {
  static const std::string s = list_element("state-machines");
  return s;
}
const std::string& delete_sm_capture() { return capture("sm_delete_active.json"); }
const std::string& action_not_found_capture() { return capture("action_not_found.json"); }

const std::string& released_node_capture() {
  static const std::string s = [] {
    auto j = nlohmann::json::parse(capture("node_single.json"));
    j["software_version"] = newest_version_profile().software_version;
    return j.dump();
  }();
  return s;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace reemu::test
