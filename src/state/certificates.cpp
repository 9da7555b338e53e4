// The cluster's certificates: a map of immutable certificates swapped
// whole under a short lock.
#include "reemu/state/certificates.hpp"

#include <algorithm>
#include <utility>

namespace reemu {

const std::vector<std::string>& certificate_store::names() {
  static const std::vector<std::string> n = {"api", "cm", "proxy", "syncer", "metrics_exporter"};
  return n;
}

void certificate_store::enable(maker make, served_certificate api, listener on_api_change) {
  std::lock_guard writing(writer_);
  std::lock_guard lock(mutex_);
  make_ = std::move(make);
  on_api_change_ = std::move(on_api_change);
  certs_ = {{"api", std::make_shared<const served_certificate>(std::move(api))}};
}

bool certificate_store::enabled() const {
  std::lock_guard lock(mutex_);
  return static_cast<bool>(make_);
}

std::shared_ptr<const served_certificate> certificate_store::api() const {
  std::lock_guard lock(mutex_);
  const auto it = certs_.find("api");
  return it == certs_.end() ? nullptr : it->second;
}

std::map<std::string, std::shared_ptr<const served_certificate>> certificate_store::all() {
  {
    std::lock_guard writing(writer_);
    if (enabled()) {
      for (const auto& name : names()) {
        if (name == "api" || all_made(name)) continue;
        // An internal certificate that cannot be made (it should not) is
        // left out of the list rather than failing it.
        if (auto c = make_({}, {})) {
          c->context.reset();  // served by nothing: only its text is kept
          put(name, std::make_shared<const served_certificate>(std::move(*c)));
        }
      }
    }
  }
  std::lock_guard lock(mutex_);
  return certs_;
}

bool certificate_store::all_made(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return certs_.contains(name);
}

void certificate_store::put(const std::string& name,
                            const std::shared_ptr<const served_certificate>& c) {
  listener notify;
  {
    std::lock_guard lock(mutex_);
    certs_[name] = c;
    if (name == "api") notify = on_api_change_;
  }
  if (notify) notify(*c);  // outside the lock: it writes files
}

result<> certificate_store::install(std::string_view name, const std::string& cert_pem,
                                    const std::string& key_pem) {
  return install_all({{std::string(name), cert_pem, key_pem}});
}

result<> certificate_store::install_all(const std::vector<std::array<std::string, 3>>& named) {
  std::lock_guard writing(writer_);
  if (!enabled()) {
    return failure{api_error::unknown_certificate,
                   "No HTTPS listener runs: there is no certificate to set"};
  }
  std::vector<std::pair<std::string, std::shared_ptr<const served_certificate>>> made;
  for (const auto& [name, cert, key] : named) {
    if (std::find(names().begin(), names().end(), name) == names().end()) {
      return failure{api_error::unknown_certificate, "Unknown certificate name: " + name};
    }
    auto c = make_(cert, key);
    if (!c) return c.error();
    if (name != "api") c->context.reset();
    made.emplace_back(name, std::make_shared<const served_certificate>(std::move(*c)));
  }
  for (const auto& [name, c] : made) put(name, c);
  return {};
}

result<> certificate_store::rotate(std::string_view name) {
  std::lock_guard writing(writer_);
  if (!enabled()) {
    return failure{api_error::unknown_certificate,
                   "No HTTPS listener runs: there is no certificate to rotate"};
  }
  std::vector<std::string> which;
  if (name.empty()) {
    which = names();
  } else if (std::find(names().begin(), names().end(), name) != names().end()) {
    which.emplace_back(name);
  } else {
    return failure{api_error::unknown_certificate,
                   "Unknown certificate name: " + std::string(name)};
  }
  std::vector<std::pair<std::string, std::shared_ptr<const served_certificate>>> made;
  for (const auto& n : which) {
    auto c = make_({}, {});
    if (!c) return c.error();
    if (n != "api") c->context.reset();
    made.emplace_back(n, std::make_shared<const served_certificate>(std::move(*c)));
  }
  for (const auto& [n, c] : made) put(n, c);
  return {};
}

}  // namespace reemu
