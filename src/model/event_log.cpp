// The cluster event log: recording, scheduling a plan's events, the query.
#include "reemu/model/event_log.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "reemu/model/database.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

// ---- The log ------------------------------------------------------------------

void event_log::record(logged_event e) {
  e.seq = next_seq_++;
  tail_.push_back(std::make_shared<const logged_event>(std::move(e)));
  if (tail_.size() == chunk_size) {
    chunks_.push_back(std::make_shared<const chunk>(std::move(tail_)));
    tail_ = {};
  }
  trim();
}

bool event_log::restore(logged_event e) {
  if (e.seq == 0 || e.seq < next_seq_) return false;
  next_seq_ = e.seq;
  record(std::move(e));
  return true;
}

void event_log::trim() {
  while (size() > capacity_) {
    if (chunks_.empty()) {
      tail_.erase(tail_.begin());
      continue;
    }
    if (++skip_ == chunks_.front()->size()) {
      chunks_.erase(chunks_.begin());
      skip_ = 0;
    }
  }
}

std::size_t event_log::size() const noexcept {
  return chunks_.size() * chunk_size - skip_ + tail_.size();
}

void event_log::set_capacity(std::size_t capacity) {
  capacity_ = capacity;
  trim();
}

void event_log::clear() {
  chunks_.clear();
  tail_.clear();
  skip_ = 0;
}

std::size_t event_log::drop_pending(std::string_view action_uid, double after) {
  // Rare (a cancel, a PATCH): the chunks are rebuilt from the kept events.
  std::vector<event_ptr> kept;
  std::size_t dropped = 0;
  for (std::size_t c = 0; c < chunks_.size(); ++c) {
    const chunk& items = *chunks_[c];
    for (std::size_t i = c == 0 ? skip_ : 0; i < items.size(); ++i) {
      if (items[i]->action_uid == action_uid && items[i]->time > after) {
        ++dropped;
      } else {
        kept.push_back(items[i]);
      }
    }
  }
  for (const auto& e : tail_) {
    if (e->action_uid == action_uid && e->time > after) {
      ++dropped;
    } else {
      kept.push_back(e);
    }
  }
  if (dropped == 0) return 0;
  clear();
  for (auto& e : kept) {
    tail_.push_back(std::move(e));
    if (tail_.size() == chunk_size) {
      chunks_.push_back(std::make_shared<const chunk>(std::move(tail_)));
      tail_ = {};
    }
  }
  return dropped;
}

// ---- What the writes record ---------------------------------------------------

void record_event(event_log& log, double now, std::string_view type, json extra,
                  std::string_view severity) {
  logged_event e;
  e.time = now;
  e.fields = std::move(extra);
  e.fields["type"] = std::string(type);
  e.fields["severity"] = std::string(severity);
  log.record(std::move(e));
}

namespace {

void record_at(event_log& log, const started_action& a, double time, std::string_view type,
               std::string_view severity, json extra) {
  logged_event e;
  e.time = time;
  e.action_uid = a.uid;
  e.fields = std::move(extra);
  for (const auto& [key, value] : a.ids.items()) e.fields[key] = value;
  e.fields["type"] = std::string(type);
  e.fields["severity"] = std::string(severity);
  log.record(std::move(e));
}

json action_fields(const started_action& a) {
  return {{"action_uid", a.uid}, {"action_name", a.name}, {"object_name", a.object_name}};
}

// The object's own event at the end of `a` (cluster_bdb_created after
// SMCreateBDB…), when its name has one.
void record_object_event(event_log& log, const started_action& a, double end, phase outcome,
                         const simulate_plan& plan) {
  const bool bdb = a.object_name.starts_with("bdb:");
  if (bdb && outcome == phase::completed) {
    const json named = {{"bdb_name", a.bdb_name}};
    if (a.name == "SMCreateBDB") {
      record_at(log, a, end, "cluster_bdb_created", "INFO", named);
    } else if (a.name == "SMDeleteBDB") {
      record_at(log, a, end, "cluster_bdb_deleted", "INFO", named);
    } else if (a.name == "SMUpdateBDB") {
      if (!a.old_bdb_name.empty() && a.old_bdb_name != a.bdb_name) {
        record_at(log, a, end, "bdb_name_updated", "INFO",
                  {{"old_val", a.old_bdb_name}, {"new_val", a.bdb_name}});
      }
      record_at(log, a, end, "cluster_bdb_updated", "INFO", named);
    }
    return;
  }
  if (bdb && outcome == phase::failed) {
    record_at(log, a, end, "cluster_bdb_failed", "ERROR",
              {{"bdb_name", a.bdb_name}, {"action_name", a.name}, {"error", plan.error}});
    return;
  }
  if (a.object_name.starts_with("node:")) {
    if (outcome == phase::completed && a.name == "maintenance_on") {
      record_at(log, a, end, "cluster_node_maintenance_on", "INFO", json::object());
    } else if (outcome == phase::completed && a.name == "maintenance_off") {
      record_at(log, a, end, "cluster_node_maintenance_off", "INFO", json::object());
    } else if (a.name == "remove_node" && outcome == phase::completed) {
      record_at(log, a, end, "cluster_node_remove_completed", "INFO", json::object());
    } else if (a.name == "remove_node" && outcome == phase::failed) {
      record_at(log, a, end, "cluster_node_remove_failed", "ERROR", json::object());
    }
  }
}

// The events of `a` due after `after` (all of them: -forever).
void schedule_after(event_log& log, const started_action& a, const simulate_plan& plan,
                    double started_at, double after) {
  const double run_start = started_at + plan.pending_seconds + plan.starting_seconds;
  // Where the plan ends: evaluated far past any end it can have.
  const live_state last = evaluate(plan, started_at, forever);
  const double end = last.ended_at;
  if (run_start > after && run_start < end) {
    record_at(log, a, run_start, "cluster_action_started", "INFO", action_fields(a));
  }
  if (!(end > after) || !std::isfinite(end)) return;
  json fields = action_fields(a);
  switch (last.phase) {
    case phase::completed:
      record_at(log, a, end, "cluster_action_completed", "INFO", fields);
      break;
    case phase::failed:
      fields["error"] = plan.error;
      record_at(log, a, end, "cluster_action_failed", "ERROR", fields);
      break;
    case phase::cancelled:
      record_at(log, a, end, "cluster_action_cancelled", "WARNING", fields);
      break;
    default:
      return;
  }
  record_object_event(log, a, end, last.phase, plan);
}

}  // namespace

void schedule_action_events(event_log& log, const started_action& a, const simulate_plan& plan,
                            double started_at) {
  schedule_after(log, a, plan, started_at, -forever);
}

void reschedule_action_events(event_log& log, const started_action& a, const simulate_plan& plan,
                              double started_at, double now) {
  log.drop_pending(a.uid, now);
  schedule_after(log, a, plan, started_at, now);
}

// ---- GET /v1/logs ----------------------------------------------------------

std::optional<double> parse_iso_time(std::string_view s) {
  using namespace std::chrono;
  // YYYY-MM-DD, then optionally THH:MM[:SS[.fraction]] and Z or ±HH:MM.
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = parse_number<int>(s.substr(0, 4));
  const auto mo = parse_number<unsigned>(s.substr(5, 2));
  const auto d = parse_number<unsigned>(s.substr(8, 2));
  if (!y || !mo || !d) return std::nullopt;
  const year_month_day ymd{year{*y}, month{*mo}, day{*d}};
  if (!ymd.ok()) return std::nullopt;
  double t = static_cast<double>(sys_seconds{sys_days{ymd}}.time_since_epoch().count());
  std::string_view rest = s.substr(10);
  if (rest.empty()) return t;
  if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') return std::nullopt;
  rest.remove_prefix(1);
  const auto two = [&](int max) -> std::optional<int> {
    if (rest.size() < 2) return std::nullopt;
    const auto v = parse_number<int>(rest.substr(0, 2));
    rest.remove_prefix(2);
    if (!v || *v > max) return std::nullopt;
    return v;
  };
  const auto h = two(23);
  if (!h || rest.empty() || rest[0] != ':') return std::nullopt;
  rest.remove_prefix(1);
  const auto mi = two(59);
  if (!mi) return std::nullopt;
  t += *h * 3600.0 + *mi * 60.0;
  if (!rest.empty() && rest[0] == ':') {
    rest.remove_prefix(1);
    const auto sec = two(60);
    if (!sec) return std::nullopt;
    t += *sec;
    if (!rest.empty() && (rest[0] == '.' || rest[0] == ',')) {
      rest.remove_prefix(1);
      std::size_t n = 0;
      double scale = 0.1;
      while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
        t += (rest[n] - '0') * scale;
        scale /= 10;
        ++n;
      }
      if (n == 0) return std::nullopt;
      rest.remove_prefix(n);
    }
  }
  if (rest.empty() || rest == "Z" || rest == "z") return t;
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return std::nullopt;
  const int sign = rest[0] == '+' ? 1 : -1;
  rest.remove_prefix(1);
  const auto oh = two(23);
  if (!oh) return std::nullopt;
  rest.remove_prefix(1);
  const auto om = two(59);
  if (!om || !rest.empty()) return std::nullopt;
  // 10:00+02:00 is 08:00Z.
  return t - sign * (*oh * 3600.0 + *om * 60.0);
}

json render_events(const event_log& log, const log_query& q, double now) {
  std::vector<const logged_event*> due;
  due.reserve(log.size());
  log.for_each([&](const logged_event& e) {
    if (e.time > now) return;  // scheduled by a plan, not happened yet
    // Compared as shown: whole seconds.
    const double shown = std::floor(e.time);
    if (q.stime && shown < *q.stime) return;
    if (q.etime && shown > *q.etime) return;
    due.push_back(&e);
  });
  std::stable_sort(due.begin(), due.end(),
                   [](const logged_event* a, const logged_event* b) { return a->time < b->time; });
  if (q.descending) std::reverse(due.begin(), due.end());
  json out = json::array();
  const std::size_t first = std::min(q.offset, due.size());
  const std::size_t count = std::min(due.size() - first, q.limit.value_or(due.size()));
  for (std::size_t i = first; i < first + count; ++i) {
    json e = due[i]->fields;
    e["time"] = rfc3339(due[i]->time);
    out.push_back(std::move(e));
  }
  return out;
}

validity due_validity(const event_log& log, double now) {
  validity v;
  log.for_each([&](const logged_event& e) {
    if (e.time > now) {
      v.narrow(-forever, e.time);
    } else {
      v.narrow(e.time, forever);
    }
  });
  return v;
}

json event_record(const logged_event& e) {
  json r = {{"seq", e.seq}, {"time", number_value(e.time)}, {"fields", e.fields}};
  if (!e.action_uid.empty()) r["action_uid"] = e.action_uid;
  return r;
}

result<logged_event> event_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"seq", "time", "action_uid", "fields"});
  const auto seq = r.unsigned_integer("seq", std::uint64_t{1} << 53, true);
  const auto time = r.time("time", true);
  const auto action_uid = r.string("action_uid");
  const json* fields = r.object("fields", true);
  if (r.failed()) return r.error();
  if (*seq == 0) return failure{api_error::invalid_value, "'" + where + ".seq' must be >= 1"};
  const auto type = fields->find("type");
  if (type == fields->end() || !type->is_string() || fields->contains("time")) {
    return failure{api_error::invalid_value,
                   "'" + where + ".fields' must hold a string \"type\" and no \"time\""};
  }
  logged_event e;
  e.seq = *seq;
  e.time = *time;
  if (action_uid) e.action_uid = *action_uid;
  e.fields = *fields;
  return e;
}

}  // namespace reemu
