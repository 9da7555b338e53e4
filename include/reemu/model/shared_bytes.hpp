// An immutable body shared between requests: one string, or a sequence of
// pieces sent one after the other, so a large list is never joined in
// memory. Copies share; nothing is copied per request.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace reemu {

class shared_bytes {
 public:
  shared_bytes() = default;  // no body at all (not an empty one)
  // One string (the common case). A null pointer is no body.
  shared_bytes(std::shared_ptr<const std::string> whole) noexcept;  // NOLINT: implicit on purpose
  // The bytes `parts` views, in order; whoever owns `parts` (an aliasing
  // shared_ptr) keeps the viewed bytes alive. Null is no body.
  explicit shared_bytes(std::shared_ptr<const std::vector<std::string_view>> parts) noexcept;

  explicit operator bool() const noexcept { return whole_ || parts_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // Calls `f(std::string_view)` for each non-empty run of the bytes, in order.
  template <class F>
  void for_each(F&& f) const {
    if (whole_) {
      if (!whole_->empty()) f(std::string_view(*whole_));
      return;
    }
    if (!parts_) return;
    for (const std::string_view p : *parts_)
      if (!p.empty()) f(p);
  }
  // How many runs for_each() visits at most.
  std::size_t runs() const noexcept { return whole_ ? 1 : parts_ ? parts_->size() : 0; }

  // Where the bytes are stored: equal for copies of one body, different
  // for bodies built apart (tests check that a cache shares).
  const void* id() const noexcept {
    return whole_ ? static_cast<const void*>(whole_.get()) : static_cast<const void*>(parts_.get());
  }

  // The bytes joined into one string: a copy, for tests and small consumers.
  std::string str() const;

 private:
  std::shared_ptr<const std::string> whole_;
  std::shared_ptr<const std::vector<std::string_view>> parts_;
  std::size_t size_ = 0;
};

}  // namespace reemu
