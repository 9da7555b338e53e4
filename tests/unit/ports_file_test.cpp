// The ports file's document: ports, reachable URLs, the fingerprint.
#include "reemu/net/ports_file.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace reemu {
namespace {

using nlohmann::json;
namespace ip = boost::asio::ip;

TEST(ports_file, wildcard_binds_are_reached_through_loopback) {
  bound_listeners b;
  b.http = ip::tcp::endpoint(ip::make_address("0.0.0.0"), 41231);
  b.https = ip::tcp::endpoint(ip::make_address("::"), 41232);
  b.tls_fingerprint = "AB:CD:0F";
  b.pid = 77;
  const std::string text = ports_document(b);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(json::parse(text),
            json::parse(R"({"format":1,"pid":77,"ports":{"http":41231,"https":41232},
                "urls":{"http":"http://127.0.0.1:41231","https":"https://[::1]:41232"},
                "tls_sha256":"abcd0f"})"));
}

TEST(ports_file, a_listener_that_is_off_is_absent_and_so_is_the_fingerprint_without_tls) {
  bound_listeners b;
  b.http = ip::tcp::endpoint(ip::make_address("192.0.2.7"), 8080);
  b.tls_fingerprint = "AB:CD";  // no HTTPS listener: not shown
  const json doc = json::parse(ports_document(b));
  EXPECT_EQ(doc["ports"], json::parse(R"({"http":8080})"));
  EXPECT_EQ(doc["urls"], json::parse(R"({"http":"http://192.0.2.7:8080"})"));
  EXPECT_FALSE(doc.contains("tls_sha256"));

  bound_listeners v6;
  v6.https = ip::tcp::endpoint(ip::make_address("fd00::5"), 9443);
  v6.tls_fingerprint = "01:FF";
  const json d6 = json::parse(ports_document(v6));
  EXPECT_EQ(d6["urls"], json::parse(R"({"https":"https://[fd00::5]:9443"})"));
  EXPECT_EQ(d6["tls_sha256"], "01ff");
  EXPECT_FALSE(d6["ports"].contains("http"));
}

TEST(ports_file, the_exporter_is_named_with_its_scrape_url) {
  bound_listeners b;
  b.http = ip::tcp::endpoint(ip::make_address("0.0.0.0"), 8080);
  b.metrics = ip::tcp::endpoint(ip::make_address("0.0.0.0"), 8070);
  const json doc = json::parse(ports_document(b));
  EXPECT_EQ(doc["ports"], json::parse(R"({"http":8080,"metrics":8070})"));
  EXPECT_EQ(doc["urls"]["metrics"], "http://127.0.0.1:8070/v2");
}

}  // namespace
}  // namespace reemu
