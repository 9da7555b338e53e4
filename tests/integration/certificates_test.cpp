// Integration tests of the certificate routes over real HTTPS: the
// certificate GET /v1/cluster/certificates shows is the one a TLS client
// sees; a rotation gives new connections a new one while an open keep-alive
// connection goes on with the old; update_cert installs a matching pair and
// refuses a mismatched key (400, nothing changed); the ports file and
// --tls-cert-out follow; only an admin changes certificates. Every answer is
// checked against docs/openapi.json by the test client.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "test_server.hpp"

namespace reemu::test {
namespace {

namespace fs = std::filesystem;

// A new P-256 private key as PEM: matches no certificate the server has.
std::string other_key_pem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

class certificates_test : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("reemu-certs-" + std::to_string(::getpid()));
  std::string ports_path = (dir / "ports.json").string();
  std::string cert_out = (dir / "emulator.pem").string();
  std::unique_ptr<test_server> srv;

  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir);
    srv = std::make_unique<test_server>(make_config([&](json& doc) {
      doc["server"]["https"] = true;
      doc["server"]["ports_file"] = ports_path;
      doc["server"]["tls_cert_out"] = cert_out;
    }));
  }
  void TearDown() override {
    srv.reset();
    fs::remove_all(dir);
  }

  // One request on a new TLS connection; the fingerprint it saw.
  std::string served_sha256() {
    client c(srv->https_port(), tls_client_options{});
    EXPECT_EQ(c.send(make_request(http::verb::get, "/v1/cluster", admin)).status, 200u);
    return c.peer_certificate_sha256();
  }

  json certificates() {
    const auto r = srv->get("/v1/cluster/certificates");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json_body();
  }

  std::string file_text(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(certificates_test, the_api_certificate_is_the_one_https_serves) {
  const json certs = certificates();
  for (const char* name : {"api", "cm", "proxy", "syncer", "metrics_exporter"}) {
    ASSERT_TRUE(certs.contains(std::string(name) + "_cert")) << name;
    ASSERT_TRUE(certs.contains(std::string(name) + "_key")) << name;
    EXPECT_NE(certs[std::string(name) + "_key"].get<std::string>().find("PRIVATE KEY-----"),
              std::string::npos);
  }
  const std::string f1 = served_sha256();
  ASSERT_EQ(f1.size(), 64u);
  EXPECT_EQ(pem_certificate_sha256(certs["api_cert"]), f1);
  EXPECT_NE(pem_certificate_sha256(certs["proxy_cert"]), f1)
      << "internal certificates are their own";
}

TEST_F(certificates_test, a_rotation_serves_new_connections_while_old_ones_go_on) {
  client old(srv->https_port(), tls_client_options{});
  ASSERT_EQ(old.send(make_request(http::verb::get, "/v1/cluster", admin)).status, 200u);
  const std::string f1 = old.peer_certificate_sha256();
  ASSERT_EQ(f1, pem_certificate_sha256(certificates()["api_cert"]));

  const auto rotated = srv->post("/v1/cluster/certificates/rotate", json::object());
  ASSERT_EQ(rotated.status, 200u) << rotated.body;

  const std::string f2 = served_sha256();
  EXPECT_NE(f2, f1);
  EXPECT_EQ(pem_certificate_sha256(certificates()["api_cert"]), f2);
  // The keep-alive connection made before the rotation still answers.
  const auto again = old.send(make_request(http::verb::get, "/v1/cluster", admin));
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(old.peer_certificate_sha256(), f1);
  // The files that name the certificate follow it.
  EXPECT_EQ(pem_certificate_sha256(file_text(cert_out)), f2);
  EXPECT_EQ(json::parse(file_text(ports_path))["tls_sha256"], f2);
}

TEST_F(certificates_test, update_cert_installs_a_matching_pair_and_refuses_a_mismatch) {
  const json before = certificates();
  const std::string f1 = served_sha256();

  const auto mismatched = srv->call(
      http::verb::put, "/v1/cluster/update_cert", admin,
      json{{"name", "api_cert"}, {"certificate", before["cm_cert"]}, {"key", other_key_pem()}}
          .dump());
  EXPECT_EQ(mismatched.status, 400u);
  EXPECT_EQ(mismatched.json_body()["error_code"], "invalid_certificate");
  const auto garbage = srv->call(
      http::verb::put, "/v1/cluster/update_cert", admin,
      json{{"name", "api_cert"}, {"certificate", "not a certificate"}, {"key", before["cm_key"]}}
          .dump());
  EXPECT_EQ(garbage.status, 400u);
  EXPECT_EQ(served_sha256(), f1) << "a refused certificate changes nothing";
  EXPECT_EQ(certificates(), before);

  // The cm pair is a matching pair: installed as the API's, it is served.
  const auto installed = srv->call(
      http::verb::put, "/v1/cluster/update_cert", admin,
      json{{"name", "api_cert"}, {"certificate", before["cm_cert"]}, {"key", before["cm_key"]}}
          .dump());
  ASSERT_EQ(installed.status, 200u) << installed.body;
  EXPECT_TRUE(installed.body.empty());
  EXPECT_EQ(served_sha256(), pem_certificate_sha256(before["cm_cert"]));
  EXPECT_EQ(certificates()["api_cert"], before["cm_cert"]);
}

TEST_F(certificates_test, put_certificates_checks_every_one_before_installing_any) {
  const json before = certificates();
  const json bad = {
      {"certificates",
       {{{"name", "proxy"}, {"certificate", before["cm_cert"]}, {"key", before["cm_key"]}},
        {{"name", "syncer"}, {"certificate", before["cm_cert"]}, {"key", other_key_pem()}}}}};
  const auto refused = srv->call(http::verb::put, "/v1/cluster/certificates", admin, bad.dump());
  EXPECT_EQ(refused.status, 400u);
  EXPECT_EQ(certificates(), before);
  const auto unknown = srv->call(
      http::verb::put, "/v1/cluster/certificates", admin,
      json{{"certificates",
            {{{"name", "nope"}, {"certificate", before["cm_cert"]}, {"key", before["cm_key"]}}}}}
          .dump());
  EXPECT_EQ(unknown.status, 403u);
  EXPECT_EQ(unknown.json_body()["error_code"], "unknown_certificate");
  const json good = {
      {"certificates",
       {{{"name", "proxy"}, {"certificate", before["cm_cert"]}, {"key", before["cm_key"]}}}}};
  ASSERT_EQ(srv->call(http::verb::put, "/v1/cluster/certificates", admin, good.dump()).status,
            200u);
  EXPECT_EQ(certificates()["proxy_cert"], before["cm_cert"]);
  EXPECT_EQ(certificates()["api_cert"], before["api_cert"]);
}

TEST_F(certificates_test, only_an_admin_changes_certificates) {
  EXPECT_EQ(srv->post("/v1/cluster/certificates/rotate", json::object(), viewer).status, 403u);
  EXPECT_EQ(srv->get("/v1/cluster/certificates", db_viewer).status, 200u);
  const auto bad_name = srv->post("/v1/cluster/certificates/rotate", {{"name", "nope"}});
  EXPECT_EQ(bad_name.status, 403u);
  const auto bad_body = srv->post("/v1/cluster/certificates/rotate", {{"name", 5}});
  EXPECT_EQ(bad_body.status, 400u);
}

TEST(certificates_without_https, the_list_is_empty_and_changes_are_refused) {
  test_server srv{make_config()};
  const auto r = srv.get("/v1/cluster/certificates");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json_body(), json::object());
  EXPECT_EQ(srv.post("/v1/cluster/certificates/rotate", json::object()).status, 403u);
}

}  // namespace
}  // namespace reemu::test
