// Integration tests of the HTTPS listener: the generated certificate, the
// certificate copy for clients to trust, a user-provided CA-signed
// certificate, both listeners together, hostile clients on the TLS port, and
// the start-up errors server::start() reports.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include "test_server.hpp"

namespace reemu::test {
namespace {

namespace fs = std::filesystem;

// --- Certificates made in the test -------------------------------------------------

struct openssl_free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
  void operator()(SSL* p) const noexcept { SSL_free(p); }
  void operator()(SSL_CTX* p) const noexcept { SSL_CTX_free(p); }
};
template <typename T>
using openssl_ptr = std::unique_ptr<T, openssl_free>;

openssl_ptr<EVP_PKEY> make_key() {
  openssl_ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw std::runtime_error("cannot generate a key");
  return key;
}

// A certificate for `key` named `cn`, signed by `issuer`/`issuer_key`, or
// self-signed when they are null. `ca` makes a CA; otherwise a TLS server
// certificate for localhost and 127.0.0.1.
openssl_ptr<X509> make_cert(EVP_PKEY* key, const char* cn, bool ca, X509* issuer = nullptr,
                            EVP_PKEY* issuer_key = nullptr) {
  static long serial = 1;
  openssl_ptr<X509> cert(X509_new());
  X509* c = cert.get();
  X509_set_version(c, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial++);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), 24 * 3600);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(c, key);

  X509V3_CTX v3{};
  X509V3_set_ctx(&v3, issuer ? issuer : c, c, nullptr, nullptr, 0);
  const auto add = [&](int nid, const char* value) {
    openssl_ptr<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, &v3, nid, value));
    if (!ext || X509_add_ext(c, ext.get(), -1) != 1)
      throw std::runtime_error(std::string("cannot add extension ") + value);
  };
  add(NID_subject_key_identifier, "hash");
  if (ca) {
    add(NID_basic_constraints, "critical,CA:TRUE");
    add(NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add(NID_basic_constraints, "critical,CA:FALSE");
    add(NID_key_usage, "critical,digitalSignature");
    add(NID_ext_key_usage, "serverAuth");
    add(NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    if (issuer) add(NID_authority_key_identifier, "keyid");
  }
  if (X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()) <= 0)
    throw std::runtime_error("cannot sign the certificate");
  return cert;
}

void write_cert(const std::string& path, X509* cert) {
  openssl_ptr<BIO> bio(BIO_new_file(path.c_str(), "w"));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    throw std::runtime_error("cannot write " + path);
}

// Writes the key as PEM; encrypted with `passphrase` when one is given.
void write_key(const std::string& path, EVP_PKEY* key, const char* passphrase = nullptr) {
  openssl_ptr<BIO> bio(BIO_new_file(path.c_str(), "w"));
  const int ok =
      passphrase
          ? PEM_write_bio_PrivateKey(bio.get(), key, EVP_aes_256_cbc(),
                                     reinterpret_cast<const unsigned char*>(passphrase),
                                     static_cast<int>(std::strlen(passphrase)), nullptr, nullptr)
          : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  if (!bio || ok != 1) throw std::runtime_error("cannot write " + path);
}

// The first flight of a real TLS client, made in memory.
std::string client_hello() {
  openssl_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()));
  openssl_ptr<SSL> ssl(SSL_new(ctx.get()));
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), in, out);  // ssl owns both now
  SSL_set_tlsext_host_name(ssl.get(), "localhost");
  SSL_connect(ssl.get());  // wants to read the ServerHello: the ClientHello is in `out`
  char* data = nullptr;
  const long size = BIO_get_mem_data(out, &data);
  if (size <= 0) throw std::runtime_error("no ClientHello produced");
  return std::string(data, static_cast<std::size_t>(size));
}

// A fresh directory per test, removed afterwards.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    std::ostringstream name;
    name << "reemu-integ-tls-" << std::hex << rd() << rd();
    path_ = fs::temp_directory_path() / name.str();
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// The default config with HTTPS on port 0, plus `edit`.
config https_config(const std::function<void(json&)>& edit = {}) {
  return make_config([&](json& doc) {
    doc["server"]["https"] = true;
    if (edit) edit(doc);
  });
}

response tls_get(std::uint16_t port, const std::string& target,
                 const tls_client_options& options = {}) {
  client c(port, options);
  return c.send(make_request(http::verb::get, target, admin));
}

// --- Serving --------------------------------------------------------------------------

TEST(tls, generated_certificate_serves_the_api) {
  test_server srv{https_config([](json& doc) { doc["server"]["http"] = false; })};
  ASSERT_NE(srv.https_port(), 0);
  EXPECT_EQ(srv.http_port(), 0);
  const auto r = tls_get(srv.https_port(), "/v1/actions");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header(http::field::content_type), "application/json");
  EXPECT_EQ(r.body, seed_list_body());

  client c(srv.https_port(), tls_client_options{});
  EXPECT_EQ(c.send(make_request(http::verb::get, "/v1/actions")).status, 401);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(c.send(make_request(http::verb::get, "/v2/actions", admin)).status, 200);
}

TEST(tls, written_certificate_verifies_for_localhost) {
  temp_dir dir;
  const std::string cert_out = dir.file("emulator.pem");
  test_server srv{https_config([&](json& doc) { doc["server"]["tls_cert_out"] = cert_out; })};
  ASSERT_TRUE(fs::exists(cert_out));

  const auto r = tls_get(srv.https_port(), "/v1/actions", {cert_out, "localhost"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, seed_list_body());

  // The verification is real: another name fails the handshake.
  EXPECT_THROW(client(srv.https_port(), tls_client_options{cert_out, "not-the-emulator.example"}),
               std::runtime_error);
}

// The ports file names the bound ports, the URLs that reach them and the
// served certificate's fingerprint; a clean stop takes it away.
TEST(tls, ports_file_names_the_listeners_and_goes_at_a_clean_stop) {
  temp_dir dir;
  const std::string ports_path = dir.file("ports.json");
  const std::string cert_out = dir.file("emulator.pem");
  {
    test_server srv{https_config([&](json& doc) {
      doc["server"]["http"] = true;
      doc["server"]["ports_file"] = ports_path;
      doc["server"]["tls_cert_out"] = cert_out;
    })};
    std::ifstream in(ports_path);
    ASSERT_TRUE(in.good()) << "no ports file at " << ports_path;
    const json doc = json::parse(in);
    EXPECT_EQ(doc["format"], 1);
    EXPECT_EQ(doc["pid"], static_cast<long>(::getpid()));
    EXPECT_EQ(doc["ports"]["http"], srv.http_port());
    EXPECT_EQ(doc["ports"]["https"], srv.https_port());
    EXPECT_EQ(doc["urls"]["http"], "http://127.0.0.1:" + std::to_string(srv.http_port()));
    EXPECT_EQ(doc["urls"]["https"], "https://127.0.0.1:" + std::to_string(srv.https_port()));

    // The fingerprint is the served certificate's: the one written out and verified.
    openssl_ptr<BIO> bio(BIO_new_file(cert_out.c_str(), "r"));
    ASSERT_TRUE(bio);
    openssl_ptr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    ASSERT_TRUE(cert);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned length = 0;
    ASSERT_EQ(X509_digest(cert.get(), EVP_sha256(), digest.data(), &length), 1);
    std::string hex;
    for (unsigned i = 0; i < length; ++i) {
      static constexpr char digits[] = "0123456789abcdef";
      hex += digits[digest[i] >> 4];
      hex += digits[digest[i] & 0xF];
    }
    EXPECT_EQ(doc["tls_sha256"], hex);
    EXPECT_EQ(tls_get(srv.https_port(), "/v1/actions", {cert_out, "localhost"}).status, 200);
  }
  EXPECT_FALSE(fs::exists(ports_path)) << "the ports file outlived a clean stop";
}

TEST(tls, user_certificate_signed_by_a_ca_verifies) {
  temp_dir dir;
  const auto ca_key = make_key();
  const auto ca = make_cert(ca_key.get(), "reemu test CA", true);
  const auto server_key = make_key();
  const auto leaf = make_cert(server_key.get(), "localhost", false, ca.get(), ca_key.get());
  write_cert(dir.file("ca.pem"), ca.get());
  write_cert(dir.file("server.pem"), leaf.get());
  write_key(dir.file("server-key.pem"), server_key.get());

  test_server srv{https_config([&](json& doc) {
    doc["server"]["tls_cert"] = dir.file("server.pem");
    doc["server"]["tls_key"] = dir.file("server-key.pem");
    doc["server"]["tls_cert_out"] = dir.file("copy.pem");
  })};
  const auto r = tls_get(srv.https_port(), std::string("/v1/actions/bdb/2"),
                         {dir.file("ca.pem"), "localhost"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, srv.get("/v1/actions/bdb/2").body);

  // The copy is the loaded leaf, not a generated certificate.
  std::ifstream copy(dir.file("copy.pem"));
  std::ifstream original(dir.file("server.pem"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(copy), {}),
            std::string(std::istreambuf_iterator<char>(original), {}));

  // Another CA does not vouch for it.
  const auto other_key = make_key();
  const auto other = make_cert(other_key.get(), "some other CA", true);
  write_cert(dir.file("other-ca.pem"), other.get());
  EXPECT_THROW(client(srv.https_port(), tls_client_options{dir.file("other-ca.pem"), "localhost"}),
               std::runtime_error);
}

TEST(tls, both_listeners_serve_the_same_bytes) {
  test_server srv{https_config()};
  ASSERT_NE(srv.http_port(), 0);
  ASSERT_NE(srv.https_port(), 0);
  ASSERT_NE(srv.http_port(), srv.https_port());
  for (const char* target :
       {"/v1/actions", "/v1/actions/5a42fabf-c603-4950-88d9-3a3148a5d763", "/v1/actions/bdb/1",
        "/v2/actions", "/v1/actions/unknown", "/v1/nothing"}) {
    const auto plain = srv.get(target);
    const auto secure = tls_get(srv.https_port(), target);
    EXPECT_EQ(secure.status, plain.status) << target;
    EXPECT_EQ(secure.body, plain.body) << target;
    EXPECT_EQ(secure.header(http::field::content_type), plain.header(http::field::content_type))
        << target;
  }
  EXPECT_EQ(tls_get(srv.https_port(), "/v1/actions").body, seed_list_body());
}

// The session's deadlines hold on both listeners: an idle keep-alive
// connection is closed by the idle timeout over TLS as over plain HTTP, and
// a header left half sent by the read timeout.
TEST(tls, idle_and_half_sent_connections_are_closed_by_their_timeouts) {
  test_server srv{https_config([](json& doc) {
    doc["server"]["idle_timeout_seconds"] = 1;
    doc["server"]["read_timeout_seconds"] = 1;
  })};
  for (const bool tls : {false, true}) {
    const auto open = [&] {
      return tls ? std::make_unique<client>(srv.https_port(), tls_client_options{})
                 : std::make_unique<client>(srv.http_port());
    };
    const auto idle = open();
    const auto r = idle->send(make_request(http::verb::get, "/v1/actions", admin));
    EXPECT_EQ(r.status, 200) << (tls ? "https" : "http");
    EXPECT_TRUE(r.keep_alive);
    beast::error_code ec;
    EXPECT_EQ(idle->read_until_closed(ec), "") << (tls ? "https" : "http");
    EXPECT_NE(ec, beast::error::timeout) << (tls ? "https" : "http") << ": left open";
    const auto half = open();
    half->write_raw("GET /v1/actions HTTP/1.1\r\nHost: x\r\n");
    EXPECT_EQ(half->read_until_closed(ec), "") << (tls ? "https" : "http");
    EXPECT_NE(ec, beast::error::timeout) << (tls ? "https" : "http") << ": left open";
  }
}

// A list of many chunks goes out as a gather write of its pieces (more runs
// than one writev takes, and more than one TLS record): both listeners send
// every byte, HEAD announces the same length, and the connection stays usable.
// The bodies are compared as bytes and their entries counted as text (no
// parse of megabytes), and the clients wait longer than usual: the first
// rendering of each list takes seconds under the sanitizers on a busy machine.
TEST(tls, a_list_of_many_pieces_arrives_whole_on_both_listeners) {
  constexpr int count = 10000;  // 40 chunks: about 80 runs, more than one writev takes (64)
  constexpr std::chrono::seconds patient{60};
  test_server srv{https_config([](json& doc) {
    json sms = json::array();
    for (int i = 0; i < count; ++i) {
      sms.push_back({{"action_uid", "sm-" + std::to_string(i)},
                     {"name", "SMCreateBDB"},
                     {"object_name", "bdb:1"},
                     {"heartbeat", 1760400082},
                     {"progress", 100},
                     {"status", "completed"}});
    }
    doc["state-machines"] = std::move(sms);
  })};
  const auto occurrences = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  client plain_client(srv.http_port(), patient);
  const auto plain = plain_client.send(make_request(http::verb::get, "/v1/actions", admin));
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(occurrences(plain.body, "\"action_uid\":\"sm-"), static_cast<std::size_t>(count));
  client c(srv.https_port(), tls_client_options{}, patient);
  for (int round = 0; round < 2; ++round) {  // the second from the cache, same connection
    const auto secure = c.send(make_request(http::verb::get, "/v1/actions", admin));
    EXPECT_EQ(secure.status, 200);
    EXPECT_TRUE(secure.body == plain.body)
        << "round " << round << ": " << secure.body.size() << " bytes, not " << plain.body.size();
  }
  const auto head = c.send(make_request(http::verb::head, "/v2/actions", admin));
  const auto v2 = c.send(make_request(http::verb::get, "/v2/actions", admin));
  EXPECT_EQ(head.header(http::field::content_length), std::to_string(v2.body.size()));
  EXPECT_TRUE(head.body.empty());
  EXPECT_TRUE(v2.body ==
              plain_client.send(make_request(http::verb::get, "/v2/actions", admin)).body);
  // Every action of the v1 list (its state machines and its other actions)
  // is one entry of the v2 list.
  EXPECT_EQ(occurrences(v2.body, "\"action_uid\""), occurrences(plain.body, "\"action_uid\""));
}

// One answer of a single run larger than a TLS record (16 KiB): the stats of
// every database at one-second intervals on the manual clock. It arrives
// whole with its Content-Length, equal to the plain listener's, and the
// connection serves the next request.
TEST(tls, an_answer_larger_than_one_record_arrives_whole) {
  test_server srv{
      manual_clock_config(1760500000, [](json& doc) { doc["server"]["https"] = true; })};
  const std::string target = "/v1/bdbs/stats?interval=1sec";
  const auto plain = srv.get(target);
  ASSERT_EQ(plain.status, 200);
  ASSERT_GT(plain.body.size(), 16384u)
      << "the answer must span more than one TLS record: " << plain.body.substr(0, 200);
  client c(srv.https_port(), tls_client_options{});
  const auto secure = c.send(make_request(http::verb::get, target, admin));
  EXPECT_EQ(secure.status, 200);
  EXPECT_EQ(secure.header(http::field::content_length), std::to_string(secure.body.size()));
  EXPECT_TRUE(secure.body == plain.body)
      << secure.body.size() << " bytes, not " << plain.body.size();
  EXPECT_EQ(c.send(make_request(http::verb::get, "/v1/actions", admin)).body, seed_list_body());
}

// --- Hostile clients -----------------------------------------------------------------

TEST(tls, plain_http_on_the_https_port_gets_400) {
  test_server srv{https_config()};
  {
    client c(srv.https_port());  // plain TCP
    const auto r = c.send(make_request(http::verb::get, "/v1/actions", admin));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header(http::field::content_type), "application/json");
    EXPECT_EQ(r.json_body()["error_code"], "bad_request") << r.body;
    EXPECT_FALSE(r.keep_alive);
  }
  EXPECT_EQ(tls_get(srv.https_port(), "/v1/actions").status, 200);
  EXPECT_EQ(srv.get("/v1/actions").status, 200);
}

TEST(tls, broken_handshakes_do_not_hurt_the_server) {
  test_server srv{https_config()};
  const std::string hello = client_hello();
  ASSERT_GT(hello.size(), 10u);
  {
    client half(srv.https_port());
    half.write_raw(hello.substr(0, hello.size() / 2));
  }                                      // closed mid-handshake
  { client nothing(srv.https_port()); }  // connected, sent nothing, left
  {
    client whole(srv.https_port());
    whole.write_raw(hello);
  }  // left before the server's answer
  {
    client junk(srv.https_port());
    junk.write_raw(std::string("\x16\x03\x01\x00\x05garbagegarbage", 19));
    beast::error_code ec;
    junk.read_until_closed(ec);  // the server gives up on it
    EXPECT_NE(ec, beast::error::timeout);
  }
  EXPECT_EQ(tls_get(srv.https_port(), "/v1/actions").body, seed_list_body());

  // A stalled handshake does not hold up anyone else.
  client stalled(srv.https_port());
  stalled.write_raw(hello.substr(0, hello.size() / 2));
  EXPECT_EQ(tls_get(srv.https_port(), "/v1/actions").status, 200);
  EXPECT_EQ(srv.get("/v1/actions").status, 200);
}

// --- Start-up errors -------------------------------------------------------------------

// server::start() with `cfg` must throw, naming `file`.
void expect_start_error(config cfg, const std::string& file, const std::string& also = {}) {
  quiet_logging();
  app a(std::move(cfg));
  server s(a);
  try {
    s.start();
    ADD_FAILURE() << "start() succeeded";
  } catch (const std::exception& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(file), std::string::npos) << message;
    if (!also.empty()) {
      EXPECT_NE(message.find(also), std::string::npos) << message;
    }
  }
}

TEST(tls, missing_certificate_file_fails_start_up) {
  temp_dir dir;
  const auto key = make_key();
  write_key(dir.file("key.pem"), key.get());
  const std::string missing = dir.file("missing-cert.pem");
  expect_start_error(https_config([&](json& doc) {
                       doc["server"]["tls_cert"] = missing;
                       doc["server"]["tls_key"] = dir.file("key.pem");
                     }),
                     missing);
}

TEST(tls, key_that_does_not_match_fails_start_up) {
  temp_dir dir;
  const auto key = make_key();
  const auto other = make_key();
  const auto cert = make_cert(key.get(), "localhost", false);
  write_cert(dir.file("cert.pem"), cert.get());
  write_key(dir.file("other-key.pem"), other.get());
  expect_start_error(https_config([&](json& doc) {
                       doc["server"]["tls_cert"] = dir.file("cert.pem");
                       doc["server"]["tls_key"] = dir.file("other-key.pem");
                     }),
                     dir.file("other-key.pem"), "does not match");
}

TEST(tls, encrypted_key_fails_start_up) {
  temp_dir dir;
  const auto key = make_key();
  const auto cert = make_cert(key.get(), "localhost", false);
  write_cert(dir.file("cert.pem"), cert.get());
  write_key(dir.file("encrypted-key.pem"), key.get(), "s3cret-passphrase");
  expect_start_error(https_config([&](json& doc) {
                       doc["server"]["tls_cert"] = dir.file("cert.pem");
                       doc["server"]["tls_key"] = dir.file("encrypted-key.pem");
                     }),
                     dir.file("encrypted-key.pem"), "encrypted");
}

}  // namespace
}  // namespace reemu::test
