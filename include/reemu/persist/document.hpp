// The state document: everything a restart keeps, as one JSON object whose
// keys are the persisted parts' (persist/parts.hpp) plus "format" and
// "version". Written compact with its keys sorted, so the same state gives
// the same text; read back whole and checked before anything is installed.
// A document of an older version is brought to the current shape in one
// place before any part reads it, so the parts know only the current one.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/model.hpp"
#include "reemu/persist/parts.hpp"
#include "reemu/state/services.hpp"

namespace reemu {

// Start-up error about the state file; the message names the file.
class state_file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Identifies the document and its layout; a file with another version is refused.
inline constexpr std::string_view state_format = "re-actions-emulator-state";
// Version 4 is version 3's document followed by log records (one per
// line); a version 2 or 3 file is read and rewritten as version 4 at the
// first change. Version 3 keeps each database whole (its fields, times and
// running state machine), the plan rules, the cluster-state-id and the
// highest database uid, and (since nodes came) the nodes; a file without
// "nodes" keeps the config's. A version 4 document may also hold the ids
// the next plan rule and fault rule get ("next_plan_rule_id",
// "next_fault_id"); without them the ids count on from the highest rule's.
// Version 2 (databases as uids) is still read: its databases come back with
// the template's fields. Both store each password as
// "pbkdf2-sha256$ITERATIONS$SALT$HASH"; version 1 held unsalted SHA-256
// digests and is refused with a message.
inline constexpr int state_version = 4;

// Everything a restart must keep, as the text of one JSON document (compact,
// keys sorted: the same text for the same state). Thread-safe (reads a
// registry snapshot, the fault table under its lock, the clock).
std::string capture_state(const services& svc);
// The same, appended to `out`.
void capture_state(const services& svc, std::string& out);

// Reads and checks `doc` whole (brought to the current version's shape
// first) against the rules every state keeps, changing nothing: the state
// to install, or the failure naming what is wrong (the key, the entry).
// `svc` is the state being replaced (a part absent from `doc` may keep its
// value). Thread-safe.
result<restored_state> read_state(const json& doc, const services& svc);

// Installs what read_state returned: the registry's contents (one publish),
// the fault rules, and the time of a manual clock (a real clock keeps
// running). The configured seed stays what reset() returns to. Each part
// is replaced whole; a request running meanwhile may see the new clock
// with the old registry, as during a reset.
void install_state(restored_state state, services& svc);

// read_state, then install_state. Throws state_file_error, prefixed with
// `source`, before changing anything.
void restore_state(const json& doc, services& svc, const std::string& source);

// The text of each part logged whole as of one save, by its index in
// persisted_parts(), empty for the parts logged by entry: what the next
// save's record is compared with, and what a document written later (a
// compaction) takes instead of reading the services again.
struct part_texts {
  std::vector<std::string> text;
  std::vector<std::string> mark;  // change_mark()'s, for the parts that have one
};
part_texts whole_parts_of(const part_source& from);

// Appends the document: the parts logged by entry written from `from`,
// the others taken from `whole` (of the same state), and the format and
// version, in key order.
void write_document(const part_source& from, const part_texts& whole, std::string& out);

}  // namespace reemu
