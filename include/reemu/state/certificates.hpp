// The cluster's certificates (/v1/cluster/certificates): the one the HTTPS
// listener serves (api_cert), which a rotation or an install replaces for
// new connections while open ones keep theirs, and the internal ones a real
// cluster also lists (proxy, cm, syncer, metrics_exporter), made when first
// listed (not at start-up: each costs a key and a signature) and replaced
// the same way but served by nothing.
//
// This layer knows no OpenSSL: the net layer, which owns the listener,
// lends the store a `maker` that checks PEM text and builds the TLS context
// (type-erased here), and an `on_change` that follows the new certificate
// (the ports file, --tls-cert-out). Thread-safe.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"

namespace reemu {

// One certificate and its key as PEM text, with what serving it needs.
struct served_certificate {
  std::string cert_pem;
  std::string key_pem;
  std::string fingerprint_sha256;  // "AB:CD:…" of the leaf's DER
  std::shared_ptr<void> context;   // the net layer's TLS context for it (api_cert only)
};

class certificate_store {
 public:
  // Makes a certificate from PEM text (both empty: a new self-signed one):
  // invalid_certificate when either does not parse or they do not match.
  using maker = std::function<result<served_certificate>(const std::string& cert_pem,
                                                         const std::string& key_pem)>;
  using listener = std::function<void(const served_certificate&)>;

  // The names a cluster lists, api_cert first: "api", "cm", "proxy",
  // "syncer", "metrics_exporter" (each as <name>_cert / <name>_key).
  static const std::vector<std::string>& names();

  // Turns the store on with the listener's certificate and a maker. Called
  // once by the server at start-up.
  void enable(maker make, served_certificate api, listener on_api_change);
  bool enabled() const;

  // The certificate HTTPS serves to new connections; nullptr when off.
  std::shared_ptr<const served_certificate> api() const;
  // Every certificate by name ("api", "proxy"…); makes the internal ones
  // not made yet.
  std::map<std::string, std::shared_ptr<const served_certificate>> all();

  // Installs `cert_pem` and `key_pem` as certificate `name` ("api", …):
  // nothing changes on a failure.
  result<> install(std::string_view name, const std::string& cert_pem, const std::string& key_pem);
  // Installs several at once: all are checked before any is installed.
  result<> install_all(const std::vector<std::array<std::string, 3>>& named_pems);
  // Replaces certificate `name` (empty: every one) with a new self-signed one.
  result<> rotate(std::string_view name = {});

 private:
  void put(const std::string& name, const std::shared_ptr<const served_certificate>& c);
  bool all_made(const std::string& name) const;  // `name` is in the store

  mutable std::mutex mutex_;  // guards the pointers below (held for pointer copies only)
  std::mutex writer_;         // one install or rotation at a time
  maker make_;
  listener on_api_change_;
  std::map<std::string, std::shared_ptr<const served_certificate>> certs_;
};

}  // namespace reemu
