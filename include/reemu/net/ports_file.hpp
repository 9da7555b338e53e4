// The ports file (--ports-file, server.ports_file): where a process started
// on port 0 tells its harness what it bound, so many emulators run side by
// side and a test kit needs no log parsing.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

namespace reemu {

// What the listeners bound, as the ports file shows it.
struct bound_listeners {
  std::optional<boost::asio::ip::tcp::endpoint> http;     // absent: listener off
  std::optional<boost::asio::ip::tcp::endpoint> https;    // absent: listener off
  std::optional<boost::asio::ip::tcp::endpoint> metrics;  // the exporter; absent: off
  std::string tls_fingerprint;                            // "AB:CD:..."; empty without HTTPS
  long pid = 0;
};

// The document, one line of JSON:
// {"format":1,"pid":…,"ports":{"http":…,"https":…,"metrics":…},
//  "urls":{"http":"http://127.0.0.1:…","https":"https://127.0.0.1:…",
//          "metrics":"http://127.0.0.1:…/v2"},
//  "tls_sha256":"<64 lowercase hex digits of the certificate's DER SHA-256>"}
// A listener that is off is absent from "ports" and "urls"; "tls_sha256" is
// absent without HTTPS. A wildcard bind address is reached through the
// loopback address of its family (127.0.0.1, [::1]).
std::string ports_document(const bound_listeners& bound);

}  // namespace reemu
