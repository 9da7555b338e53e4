#include "reemu/net/ports_file.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

namespace reemu {

namespace {

// The base URL a client on this machine uses to reach `ep`.
std::string base_url(const char* scheme, const boost::asio::ip::tcp::endpoint& ep) {
  auto address = ep.address();
  if (address.is_unspecified()) {
    address = address.is_v6() ? boost::asio::ip::address(boost::asio::ip::address_v6::loopback())
                              : boost::asio::ip::address(boost::asio::ip::address_v4::loopback());
  }
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return std::string(scheme) + "://" + host + ":" + std::to_string(ep.port());
}

// "AB:CD:…" → "abcd…".
std::string plain_hex(const std::string& fingerprint) {
  std::string hex;
  hex.reserve(fingerprint.size());
  for (const char c : fingerprint) {
    if (c != ':') hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return hex;
}

}  // namespace

std::string ports_document(const bound_listeners& bound) {
  nlohmann::ordered_json ports = nlohmann::ordered_json::object();
  nlohmann::ordered_json urls = nlohmann::ordered_json::object();
  if (bound.http) {
    ports["http"] = bound.http->port();
    urls["http"] = base_url("http", *bound.http);
  }
  if (bound.https) {
    ports["https"] = bound.https->port();
    urls["https"] = base_url("https", *bound.https);
  }
  if (bound.metrics) {
    ports["metrics"] = bound.metrics->port();
    urls["metrics"] = base_url("http", *bound.metrics) + "/v2";  // the exporter's scrape URL
  }
  nlohmann::ordered_json doc{{"format", 1}, {"pid", bound.pid}, {"ports", ports}, {"urls", urls}};
  if (bound.https && !bound.tls_fingerprint.empty())
    doc["tls_sha256"] = plain_hex(bound.tls_fingerprint);
  return doc.dump() + "\n";
}

}  // namespace reemu
