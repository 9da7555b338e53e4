// List bodies, made of per-chunk pieces, and their cache.
#include "reemu/state/list_bodies.hpp"

namespace reemu {

namespace {

// Appends `text` to `out`, after a comma unless `out` is empty.
void append_item(std::string& out, std::string_view text) {
  if (!out.empty()) out.push_back(',');
  out += text;
}

// One chunk's share of the v1 list: its tasks and its state machines, each
// comma-joined without brackets. Static actions cost one memcpy each.
list_piece render_v1_piece(const action_store::chunk& c, double now) {
  list_piece p;
  for (const auto& s : c) {
    const action& a = *s.value;
    if (!listed_in_v1(a) || !is_visible(a, now, &p.valid)) continue;
    std::string& out = a.kind == action_kind::task ? p.first : p.second;
    if (const auto* text = a.static_v1()) {
      append_item(out, **text);
    } else {
      append_item(out, dump(render_v1(a, now, &p.valid)));
    }
  }
  return p;
}

// One chunk's share of the v2 list, in `first`.
list_piece render_v2_piece(const action_store::chunk& c, double now) {
  list_piece p;
  for (const auto& s : c) {
    const action& a = *s.value;
    if (!is_visible(a, now, &p.valid)) continue;
    append_item(p.first, dump(render_v2(a, now, &p.valid)));
  }
  return p;
}

// A list body: the pieces it shows and the runs of bytes that make it, in
// order (views into the pieces and into static separators).
struct list_body_parts {
  std::vector<std::shared_ptr<const list_piece>> pieces;
  std::vector<std::string_view> runs;
};

// `pieces` as one list: v1 as {"actions":[firsts],"state-machines":[seconds]},
// v2 as [firsts]. Views the pieces' texts, which the result keeps alive.
shared_bytes join(std::vector<std::shared_ptr<const list_piece>> pieces, list_kind kind) {
  auto parts = std::make_shared<list_body_parts>();
  parts->pieces = std::move(pieces);
  auto& runs = parts->runs;
  runs.reserve(parts->pieces.size() * (kind == list_kind::v1 ? 4 : 2) + 3);
  const auto section = [&](std::string list_piece::*part) {
    bool first = true;
    for (const auto& p : parts->pieces) {
      const std::string& text = (*p).*part;
      if (text.empty()) continue;
      if (!first) runs.emplace_back(",");
      first = false;
      runs.emplace_back(text);
    }
  };
  if (kind == list_kind::v1) {
    runs.emplace_back(R"({"actions":[)");
    section(&list_piece::first);
    runs.emplace_back(R"(],"state-machines":[)");
    section(&list_piece::second);
    runs.emplace_back("]}");
  } else {
    runs.emplace_back("[");
    section(&list_piece::first);
    runs.emplace_back("]");
  }
  const auto* view = &parts->runs;
  return shared_bytes(std::shared_ptr<const std::vector<std::string_view>>(std::move(parts), view));
}

}  // namespace

shared_bytes render_list(const registry_data& d, list_kind kind, double now, validity& v,
                         const piece_map* reuse, piece_map* keep) {
  const auto render = kind == list_kind::v1 ? &render_v1_piece : &render_v2_piece;
  std::vector<std::shared_ptr<const list_piece>> pieces;
  d.actions.for_each_chunk(
      [&](const std::shared_ptr<const action_store::chunk>& c, const action_store::chunk& values) {
        std::shared_ptr<const list_piece> p;
        if (c && reuse) {
          const auto it = reuse->find(c.get());
          if (it != reuse->end() && same_object(it->second.of, c) &&
              now >= it->second.piece->valid.from && now < it->second.piece->valid.until)
            p = it->second.piece;
        }
        if (!p) p = std::make_shared<const list_piece>(render(values, now));
        v.narrow(p->valid.from, p->valid.until);
        if (c && keep) keep->emplace(c.get(), piece_entry{c, p});
        pieces.push_back(std::move(p));
      });
  return join(std::move(pieces), kind);
}

std::string v1_list(const registry_data& d, double now, validity& v) {
  return render_list(d, list_kind::v1, now, v, nullptr, nullptr).str();
}

std::string v2_list(const registry_data& d, double now, validity& v) {
  return render_list(d, list_kind::v2, now, v, nullptr, nullptr).str();
}

shared_bytes list_cache::get(slot& s, const snapshot_ptr& snap, double now, list_kind kind) {
  std::shared_ptr<const piece_map> reuse;
  {
    std::lock_guard lock(mutex_);
    if (s.body && same_object(s.of, snap) && s.valid.holds_at(now)) return s.body;
    reuse = s.pieces;
  }
  // Built outside the lock: two threads may build the same body once each,
  // which is cheaper than making every reader wait on one builder. Chunks the
  // last build saw, and whose pieces still hold at `now`, are not rendered
  // again: after one change only its chunk (and the tail) is.
  validity v;
  auto keep = std::make_shared<piece_map>();
  shared_bytes body = render_list(snap->data(), kind, now, v, reuse.get(), keep.get());
  reuse.reset();
  std::lock_guard lock(mutex_);
  s = {snap, body, v, std::move(keep)};
  return body;
}

shared_bytes list_cache::v1(const snapshot_ptr& snap, double now) {
  return get(v1_, snap, now, list_kind::v1);
}

shared_bytes list_cache::v2(const snapshot_ptr& snap, double now) {
  return get(v2_, snap, now, list_kind::v2);
}

}  // namespace reemu
