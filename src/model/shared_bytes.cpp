// A shared body's size and its joined copy.
#include "reemu/model/shared_bytes.hpp"

#include <utility>

namespace reemu {

shared_bytes::shared_bytes(std::shared_ptr<const std::string> whole) noexcept
    : whole_(std::move(whole)), size_(whole_ ? whole_->size() : 0) {}

shared_bytes::shared_bytes(std::shared_ptr<const std::vector<std::string_view>> parts) noexcept
    : parts_(std::move(parts)) {
  if (parts_)
    for (const std::string_view p : *parts_) size_ += p.size();
}

std::string shared_bytes::str() const {
  std::string out;
  out.reserve(size_);
  for_each([&](std::string_view p) { out += p; });
  return out;
}

}  // namespace reemu
