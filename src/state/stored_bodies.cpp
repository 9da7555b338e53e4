#include "reemu/state/stored_bodies.hpp"

namespace reemu {

std::shared_ptr<const std::string> stored_bodies::get(stored_list which, const snapshot_ptr& snap,
                                                      render_fn render) {
  slot& s = slots_.at(static_cast<std::size_t>(which));
  {
    const std::lock_guard lock(mutex_);
    // The same snapshot: alive, so no other one can sit at its address.
    if (s.body && s.of.lock() == snap) return s.body;
  }
  auto body = std::make_shared<const std::string>(render(snap->data()));
  const std::lock_guard lock(mutex_);
  s.of = snap;
  s.body = body;
  return body;
}

}  // namespace reemu
