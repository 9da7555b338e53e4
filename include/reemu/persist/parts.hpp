// The persisted parts: the one table of what the state file keeps.
//
// Each row is one key of the state document: how to write the part, how to
// read it back, and how a change of it goes into a log record (whole, or
// entry by entry). The document (persist/document.hpp) and the log
// (persist/state_file.hpp) are driven by this table and name no part, the
// way the router is driven by the route families (app/families.hpp). A new
// stored family is one row here, and its record functions beside its type
// (database_record, node_record, task_record, user_record,
// append_action_record, plan_rule_from_record, fault_rule_from_record,
// redis_acl_record, ldap_mapping_record);
// tests/unit/persistence_roundtrip_test.cpp walks every field of
// registry_data through a save and a load, so a field no row keeps fails
// there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/faults.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/registry_data.hpp"
#include "reemu/state/services.hpp"

namespace reemu {

// What a part is written from: a registry snapshot, the services (the
// fault table, the clock) and the clock time of the save, at which what is
// no longer visible is left out.
struct part_source {
  const registry_data& data;
  const services& svc;
  double now;
};

// A state read from a document, part by part. Installed (restore_state)
// only once every part has read and the whole is checked.
struct restored_state {
  registry_data data;
  std::vector<fault_rule> faults;
  std::uint64_t next_fault_id = 1;  // at least; the fault table counts on from its rules too
  bool manual_clock = false;        // saved under a manual clock, which resumes at `now`
  double now = 0;                   // the clock's time at the save
};

// How a change of a part goes into a log record.
enum class part_logging : std::uint8_t {
  whole,     // the part's text, whole, when it changed
  by_entry,  // {"erase":[uid…],"put":[record…]}: the entries that changed
};

// The entries of a by-entry part that changed between two states, as JSON
// text, comma-separated.
struct entry_changes {
  std::string erased;  // uids of the entries gone
  std::string put;     // records of the entries new or changed
  // `list` (erased or put) with a separator appended when it is not empty:
  // where the next item goes.
  static std::string& next(std::string& list) {
    if (!list.empty()) list += ',';
    return list;
  }
};

struct persisted_part {
  std::string_view key;  // in the document and in log records
  part_logging logging;
  // Appends the part's JSON text: compact, keys sorted (dump()'s text).
  void (*write)(const part_source& from, std::string& out);
  // Reads the part into `into`; `value` is nullptr when the document has no
  // such key. The failure says what is wrong, naming the key. `svc` is the
  // state being replaced (a part may keep the config's when it is absent).
  result<> (*read)(const json* value, restored_state& into, const services& svc);
  // Whole parts: what a change is judged by, when not the text itself (a
  // real clock's time moves without a change). nullptr: the text.
  std::string (*change_mark)(const part_source& from) = nullptr;
  // By-entry parts: the entries that differ from `before` to `after`.
  void (*diff)(const registry_data& before, const registry_data& after,
               entry_changes& out) = nullptr;
  // By-entry parts: the uid of a put's record and of an erase's item, as
  // text (the replay finds entries by it); nullopt when there is none.
  std::optional<std::string> (*put_key)(const json& record) = nullptr;
  std::optional<std::string> (*erase_key)(const json& uid) = nullptr;
};

// Every part, sorted by key (the document's key order). Thread-safe.
const std::vector<persisted_part>& persisted_parts();

}  // namespace reemu
