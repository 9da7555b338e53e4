// Log records: made by diffing two saves, applied by uid and key.
#include "reemu/persist/record.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/persist/parts.hpp"

namespace reemu {

namespace {

[[noreturn]] void bad_record(const std::string& where, const std::string& message) {
  throw state_file_error(where + ": " + message);
}

using key_fn = std::optional<std::string> (*)(const json&);

// Applies a by-entry part's change to its list, `at` locating each entry
// by uid.
void apply_entries(const json& change, const std::string& where, json& list,
                   std::unordered_map<std::string, std::size_t>& at, key_fn put_key,
                   key_fn erase_key) {
  if (!list.is_array()) bad_record(where, "the document has no list to change");
  object_reader r(change, where);
  r.only({"erase", "put"});
  if (r.failed()) bad_record(where, r.error().description);
  if (const auto e = change.find("erase"); e != change.end()) {
    if (!e->is_array()) bad_record(where, "'erase' must be an array");
    for (const json& uid : *e) {
      const auto k = erase_key(uid);
      if (!k) bad_record(where, "'erase' holds " + dump(uid) + ", not a uid");
      // Absent: an entry the document left out because it was no longer visible.
      if (const auto it = at.find(*k); it != at.end()) {
        list[it->second] = nullptr;
        at.erase(it);
      }
    }
  }
  if (const auto p = change.find("put"); p != change.end()) {
    if (!p->is_array()) bad_record(where, "'put' must be an array");
    for (const json& entry : *p) {
      auto k = put_key(entry);
      if (!k) bad_record(where, "'put' holds an entry without its uid");
      if (const auto it = at.find(*k); it != at.end()) {
        list[it->second] = entry;
      } else {
        at.emplace(std::move(*k), list.size());
        list.push_back(entry);
      }
    }
  }
}

}  // namespace

// One log record: what changed from (`before`, `was`) to (`after`, `is`),
// as one line of JSON without its newline; empty when nothing a restart
// keeps changed. Keys in the parts' order, which is the sorted order.
std::string record_text(const registry_data& before, const part_texts& was,
                        const registry_data& after, const part_texts& is) {
  const auto& parts = persisted_parts();
  std::string out;
  const auto begin_key = [&](std::string_view key) {
    out += out.empty() ? "{\"" : ",\"";
    out += key;
    out += "\":";
  };
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const persisted_part& part = parts[i];
    if (part.logging == part_logging::by_entry) {
      entry_changes c;
      part.diff(before, after, c);
      if (c.erased.empty() && c.put.empty()) continue;
      begin_key(part.key);
      out += '{';
      if (!c.erased.empty()) {
        out += "\"erase\":[";
        out += c.erased;
        out += ']';
      }
      if (!c.put.empty()) {
        out += c.erased.empty() ? "\"put\":[" : ",\"put\":[";
        out += c.put;
        out += ']';
      }
      out += '}';
    } else {
      const auto& now = part.change_mark ? is.mark : is.text;
      const auto& then = part.change_mark ? was.mark : was.text;
      if (now[i] == then[i]) continue;
      begin_key(part.key);
      out += is.text[i];
    }
  }
  if (!out.empty()) out += '}';
  return out;
}

record_replay::record_replay(json& doc) : doc_(doc), at_(persisted_parts().size()) {
  const auto& parts = persisted_parts();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].logging != part_logging::by_entry) continue;
    const auto list = doc_.find(parts[i].key);
    if (list == doc_.end() || !list->is_array()) continue;  // restore_state names the problem
    for (std::size_t e = 0; e < list->size(); ++e)
      if (auto k = parts[i].put_key((*list)[e])) at_[i].emplace(std::move(*k), e);
  }
}

void record_replay::apply(const json& record, const std::string& where) {
  if (!record.is_object()) bad_record(where, "a log record must be a JSON object");
  const auto& parts = persisted_parts();
  for (const auto& item : record.items()) {
    const std::string& key = item.key();
    const json& value = item.value();
    const auto part = std::find_if(parts.begin(), parts.end(),
                                   [&](const persisted_part& p) { return p.key == key; });
    if (part == parts.end()) bad_record(where, "'" + key + "' is not a part of the state");
    if (part->logging == part_logging::whole) {
      doc_[key] = value;
    } else {
      apply_entries(value, where + "." + key, doc_[key],
                    at_[static_cast<std::size_t>(part - parts.begin())], part->put_key,
                    part->erase_key);
    }
  }
}

void record_replay::finish() {
  for (const auto& part : persisted_parts()) {
    if (part.logging != part_logging::by_entry) continue;
    json& list = doc_[part.key];
    json kept = json::array();
    kept.get_ref<json::array_t&>().reserve(list.size());
    for (json& e : list)
      if (!e.is_null()) kept.push_back(std::move(e));
    list = std::move(kept);
  }
}

}  // namespace reemu
