// A record of the state log: what changed between two saves, as one JSON
// object whose keys are persisted parts (persist/parts.hpp). A part logged
// whole holds its new text; a part logged by entry holds
// {"erase":[uid...],"put":[record...]}, a put replacing the entry with its
// uid or coming last. Made by diffing two saved states, applied to a
// document at the level of its JSON; the log (persist/state_file.hpp)
// writes and reads the lines.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "reemu/model/model.hpp"
#include "reemu/model/registry_data.hpp"
#include "reemu/persist/document.hpp"

namespace reemu {

// The record of what changed from (`before`, `was`) to (`after`, `is`), as
// one line of JSON without its newline; empty when nothing a restart keeps
// changed. A whole part is in it when its text (or change mark) differs; a
// by-entry part when an entry was erased, added or replaced.
std::string record_text(const registry_data& before, const part_texts& was,
                        const registry_data& after, const part_texts& is);

// Applies records to a state document: an entry of a by-entry part erased
// or put by uid, a whole part replaced. restore_state then checks the
// result as it checks any document. Not thread-safe; `doc` must outlive it.
class record_replay {
 public:
  explicit record_replay(json& doc);

  // Applies one record. Throws state_file_error, prefixed with `where`,
  // for a record of the wrong shape (not an object, a key that is no part,
  // an erase or a put without its uid).
  void apply(const json& record, const std::string& where);

  // Closes the gaps erased entries left. Once, after the last record.
  void finish();

 private:
  using positions = std::unordered_map<std::string, std::size_t>;

  json& doc_;
  std::vector<positions> at_;  // by part: where each entry's uid is in its list
};

}  // namespace reemu
