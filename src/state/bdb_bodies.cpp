// Rendered databases and the database list, cached.
#include "reemu/state/bdb_bodies.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace reemu {

namespace {

// A list body: the texts it shows and the runs of bytes that make it.
struct list_parts {
  std::vector<std::shared_ptr<const std::string>> texts;
  std::vector<std::string_view> runs;
};

// Up to this size a list body is one string: sending a few dozen small
// runs costs more per request (buffer-sequence walks) than copying them
// once per change.
constexpr std::size_t joined_list_bytes = std::size_t{64} << 10;

// [text,text,…]: one string when small, else runs viewing the texts, which
// the result keeps alive.
shared_bytes join(std::vector<std::shared_ptr<const std::string>> texts) {
  std::size_t total = 2 + (texts.empty() ? 0 : texts.size() - 1);
  for (const auto& t : texts) total += t->size();
  if (total <= joined_list_bytes) {
    auto whole = std::make_shared<std::string>();
    whole->reserve(total);
    *whole += '[';
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if (i > 0) *whole += ',';
      *whole += *texts[i];
    }
    *whole += ']';
    return shared_bytes(std::shared_ptr<const std::string>(std::move(whole)));
  }
  auto parts = std::make_shared<list_parts>();
  parts->texts = std::move(texts);
  auto& runs = parts->runs;
  runs.reserve(parts->texts.size() * 2 + 1);
  runs.emplace_back("[");
  for (const auto& t : parts->texts) {
    if (runs.size() > 1) runs.emplace_back(",");
    runs.emplace_back(*t);
  }
  runs.emplace_back("]");
  const auto* view = &parts->runs;
  return shared_bytes(std::shared_ptr<const std::vector<std::string_view>>(std::move(parts), view));
}

}  // namespace

validity bdb_validity(const database& db, double now) noexcept {
  validity v;
  if (db.op) {
    const live_state live = evaluate(db.op->plan, db.op->started_at, now);
    v.narrow(live.valid_from, live.valid_until);
  }
  return v;
}

bdb_cache::entry bdb_cache::render(const std::shared_ptr<const database>& db, double now) {
  entry e{db, nullptr, bdb_validity(*db, now)};
  if (view_of(*db, now).visible)
    e.text = std::make_shared<const std::string>(dump(render_bdb(*db, now)));
  return e;
}

const bdb_cache::entry* bdb_cache::cached(const std::shared_ptr<const database>& db,
                                          double now) const {
  const auto it = by_uid_.find(db->uid);
  if (it == by_uid_.end() || !same_object(it->second.of, db) || !it->second.valid.holds_at(now))
    return nullptr;
  return &it->second;
}

void bdb_cache::prune(const database_map& dbs) {
  if (by_uid_.size() <= 2 * dbs.size() + 64) return;
  std::erase_if(by_uid_, [&](const auto& kv) {
    const auto it = dbs.find(kv.first);
    return it == dbs.end() || !same_object(kv.second.of, it->second);
  });
}

std::shared_ptr<const std::string> bdb_cache::one(const snapshot_ptr& snap, std::uint64_t uid,
                                                  double now) {
  const database_map& dbs = snap->data().databases;
  const auto it = dbs.find(uid);
  if (it == dbs.end()) return nullptr;
  const std::shared_ptr<const database>& db = it->second;
  {
    std::lock_guard lock(mutex_);
    if (const entry* e = cached(db, now)) return e->text;
  }
  entry fresh = render(db, now);  // outside the lock: two threads may both render, once each
  auto text = fresh.text;
  entry old;  // freed on return, outside the lock
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(by_uid_[uid], std::move(fresh));
    prune(dbs);
  }
  return text;
}

shared_bytes bdb_cache::list(const snapshot_ptr& snap, double now) {
  const database_map& dbs = snap->data().databases;
  std::vector<entry> found(dbs.size());
  {
    std::lock_guard lock(mutex_);
    if (list_.body && same_object(list_.of, snap) && list_.valid.holds_at(now)) return list_.body;
    std::size_t i = 0;
    for (const auto& [uid, db] : dbs) {
      if (const entry* e = cached(db, now)) found[i] = *e;
      ++i;
    }
  }
  // Outside the lock: render the databases no entry holds for, then keep
  // exactly the databases of this snapshot (a deleted one is forgotten).
  std::unordered_map<std::uint64_t, entry> next;
  next.reserve(dbs.size());
  validity valid;
  std::vector<std::shared_ptr<const std::string>> shown;
  shown.reserve(dbs.size());
  std::size_t i = 0;
  for (const auto& [uid, db] : dbs) {
    entry e = found[i].of.expired() ? render(db, now) : std::move(found[i]);
    valid.narrow(e.valid.from, e.valid.until);
    if (e.text) shown.push_back(e.text);
    next.emplace(uid, std::move(e));
    ++i;
  }
  shared_bytes body = join(std::move(shown));
  shared_bytes old_body;
  {
    std::lock_guard lock(mutex_);
    std::swap(by_uid_, next);  // the old entries are freed on return, outside the lock
    list_.of = snap;
    old_body = std::exchange(list_.body, body);
    list_.valid = valid;
  }
  return body;
}

}  // namespace reemu
