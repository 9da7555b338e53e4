// Ports in use: how many stored databases hold each TCP port, so a create
// asks "is port p taken" in O(1) and "which is the first free port from
// 10000" in a bounded scan, instead of reading every database.
//
// A value kept inside the registry's data, which every write copies: copying
// shares everything (one pointer); a change copies the chunk index (64
// pointers) and the one chunk of 1024 counts it touches. Plain value; no
// locking.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace reemu {

class port_table {
 public:
  // Ports are 0..65535; a larger number is never held (nor free).
  static constexpr std::uint64_t port_end = 65536;

  // One more holder of `port`; a port past 65535 is not counted.
  void add(std::uint64_t port) { change(port, +1); }
  // One holder fewer; `port` must have been added (a port past 65535 is
  // ignored, as add() ignored it).
  void remove(std::uint64_t port) { change(port, -1); }

  // How many holders `port` has (0 past 65535).
  std::uint32_t holders(std::uint64_t port) const noexcept {
    if (port >= port_end || !chunks_) return 0;
    const auto& c = (*chunks_)[port / chunk_size];
    return c ? c->holders[port % chunk_size] : 0;
  }

  // The first port in [from, 65535] without holders that `skip(port)` does
  // not exclude; nullopt when there is none. Skips whole chunks whose ports
  // all have holders, so at most a few chunks are read port by port.
  template <class Skip>
  std::optional<std::uint64_t> first_free(std::uint64_t from, Skip&& skip) const {
    for (std::uint64_t c = from / chunk_size; c < chunk_count; ++c) {
      const chunk* held = chunks_ ? (*chunks_)[c].get() : nullptr;
      if (held && held->busy == chunk_size) continue;
      for (std::uint64_t p = std::max(from, c * chunk_size); p < (c + 1) * chunk_size; ++p) {
        if ((!held || held->holders[p % chunk_size] == 0) && !skip(p)) return p;
      }
    }
    return std::nullopt;
  }

  bool operator==(const port_table& o) const {
    for (std::uint64_t c = 0; c < chunk_count; ++c) {
      const chunk* a = chunks_ ? (*chunks_)[c].get() : nullptr;
      const chunk* b = o.chunks_ ? (*o.chunks_)[c].get() : nullptr;
      if (a == b) continue;
      if (!a || !b || a->holders != b->holders) return false;
    }
    return true;
  }

 private:
  static constexpr std::uint64_t chunk_size = 1024;
  static constexpr std::uint64_t chunk_count = port_end / chunk_size;

  struct chunk {
    std::array<std::uint32_t, chunk_size> holders{};
    std::uint32_t busy = 0;  // ports of the chunk with at least one holder
  };
  using chunk_index = std::array<std::shared_ptr<const chunk>, chunk_count>;

  void change(std::uint64_t port, int by) {
    if (port >= port_end) return;
    auto index =
        chunks_ ? std::make_shared<chunk_index>(*chunks_) : std::make_shared<chunk_index>();
    auto& slot = (*index)[port / chunk_size];
    auto copy = slot ? std::make_shared<chunk>(*slot) : std::make_shared<chunk>();
    std::uint32_t& n = copy->holders[port % chunk_size];
    if (by > 0) {
      if (n++ == 0) ++copy->busy;
    } else if (n > 0 && --n == 0) {
      --copy->busy;
    }
    slot = std::move(copy);
    chunks_ = std::move(index);
  }

  std::shared_ptr<const chunk_index> chunks_;  // null: no port held
};

}  // namespace reemu
