// Unit tests for reemu::make_tls_setup: the generated certificate, loading PEM
// files, the precise start-up errors, and the protocol/cipher policy. No
// sockets: handshakes run between two in-memory SSL objects over a BIO pair.

#include "reemu/net/tls.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using reemu::make_tls_setup;
using reemu::tls_error;
using reemu::tls_options;
using reemu::tls_setup;

struct openssl_free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
  void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
  void operator()(SSL* p) const noexcept { SSL_free(p); }
  void operator()(SSL_CTX* p) const noexcept { SSL_CTX_free(p); }
  void operator()(X509_STORE* p) const noexcept { X509_STORE_free(p); }
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
template <typename T>
using openssl_ptr = std::unique_ptr<T, openssl_free>;

// A fresh directory per test, removed afterwards, so tests never share files.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    std::ostringstream name;
    name << "reemu-tls-test-" << std::hex << rd() << rd();
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

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

openssl_ptr<EVP_PKEY> make_ec_key() {
  openssl_ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EXPECT_TRUE(key);
  return key;
}

openssl_ptr<EVP_PKEY> make_rsa_key() {
  openssl_ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  EXPECT_TRUE(key);
  return key;
}

// A minimal certificate for `key`, signed by `signer` (self-signed when the
// two are the same): enough for the loader, which does not verify chains.
openssl_ptr<X509> make_cert(EVP_PKEY* key, const std::string& cn, EVP_PKEY* signer = nullptr,
                            X509* issuer = nullptr) {
  openssl_ptr<X509> cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600L);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(cert.get(), key);
  EXPECT_GT(X509_sign(cert.get(), signer != nullptr ? signer : key, EVP_sha256()), 0);
  return cert;
}

void write_cert(const std::string& path, X509* cert, bool append = false) {
  openssl_ptr<std::FILE> f(std::fopen(path.c_str(), append ? "ab" : "wb"));
  ASSERT_TRUE(f) << path;
  ASSERT_EQ(PEM_write_X509(f.get(), cert), 1);
}

void write_key(const std::string& path, EVP_PKEY* key, const char* password = nullptr) {
  openssl_ptr<std::FILE> f(std::fopen(path.c_str(), "wb"));
  ASSERT_TRUE(f) << path;
  if (password == nullptr) {
    ASSERT_EQ(PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  } else {
    auto* pass = reinterpret_cast<const unsigned char*>(password);
    ASSERT_EQ(PEM_write_PrivateKey(f.get(), key, EVP_aes_256_cbc(), pass,
                                   static_cast<int>(std::strlen(password)), nullptr, nullptr),
              1);
  }
}

openssl_ptr<X509> read_cert(const std::string& path) {
  openssl_ptr<std::FILE> f(std::fopen(path.c_str(), "rb"));
  EXPECT_TRUE(f) << path;
  if (!f) return nullptr;
  return openssl_ptr<X509>(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
}

std::set<std::string> alt_names(X509* cert) {
  std::set<std::string> out;
  openssl_ptr<GENERAL_NAMES> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type == GEN_DNS) {
      const ASN1_STRING* s = gn->d.dNSName;
      out.insert("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                      static_cast<size_t>(ASN1_STRING_length(s))));
    } else if (gn->type == GEN_IPADD) {
      const ASN1_STRING* s = gn->d.iPAddress;
      std::array<char, INET6_ADDRSTRLEN> text{};
      const int family = ASN1_STRING_length(s) == 4 ? AF_INET : AF_INET6;
      inet_ntop(family, ASN1_STRING_get0_data(s), text.data(), text.size());
      out.insert("IP:" + std::string(text.data()));
    }
  }
  return out;
}

std::string name_entry(X509* cert, int nid) {
  std::array<char, 256> text{};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), nid, text.data(),
                            static_cast<int>(text.size()));
  return text.data();
}

// Runs `body` and returns the tls_error message, failing the test when
// nothing or something else was thrown.
template <typename F>
std::string tls_error_message(F&& body) {
  try {
    body();
  } catch (const tls_error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected tls_error, got: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected tls_error, nothing was thrown";
  return {};
}

// A TLS 1.2/1.3 handshake between `server_ctx` and a client, in memory.
struct handshake_result {
  bool ok = false;
  std::string version;
  std::string cipher;
  long verify_result = -1;
};

handshake_result handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx,
                           const char* verify_host = nullptr) {
  handshake_result result;
  openssl_ptr<SSL> server(SSL_new(server_ctx));
  openssl_ptr<SSL> client(SSL_new(client_ctx));
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  EXPECT_EQ(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0), 1);
  SSL_set_bio(server.get(), server_bio, server_bio);  // each SSL now owns its end
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client.get());
  if (verify_host != nullptr) SSL_set1_host(client.get(), verify_host);
  SSL_set_tlsext_host_name(client.get(), "localhost");

  for (int round = 0; round < 50; ++round) {
    const int c = SSL_do_handshake(client.get());
    const int s = SSL_do_handshake(server.get());
    if (c == 1 && s == 1) {
      result.ok = true;
      result.version = SSL_get_version(client.get());
      result.cipher = SSL_get_cipher_name(client.get());
      result.verify_result = SSL_get_verify_result(client.get());
      break;
    }
    const int ce = SSL_get_error(client.get(), c);
    const int se = SSL_get_error(server.get(), s);
    const auto pending = [](int e, int r) {
      return r == 1 || e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
    };
    if (!pending(ce, c) || !pending(se, s)) break;
  }
  ERR_clear_error();
  return result;
}

openssl_ptr<SSL_CTX> client_context(int min_version, int max_version) {
  openssl_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(ctx.get(), min_version);
  SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  // Lets the client offer old protocols/ciphers at all, so that a refusal is
  // the server's doing.
  SSL_CTX_set_cipher_list(ctx.get(), "ALL:@SECLEVEL=0");
  return ctx;
}

// --- Generated certificate ---------------------------------------------------

TEST(tls_generated, makes_context_and_fingerprint) {
  const tls_setup setup = make_tls_setup({});
  ASSERT_TRUE(setup.context);
  EXPECT_TRUE(setup.generated);
  ASSERT_EQ(setup.fingerprint_sha256.size(), 95u) << setup.fingerprint_sha256;
  for (size_t i = 0; i < setup.fingerprint_sha256.size(); ++i) {
    const char c = setup.fingerprint_sha256[i];
    if (i % 3 == 2) {
      EXPECT_EQ(c, ':') << "at " << i;
    } else {
      EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) << "at " << i << ": " << c;
    }
  }
  EXPECT_NE(setup.subject.find("CN=localhost"), std::string::npos) << setup.subject;
  EXPECT_NE(setup.subject.find("O=re-actions-emulator"), std::string::npos) << setup.subject;
  EXPECT_EQ(SSL_CTX_check_private_key(setup.context->native_handle()), 1);
}

TEST(tls_generated, fingerprint_matches_certificate_der) {
  temp_dir dir;
  tls_options options;
  options.cert_out_file = dir.file("cert.pem");
  const tls_setup setup = make_tls_setup(options);
  openssl_ptr<X509> cert = read_cert(options.cert_out_file);
  ASSERT_TRUE(cert);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  ASSERT_EQ(X509_digest(cert.get(), EVP_sha256(), md.data(), &len), 1);
  std::string expected;
  for (unsigned int i = 0; i < len; ++i) {
    std::array<char, 4> pair{};
    std::snprintf(pair.data(), pair.size(), "%02X", md[i]);
    if (i != 0) expected += ':';
    expected += pair.data();
  }
  EXPECT_EQ(setup.fingerprint_sha256, expected);
}

TEST(tls_generated, each_start_gets_a_new_certificate) {
  const tls_setup a = make_tls_setup({});
  const tls_setup b = make_tls_setup({});
  EXPECT_NE(a.fingerprint_sha256, b.fingerprint_sha256);
  const ASN1_INTEGER* serial_a =
      X509_get0_serialNumber(SSL_CTX_get0_certificate(a.context->native_handle()));
  const ASN1_INTEGER* serial_b =
      X509_get0_serialNumber(SSL_CTX_get0_certificate(b.context->native_handle()));
  EXPECT_NE(ASN1_INTEGER_cmp(serial_a, serial_b), 0);
  EXPECT_EQ(ASN1_STRING_length(serial_a), 16);  // 128-bit, positive
}

TEST(tls_generated, written_certificate_has_names_validity_and_extensions) {
  temp_dir dir;
  tls_options options;
  options.cert_out_file = dir.file("out/../cert.pem");
  fs::create_directories(dir.file("out"));
  const tls_setup setup = make_tls_setup(options);
  openssl_ptr<X509> cert = read_cert(options.cert_out_file);
  ASSERT_TRUE(cert);

  const std::set<std::string> names = alt_names(cert.get());
  EXPECT_TRUE(names.count("DNS:localhost")) << ::testing::PrintToString(names);
  EXPECT_TRUE(names.count("IP:127.0.0.1")) << ::testing::PrintToString(names);
  EXPECT_TRUE(names.count("IP:::1")) << ::testing::PrintToString(names);

  EXPECT_EQ(name_entry(cert.get(), NID_commonName), "localhost");
  EXPECT_EQ(name_entry(cert.get(), NID_organizationName), "re-actions-emulator");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);

  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_EQ(days, 365);
  EXPECT_EQ(seconds, 3600);  // notBefore is back-dated by an hour
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert.get())), 0);

  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(EVP_PKEY_is_a(X509_get0_pubkey(cert.get()), "EC"), 1);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);  // CA:FALSE
  EXPECT_NE(X509_get_extension_flags(cert.get()) & EXFLAG_BCONS, 0u);
  EXPECT_NE(X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE, 0u);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);

  // The file holds exactly one certificate and no key material.
  const std::string pem = read_text(options.cert_out_file);
  EXPECT_EQ(pem.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(pem.find("BEGIN CERTIFICATE"), pem.rfind("BEGIN CERTIFICATE"));
  // No temporary file is left beside it.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry :
       fs::directory_iterator(fs::path(options.cert_out_file).parent_path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 2u);  // cert.pem and out/
}

TEST(tls_generated, extra_names_become_dns_and_ip_entries) {
  temp_dir dir;
  tls_options options;
  options.cert_out_file = dir.file("cert.pem");
  options.extra_names = {"emu.example.test", "10.1.2.3", "fe80::1", "LOCALHOST", ""};
  make_tls_setup(options);
  openssl_ptr<X509> cert = read_cert(options.cert_out_file);
  ASSERT_TRUE(cert);
  const std::set<std::string> names = alt_names(cert.get());
  EXPECT_TRUE(names.count("DNS:emu.example.test")) << ::testing::PrintToString(names);
  EXPECT_TRUE(names.count("IP:10.1.2.3")) << ::testing::PrintToString(names);
  EXPECT_TRUE(names.count("IP:fe80::1")) << ::testing::PrintToString(names);
  // "LOCALHOST" is the same DNS name as the built-in one: listed once.
  openssl_ptr<GENERAL_NAMES> raw(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  ASSERT_TRUE(raw);
  EXPECT_EQ(static_cast<size_t>(sk_GENERAL_NAME_num(raw.get())), names.size());
}

TEST(tls_generated, invalid_extra_name_is_an_error) {
  tls_options options;
  options.extra_names = {"two words"};
  const std::string message = tls_error_message([&] { make_tls_setup(options); });
  EXPECT_NE(message.find("'two words'"), std::string::npos) << message;
}

TEST(tls_generated, cert_out_file_in_missing_directory_names_the_file) {
  temp_dir dir;
  tls_options options;
  options.cert_out_file = dir.file("no/such/dir/cert.pem");
  const std::string message = tls_error_message([&] { make_tls_setup(options); });
  EXPECT_NE(message.find(options.cert_out_file), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

// --- Loading files -------------------------------------------------------------

TEST(tls_load, written_certificate_loads_with_its_key) {
  temp_dir dir;
  tls_options generate;
  generate.cert_out_file = dir.file("cert.pem");
  const tls_setup generated = make_tls_setup(generate);
  // The generated key is only in the context; write it out to reload the pair.
  EVP_PKEY* key = SSL_CTX_get0_privatekey(generated.context->native_handle());
  ASSERT_NE(key, nullptr);
  write_key(dir.file("key.pem"), key);

  tls_options load;
  load.cert_file = dir.file("cert.pem");
  load.key_file = dir.file("key.pem");
  load.cert_out_file = dir.file("copy.pem");
  const tls_setup loaded = make_tls_setup(load);
  ASSERT_TRUE(loaded.context);
  EXPECT_FALSE(loaded.generated);
  EXPECT_EQ(loaded.fingerprint_sha256, generated.fingerprint_sha256);
  EXPECT_EQ(loaded.subject, generated.subject);
  EXPECT_EQ(read_text(load.cert_out_file), read_text(generate.cert_out_file));
}

TEST(tls_load, rsa_pair_from_helper_loads) {
  temp_dir dir;
  openssl_ptr<EVP_PKEY> key = make_rsa_key();
  openssl_ptr<X509> cert = make_cert(key.get(), "rsa.example.test");
  write_cert(dir.file("cert.pem"), cert.get());
  write_key(dir.file("key.pem"), key.get());
  tls_options options;
  options.cert_file = dir.file("cert.pem");
  options.key_file = dir.file("key.pem");
  const tls_setup setup = make_tls_setup(options);
  EXPECT_FALSE(setup.generated);
  EXPECT_EQ(setup.subject, "CN=rsa.example.test");
}

TEST(tls_load, chain_file_uses_and_writes_the_leaf) {
  temp_dir dir;
  openssl_ptr<EVP_PKEY> ca_key = make_ec_key();
  openssl_ptr<X509> ca = make_cert(ca_key.get(), "Test CA");
  openssl_ptr<EVP_PKEY> leaf_key = make_ec_key();
  openssl_ptr<X509> leaf = make_cert(leaf_key.get(), "leaf.example.test", ca_key.get(), ca.get());
  write_cert(dir.file("chain.pem"), leaf.get());
  write_cert(dir.file("chain.pem"), ca.get(), /*append=*/true);
  write_key(dir.file("key.pem"), leaf_key.get());

  tls_options options;
  options.cert_file = dir.file("chain.pem");
  options.key_file = dir.file("key.pem");
  options.cert_out_file = dir.file("leaf.pem");
  const tls_setup setup = make_tls_setup(options);
  EXPECT_EQ(setup.subject, "CN=leaf.example.test");
  openssl_ptr<X509> written = read_cert(options.cert_out_file);
  ASSERT_TRUE(written);
  EXPECT_EQ(X509_cmp(written.get(), leaf.get()), 0);
  STACK_OF(X509)* extra = nullptr;
  ASSERT_EQ(SSL_CTX_get0_chain_certs(setup.context->native_handle(), &extra), 1);
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(sk_X509_num(extra), 1);
}

// --- Errors -----------------------------------------------------------------------

class tls_errors : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = make_ec_key();
    cert_ = make_cert(key_.get(), "localhost");
    write_cert(cert_path(), cert_.get());
    write_key(key_path(), key_.get());
  }
  std::string cert_path() const { return dir_.file("cert.pem"); }
  std::string key_path() const { return dir_.file("key.pem"); }
  tls_options options(const std::string& cert, const std::string& key) const {
    tls_options o;
    o.cert_file = cert;
    o.key_file = key;
    return o;
  }
  std::string error_for(const std::string& cert, const std::string& key) {
    return tls_error_message([&] { make_tls_setup(options(cert, key)); });
  }

  temp_dir dir_;
  openssl_ptr<EVP_PKEY> key_;
  openssl_ptr<X509> cert_;
};

TEST_F(tls_errors, fixture_files_load) {
  EXPECT_NO_THROW(make_tls_setup(options(cert_path(), key_path())));
}

TEST_F(tls_errors, missing_certificate_file) {
  const std::string missing = dir_.file("nope/cert.pem");
  const std::string message = error_for(missing, key_path());
  EXPECT_EQ(message,
            "cannot read TLS certificate file '" + missing + "': No such file or directory");
}

TEST_F(tls_errors, missing_key_file) {
  const std::string missing = dir_.file("missing-key.pem");
  const std::string message = error_for(cert_path(), missing);
  EXPECT_NE(message.find("'" + missing + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

TEST_F(tls_errors, certificate_is_a_directory) {
  const std::string message = error_for(dir_.file(""), key_path());
  EXPECT_NE(message.find(dir_.file("")), std::string::npos) << message;
  EXPECT_NE(message.find("Is a directory"), std::string::npos) << message;
}

TEST_F(tls_errors, key_does_not_match_certificate) {
  openssl_ptr<EVP_PKEY> other = make_ec_key();
  write_key(dir_.file("other-key.pem"), other.get());
  const std::string message = error_for(cert_path(), dir_.file("other-key.pem"));
  EXPECT_NE(message.find("'" + dir_.file("other-key.pem") + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("does not match"), std::string::npos) << message;
  EXPECT_NE(message.find("'" + cert_path() + "'"), std::string::npos) << message;
}

TEST_F(tls_errors, key_of_another_type_does_not_match_certificate) {
  // An RSA key beside an EC certificate goes into a different slot of the
  // context, so only the final SSL_CTX_check_private_key catches it.
  openssl_ptr<EVP_PKEY> rsa = make_rsa_key();
  write_key(dir_.file("rsa-key.pem"), rsa.get());
  const std::string message = error_for(cert_path(), dir_.file("rsa-key.pem"));
  EXPECT_NE(message.find("'" + dir_.file("rsa-key.pem") + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("does not match"), std::string::npos) << message;
}

TEST_F(tls_errors, encrypted_key) {
  write_key(dir_.file("encrypted-key.pem"), key_.get(), "s3cret");
  ASSERT_NE(read_text(dir_.file("encrypted-key.pem")).find("ENCRYPTED"), std::string::npos);
  const std::string message = error_for(cert_path(), dir_.file("encrypted-key.pem"));
  EXPECT_NE(message.find("'" + dir_.file("encrypted-key.pem") + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("encrypted"), std::string::npos) << message;
  EXPECT_NE(message.find("password"), std::string::npos) << message;
}

TEST_F(tls_errors, legacy_encrypted_key) {
  // Traditional "Proc-Type: 4,ENCRYPTED" PEM, as `openssl ec -aes256` writes.
  const std::string path = dir_.file("legacy-key.pem");
  {
    openssl_ptr<BIO> f(BIO_new_file(path.c_str(), "wb"));
    ASSERT_TRUE(f);
    const char* password = "s3cret";
    ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(f.get(), key_.get(), EVP_aes_256_cbc(),
                                                   reinterpret_cast<const unsigned char*>(password),
                                                   6, nullptr, nullptr),
              1);
  }
  ASSERT_NE(read_text(path).find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  const std::string message = error_for(cert_path(), path);
  EXPECT_NE(message.find("'" + path + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("encrypted"), std::string::npos) << message;
}

TEST_F(tls_errors, garbage_certificate_file) {
  write_text(dir_.file("garbage.pem"), "this is not a certificate\n");
  const std::string message = error_for(dir_.file("garbage.pem"), key_path());
  EXPECT_NE(message.find("'" + dir_.file("garbage.pem") + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("not a PEM certificate"), std::string::npos) << message;
}

TEST_F(tls_errors, corrupt_pem_certificate) {
  write_text(dir_.file("corrupt.pem"),
             "-----BEGIN CERTIFICATE-----\nAAAA!!!!not base64\n-----END CERTIFICATE-----\n");
  const std::string message = error_for(dir_.file("corrupt.pem"), key_path());
  EXPECT_NE(message.find("'" + dir_.file("corrupt.pem") + "'"), std::string::npos) << message;
}

TEST_F(tls_errors, empty_certificate_file) {
  write_text(dir_.file("empty.pem"), "");
  const std::string message = error_for(dir_.file("empty.pem"), key_path());
  EXPECT_NE(message.find("'" + dir_.file("empty.pem") + "' is empty"), std::string::npos)
      << message;
}

TEST_F(tls_errors, certificate_given_as_key) {
  const std::string message = error_for(cert_path(), cert_path());
  EXPECT_NE(message.find("not a PEM private key"), std::string::npos) << message;
}

TEST_F(tls_errors, certificate_without_key) {
  const std::string message = error_for(cert_path(), "");
  EXPECT_NE(message.find("'" + cert_path() + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("key_file"), std::string::npos) << message;
}

TEST_F(tls_errors, key_without_certificate) {
  const std::string message = error_for("", key_path());
  EXPECT_NE(message.find("'" + key_path() + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("cert_file"), std::string::npos) << message;
}

TEST_F(tls_errors, no_error_is_left_in_the_openssl_queue) {
  ERR_clear_error();
  write_key(dir_.file("encrypted-key.pem"), key_.get(), "s3cret");
  (void)error_for(cert_path(), dir_.file("encrypted-key.pem"));
  EXPECT_EQ(ERR_peek_error(), 0u);
  (void)make_tls_setup({});
  EXPECT_EQ(ERR_peek_error(), 0u);
}

// --- Protocol policy (in-memory handshakes) ---------------------------------------

TEST(tls_policy, context_settings) {
  const tls_setup setup = make_tls_setup({});
  SSL_CTX* ctx = setup.context->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  const uint64_t options = SSL_CTX_get_options(ctx);
  EXPECT_NE(options & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_NE(options & SSL_OP_NO_RENEGOTIATION, 0u);
  EXPECT_NE(options & SSL_OP_CIPHER_SERVER_PREFERENCE, 0u);

  const STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(ctx);
  ASSERT_NE(ciphers, nullptr);
  int tls13 = 0;
  int tls12 = 0;
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
    const std::string name = SSL_CIPHER_get_name(cipher);
    EXPECT_EQ(SSL_CIPHER_is_aead(cipher), 1) << name;
    if (SSL_CIPHER_get_kx_nid(cipher) == NID_kx_any) {
      ++tls13;  // TLS 1.3 suites do not fix the key exchange
    } else {
      ++tls12;
      EXPECT_EQ(SSL_CIPHER_get_kx_nid(cipher), NID_kx_ecdhe) << name;
      EXPECT_TRUE(name.find("GCM") != std::string::npos ||
                  name.find("CHACHA20") != std::string::npos)
          << name;
    }
  }
  EXPECT_EQ(tls13, 3);
  EXPECT_EQ(tls12, 6);
}

TEST(tls_policy, negotiates_tls13_by_default_and_verifies_as_localhost) {
  temp_dir dir;
  tls_options options;
  options.cert_out_file = dir.file("cert.pem");
  const tls_setup setup = make_tls_setup(options);

  openssl_ptr<SSL_CTX> client(SSL_CTX_new(TLS_client_method()));
  ASSERT_EQ(SSL_CTX_load_verify_locations(client.get(), options.cert_out_file.c_str(), nullptr), 1);
  SSL_CTX_set_verify(client.get(), SSL_VERIFY_PEER, nullptr);
  const handshake_result result =
      handshake(setup.context->native_handle(), client.get(), "localhost");
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.version, "TLSv1.3");
  EXPECT_EQ(result.verify_result, X509_V_OK);

  const handshake_result wrong_host =
      handshake(setup.context->native_handle(), client.get(), "not-this-host.example");
  EXPECT_FALSE(wrong_host.ok);
}

TEST(tls_policy, tls12_uses_ecdhe_aead) {
  const tls_setup setup = make_tls_setup({});
  openssl_ptr<SSL_CTX> client = client_context(TLS1_2_VERSION, TLS1_2_VERSION);
  const handshake_result result = handshake(setup.context->native_handle(), client.get());
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.version, "TLSv1.2");
  EXPECT_EQ(result.cipher.rfind("ECDHE-ECDSA-", 0), 0u) << result.cipher;
  EXPECT_NE(result.cipher.find("GCM"), std::string::npos) << result.cipher;
}

TEST(tls_policy, refuses_tls11_and_weak_ciphers) {
  const tls_setup setup = make_tls_setup({});
  openssl_ptr<SSL_CTX> old = client_context(TLS1_1_VERSION, TLS1_1_VERSION);
  EXPECT_FALSE(handshake(setup.context->native_handle(), old.get()).ok);

  openssl_ptr<SSL_CTX> weak = client_context(TLS1_2_VERSION, TLS1_2_VERSION);
  ASSERT_EQ(SSL_CTX_set_cipher_list(weak.get(), "ECDHE-ECDSA-AES128-SHA:AES128-GCM-SHA256"), 1);
  EXPECT_FALSE(handshake(setup.context->native_handle(), weak.get()).ok);
}

}  // namespace
