// The server's live connections (include/reemu/net/connections.hpp).
#include "reemu/net/connections.hpp"

#include <boost/asio/post.hpp>
#include <utility>

namespace reemu {

connection_registry::connection_registry(std::size_t cap, std::function<void()> on_last_gone)
    : cap_(cap), on_last_gone_(std::move(on_last_gone)) {}

connection_registry::place::place(connection_registry& r) : r_(r), count_(++r.places_) {}

void connection_registry::place::release() {
  if (!std::exchange(released_, true)) --r_.places_;
}

connection_registry::member::member(connection_registry& r, boost::asio::any_io_executor ex)
    : r_(r), control_(std::make_shared<control>()) {
  std::lock_guard lock(r_.mutex_);
  id_ = r_.next_++;
  r_.live_.emplace(id_, entry{control_, std::move(ex)});
}

connection_registry::member::~member() {
  // Posted calls may still be queued: they find nothing to call.
  control_->stop = nullptr;
  control_->expire = nullptr;
  control_->close = nullptr;
  bool last = false;
  {
    std::lock_guard lock(r_.mutex_);
    r_.live_.erase(id_);
    last = r_.stopping_ && r_.live_.empty();
  }
  if (last && r_.on_last_gone_) r_.on_last_gone_();
}

std::size_t connection_registry::live() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

void connection_registry::post_to_all(std::function<void()> control::*which) {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (auto& [id, e] : live_) {
    boost::asio::post(e.executor, [c = e.c, which] {
      if (auto& f = (*c).*which) f();
    });
  }
}

void connection_registry::stop_all() { post_to_all(&control::stop); }

void connection_registry::expire_all() { post_to_all(&control::expire); }

void connection_registry::close_all() { post_to_all(&control::close); }

}  // namespace reemu
