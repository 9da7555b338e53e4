// The state document, written and read through the table of persisted parts.
#include "reemu/persist/document.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "reemu/model/invariants.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/fault_table.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

namespace {

failure refused(std::string message) {
  return failure{api_error::invalid_value, std::move(message)};
}

// The document's keys in order: the parts' and the document's own two.
struct document_key {
  std::string_view key;
  const persisted_part* part;  // nullptr: "format" or "version"
};

const std::vector<document_key>& document_keys() {
  static const std::vector<document_key> keys = [] {
    std::vector<document_key> out = {{"format", nullptr}, {"version", nullptr}};
    for (const auto& part : persisted_parts()) out.push_back({part.key, &part});
    std::sort(out.begin(), out.end(),
              [](const document_key& a, const document_key& b) { return a.key < b.key; });
    return out;
  }();
  return keys;
}

// ---- Older versions ----------------------------------------------------------
//
// The one place that knows them. Each is brought to the current shape as
// JSON, and the parts then read it as they read a current document.

// Version 2 kept the databases as uids, and had no plans, counters, nodes or
// cluster actions (absent, the parts start those afresh or, for the nodes,
// keep the config's).
result<> upgrade_from_version_2(json& doc, const services& svc) {
  object_reader top(doc);
  top.only({"format", "version", "clock", "users", "databases", "actions", "faults"});
  if (top.failed()) return top.error();
  // The databases come back with the template's fields, made at the saved
  // time, each on a port the ones before it left free.
  double now = 0;  // a clock that is not one: the clock part refuses the file anyway
  if (const auto clock = doc.find("clock"); clock != doc.end() && clock->is_object()) {
    if (const auto t = clock->find("now"); t != clock->end() && t->is_number())
      now = t->get<double>();
  }
  const auto uids = doc.find("databases");
  if (uids == doc.end() || !uids->is_array()) return {};  // the databases part names the problem
  registry_data made;
  json records = json::array();
  for (std::size_t i = 0; i < uids->size(); ++i) {
    const json& uid = (*uids)[i];
    if (!uid.is_number_unsigned() || uid.get<std::uint64_t>() == 0 ||
        uid.get<std::uint64_t>() > UINT32_MAX) {
      return refused("'databases[" + std::to_string(i) +
                     "]' must be a database uid (a whole number >= 1)");
    }
    database db = database_from_object(json{{"uid", uid}}, now, made, svc.cluster);
    records.push_back(database_record(db));
    made.put_database(std::move(db));
  }
  *uids = std::move(records);
  doc["plans"] = json::array();
  return {};
}

// `doc` in the current version's shape: `doc` itself, or `upgraded` made
// from it. Fails for what is no state document, version 1 and versions this
// build does not know.
result<const json*> current_shape(const json& doc, const services& svc, json& upgraded) {
  if (!doc.is_object()) return refused("not a state document (it is not a JSON object)");
  const auto format = doc.find("format");
  if (format == doc.end() || *format != state_format) {
    return refused("not a state document ('format' is not \"" + std::string(state_format) + "\")");
  }
  const auto version = doc.find("version");
  if (version != doc.end() && *version == 1) {
    return refused(
        "state file version 1 holds unsalted SHA-256 password digests, which this build no "
        "longer reads; move the file away to start from the config's seed (users come back "
        "from the config, with salted hashes)");
  }
  if (version == doc.end() || !version->is_number_unsigned() || *version < 2 ||
      *version > state_version) {
    return refused("state file version " + (version == doc.end() ? "missing" : dump(*version)) +
                   ", this build reads versions 2 to " + std::to_string(state_version));
  }
  if (*version == state_version) return &doc;
  upgraded = doc;
  if (*version == 2) {
    if (auto ok = upgrade_from_version_2(upgraded, svc); !ok) return ok.error();
  }
  upgraded["version"] = state_version;  // version 3's document is version 4's
  return &upgraded;
}

}  // namespace

part_texts whole_parts_of(const part_source& from) {
  const auto& parts = persisted_parts();
  part_texts out;
  out.text.resize(parts.size());
  out.mark.resize(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].logging != part_logging::whole) continue;
    parts[i].write(from, out.text[i]);
    if (parts[i].change_mark) out.mark[i] = parts[i].change_mark(from);
  }
  return out;
}

void write_document(const part_source& from, const part_texts& whole, std::string& out) {
  const persisted_part* first = persisted_parts().data();
  char separator = '{';
  for (const auto& [key, part] : document_keys()) {
    out += separator;
    separator = ',';
    out += '"';
    out += key;
    out += "\":";
    if (!part) {
      out += key == "format" ? dump(json(state_format)) : std::to_string(state_version);
    } else if (part->logging == part_logging::whole) {
      out += whole.text[static_cast<std::size_t>(part - first)];
    } else {
      part->write(from, out);
    }
  }
  out += '}';
}

void capture_state(const services& svc, std::string& out) {
  const auto snap = svc.registry.snapshot();
  const part_source from{snap->data(), svc, svc.clock.now()};
  write_document(from, whole_parts_of(from), out);
}

std::string capture_state(const services& svc) {
  std::string out;
  capture_state(svc, out);
  return out;
}

result<restored_state> read_state(const json& doc, const services& svc) {
  json upgraded;
  const auto shaped = current_shape(doc, svc, upgraded);
  if (!shaped) return shaped.error();
  const json& current = **shaped;
  std::vector<std::string_view> known;
  for (const auto& k : document_keys()) known.push_back(k.key);
  object_reader top(current);
  top.only(known);
  if (top.failed()) return top.error();

  restored_state state;
  for (const auto& part : persisted_parts()) {
    const auto it = current.find(part.key);
    if (auto read = part.read(it == current.end() ? nullptr : &*it, state, svc); !read)
      return read.error();
  }
  // The rules the writes keep (model/invariants.hpp): what they accept loads.
  if (auto ok = check_state(state.data, state.now); !ok) return ok.error();
  return state;
}

void install_state(restored_state state, services& svc) {
  // A manual clock resumes where it stood, so the saved lifecycles continue
  // from the same instant. Saved under a real clock, or restored into one,
  // the timeline is the wall clock's and needs nothing.
  if (state.manual_clock) svc.clock.set(state.now);
  svc.registry.replace_all(std::move(state.data));
  svc.faults.restore(std::move(state.faults), state.next_fault_id);
}

void restore_state(const json& doc, services& svc, const std::string& source) {
  // Everything is read and checked before anything is installed.
  auto state = read_state(doc, svc);
  if (!state) throw state_file_error(source + ": " + state.error().description);
  install_state(std::move(*state), svc);
}

}  // namespace reemu
