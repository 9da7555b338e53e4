// TLS for the HTTPS listener (see include/reemu/tls.hpp): a TLS 1.2/1.3-only
// server context, loaded from a PEM chain and key or, when none is configured,
// given a self-signed certificate made in memory at start-up.
//
// Everything here runs once on the start-up path, so failures are reported as
// tls_error with a message an operator can act on: it names the file and says
// what is wrong with it, rather than relaying a bare OpenSSL reason code.

#include "reemu/net/tls.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "reemu/util/atomic_file.hpp"
#include "reemu/util/hex.hpp"

namespace reemu {
namespace {

namespace ssl = boost::asio::ssl;

// One deleter for every OpenSSL type used here, so each object is owned by a
// unique_ptr from the moment it exists and nothing leaks on an early throw.
struct openssl_free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
  void operator()(GENERAL_NAME* p) const noexcept { GENERAL_NAME_free(p); }
  void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
  void operator()(ASN1_STRING* p) const noexcept { ASN1_STRING_free(p); }
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
};
template <typename T>
using openssl_ptr = std::unique_ptr<T, openssl_free>;

struct file_close {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

// Mozilla "intermediate" TLS 1.2 list: forward secrecy (ECDHE) and AEAD only.
// Both ECDSA and RSA variants, so a loaded RSA certificate works as well as the
// generated P-256 one. TLS 1.3 suites are left at OpenSSL's defaults, which
// are all AEAD already.
constexpr const char* tls12_cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Guards against pointing cert_file at something huge or endless (/dev/zero);
// a full CA bundle is well under 1 MiB.
constexpr std::size_t max_pem_file_size = 16UL * 1024 * 1024;

constexpr long seconds_per_day = 24L * 60L * 60L;

// OpenSSL keeps a thread-local error queue. Draining it into text both makes
// the message and stops stale entries from confusing a later, unrelated call.
struct openssl_errors {
  std::string text;
  std::vector<unsigned long> codes;
};

openssl_errors drain_openssl_errors(unsigned long first = 0) {
  openssl_errors errors;
  auto add = [&errors](unsigned long code) {
    if (code == 0) return;
    errors.codes.push_back(code);
    const char* reason = ERR_reason_error_string(code);
    std::string item;
    if (reason != nullptr) {
      item = reason;
    } else {
      std::array<char, 256> buffer{};
      ERR_error_string_n(code, buffer.data(), buffer.size());
      item = buffer.data();
    }
    // Nested decoders often repeat the same reason; once is enough.
    if (errors.text.find(item) != std::string::npos) return;
    if (!errors.text.empty()) errors.text += "; ";
    errors.text += item;
  };
  add(first);
  while (unsigned long code = ERR_get_error()) add(code);
  if (errors.text.empty()) errors.text = "unknown OpenSSL error";
  return errors;
}

// Boost pops the first queued error into the error_code; put it back in front
// of whatever is still queued.
openssl_errors drain_openssl_errors(const boost::system::error_code& ec) {
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    return drain_openssl_errors(static_cast<unsigned long>(ec.value()));
  }
  openssl_errors errors = drain_openssl_errors();
  errors.text = ec.message() + (errors.codes.empty() ? "" : "; " + errors.text);
  return errors;
}

[[noreturn]] void fail_openssl(const std::string& what) {
  throw tls_error(what + ": " + drain_openssl_errors().text);
}

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// Reads a whole (small) file so that its problems can be named precisely
// before OpenSSL sees it: errno text for missing/unreadable files, and the
// content for "not PEM" and "encrypted" checks.
std::string read_small_file(const std::string& path, const std::string& what) {
  errno = 0;
  std::unique_ptr<std::FILE, file_close> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    throw tls_error("cannot read " + what + " " + quoted(path) + ": " +
                    std::generic_category().message(errno));
  }
  std::string contents;
  std::array<char, 16384> buffer{};
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    contents.append(buffer.data(), n);
    if (contents.size() > max_pem_file_size) {
      throw tls_error(what + " " + quoted(path) + " is larger than 16 MiB; it is not a PEM file");
    }
    if (n < buffer.size()) break;
  }
  if (std::ferror(file.get()) != 0) {
    // A directory opens fine on Linux and fails here with EISDIR.
    throw tls_error("cannot read " + what + " " + quoted(path) + ": " +
                    std::generic_category().message(errno));
  }
  if (contents.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw tls_error(what + " " + quoted(path) + " is empty");
  }
  return contents;
}

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

// Never lets OpenSSL fall back to prompting on the terminal for a key
// passphrase (the emulator runs unattended): report that a password was asked
// for, and refuse. A negative return makes OpenSSL fail the read outright
// instead of trying an empty passphrase.
int refuse_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* userdata) {
  if (userdata != nullptr) *static_cast<bool*>(userdata) = true;
  return -1;
}

// Points the password callback's userdata at a local flag for the duration of
// one key load. Boost's context destructor deletes any non-null userdata as
// its own callback object, so the pointer must be cleared again on every path.
class password_probe {
 public:
  explicit password_probe(SSL_CTX* ctx) : ctx_(ctx) {
    SSL_CTX_set_default_passwd_cb_userdata(ctx_, &asked_);
  }
  ~password_probe() { SSL_CTX_set_default_passwd_cb_userdata(ctx_, nullptr); }
  password_probe(const password_probe&) = delete;
  password_probe& operator=(const password_probe&) = delete;
  bool asked() const { return asked_; }

 private:
  SSL_CTX* ctx_;
  bool asked_ = false;
};

bool is_key_mismatch(unsigned long code) {
  const int lib = ERR_GET_LIB(code);
  const int reason = ERR_GET_REASON(code);
  return (lib == ERR_LIB_X509 &&
          (reason == X509_R_KEY_VALUES_MISMATCH || reason == X509_R_KEY_TYPE_MISMATCH)) ||
         (lib == ERR_LIB_SSL && reason == SSL_R_NO_CERTIFICATE_ASSIGNED);
}

// Loads the private key, telling an encrypted key and a key that does not
// match the certificate apart from other failures.
void load_private_key(ssl::context& context, const std::string& key_path,
                      const std::string& key_text, const std::string& cert_path) {
  SSL_CTX* ctx = context.native_handle();
  boost::system::error_code ec;
  password_probe probe(ctx);
  ERR_clear_error();
  context.use_private_key_file(key_path, ssl::context::pem, ec);
  if (ec) {
    const openssl_errors errors = drain_openssl_errors(ec);
    // The probe is the real signal; the PEM headers cover a decoder that
    // gives up before asking.
    if (probe.asked() || contains(key_text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
        contains(key_text, "Proc-Type: 4,ENCRYPTED")) {
      throw tls_error("TLS private key file " + quoted(key_path) +
                      " is encrypted (password-protected); the emulator cannot ask for a "
                      "password, so give it an unencrypted key (e.g. `openssl pkey -in " +
                      key_path + " -out plain-key.pem`)");
    }
    if (std::any_of(errors.codes.begin(), errors.codes.end(), is_key_mismatch)) {
      throw tls_error("TLS private key file " + quoted(key_path) +
                      " does not match the certificate in " + quoted(cert_path) + " (" +
                      errors.text + ")");
    }
    throw tls_error("cannot load TLS private key from " + quoted(key_path) + ": " + errors.text);
  }
}

// Catches the pairs use_private_key_file lets through (see below).
void check_key_matches(SSL_CTX* ctx, const std::string& key_path, const std::string& cert_path) {
  // use_private_key_file only compares a key with a certificate of the same
  // type; an RSA key beside an EC certificate is caught here.
  ERR_clear_error();
  if (SSL_CTX_check_private_key(ctx) != 1) {
    std::string detail = drain_openssl_errors().text;
    // OpenSSL's own reason here ("no certificate assigned") would mislead:
    // the certificate is loaded, just in the slot of another key type.
    if (SSL_CTX_get0_certificate(ctx) == nullptr) {
      const EVP_PKEY* key = SSL_CTX_get0_privatekey(ctx);
      const char* type = key != nullptr ? EVP_PKEY_get0_type_name(key) : nullptr;
      detail = std::string("the key is ") + (type != nullptr ? type : "of another type") +
               ", not the certificate's key type";
    }
    throw tls_error("TLS private key file " + quoted(key_path) +
                    " does not match the certificate in " + quoted(cert_path) + " (" + detail +
                    ")");
  }
}

void load_certificate_and_key(ssl::context& context, const tls_options& options) {
  SSL_CTX* ctx = context.native_handle();
  const std::string& cert_path = options.cert_file;
  const std::string& key_path = options.key_file;

  const std::string cert_text = read_small_file(cert_path, "TLS certificate file");
  if (!contains(cert_text, "-----BEGIN CERTIFICATE-----")) {
    throw tls_error("TLS certificate file " + quoted(cert_path) +
                    " is not a PEM certificate (no '-----BEGIN CERTIFICATE-----' block)");
  }
  const std::string key_text = read_small_file(key_path, "TLS private key file");
  if (!contains(key_text, "-----BEGIN ") || !contains(key_text, "PRIVATE KEY-----")) {
    throw tls_error("TLS private key file " + quoted(key_path) +
                    " is not a PEM private key (no '-----BEGIN ... PRIVATE KEY-----' block)");
  }

  // Installed before any PEM read so that nothing can reach the tty prompt.
  SSL_CTX_set_default_passwd_cb(ctx, &refuse_password);

  boost::system::error_code ec;
  ERR_clear_error();
  context.use_certificate_chain_file(cert_path, ec);
  if (ec) {
    throw tls_error("cannot load TLS certificate chain from " + quoted(cert_path) + ": " +
                    drain_openssl_errors(ec).text);
  }

  load_private_key(context, key_path, key_text, cert_path);
  check_key_matches(ctx, key_path, cert_path);
}

// --- Self-signed certificate -------------------------------------------------

bool is_valid_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '*';
  });
}

// Adds name to the SAN list as an IP address when it parses as one, else as a
// DNS name; duplicates (e.g. a hostname equal to an extra name) are skipped.
// Returns false when the name is neither.
bool add_alt_name(GENERAL_NAMES* names, const std::string& name) {
  openssl_ptr<GENERAL_NAME> entry(GENERAL_NAME_new());
  if (!entry) fail_openssl("cannot allocate a subjectAltName entry");

  if (openssl_ptr<ASN1_OCTET_STRING> ip{a2i_IPADDRESS(name.c_str())}) {
    GENERAL_NAME_set0_value(entry.get(), GEN_IPADD, ip.release());
  } else {
    ERR_clear_error();  // not an address: not an error
    if (!is_valid_dns_name(name)) return false;
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    openssl_ptr<ASN1_IA5STRING> dns(ASN1_IA5STRING_new());
    if (!dns || ASN1_STRING_set(dns.get(), lower.data(), static_cast<int>(lower.size())) != 1) {
      fail_openssl("cannot encode subjectAltName " + quoted(name));
    }
    GENERAL_NAME_set0_value(entry.get(), GEN_DNS, dns.release());
  }

  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    if (GENERAL_NAME_cmp(sk_GENERAL_NAME_value(names, i), entry.get()) == 0) return true;
  }
  if (sk_GENERAL_NAME_push(names, entry.get()) <= 0) {
    fail_openssl("cannot add subjectAltName " + quoted(name));
  }
  (void)entry.release();  // now owned by the stack
  return true;
}

std::string host_name() {
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) return {};
  return buffer.data();  // the last byte stays 0 even if the name was cut
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX v3{};
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  openssl_ptr<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, &v3, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    fail_openssl(std::string("cannot add certificate extension ") + OBJ_nid2sn(nid));
  }
}

struct identity {
  openssl_ptr<EVP_PKEY> key;
  openssl_ptr<X509> cert;
};

// A random 128-bit serial, so that clients which cached an earlier run's
// certificate never see two different certificates with the same
// issuer+serial.
void set_random_serial(X509* cert) {
  std::array<unsigned char, 16> serial_bytes{};
  if (RAND_bytes(serial_bytes.data(), static_cast<int>(serial_bytes.size())) != 1) {
    fail_openssl("cannot draw a random certificate serial");
  }
  serial_bytes[0] &= 0x7f;  // positive and exactly 16 octets in DER
  serial_bytes[0] |= 0x40;  // never zero, never shorter
  openssl_ptr<BIGNUM> serial(
      BN_bin2bn(serial_bytes.data(), static_cast<int>(serial_bytes.size()), nullptr));
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr) {
    fail_openssl("cannot set the certificate serial");
  }
}

// Validity, subject and issuer (the same: self-signed), and the public key.
void set_identity(X509* cert, EVP_PKEY* key) {
  // An hour of back-dating absorbs clock skew between emulator and client.
  if (X509_gmtime_adj(X509_getm_notBefore(cert), -3600L) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert), 365L * seconds_per_day) == nullptr) {
    fail_openssl("cannot set the certificate validity");
  }

  X509_NAME* name = X509_get_subject_name(cert);
  const auto add_name_entry = [name](const char* field, const char* value) {
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(value), -1, -1, 0) != 1) {
      fail_openssl(std::string("cannot set certificate subject ") + field);
    }
  };
  add_name_entry("CN", "localhost");
  add_name_entry("O", "re-actions-emulator");
  if (X509_set_issuer_name(cert, name) != 1) fail_openssl("cannot set certificate issuer");
  if (X509_set_pubkey(cert, key) != 1) fail_openssl("cannot set certificate key");
}

// What a server certificate may be used for.
void add_usage_extensions(X509* cert, EVP_PKEY* key) {
  add_extension(cert, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert, NID_key_usage,
                EVP_PKEY_is_a(key, "RSA") == 1 ? "critical,digitalSignature,keyEncipherment"
                                               : "critical,digitalSignature");
  add_extension(cert, NID_ext_key_usage, "serverAuth");
  add_extension(cert, NID_subject_key_identifier, "hash");
}

// The subjectAltName list: loopback, this host, and the configured extras.
void add_alt_names(X509* cert, const std::vector<std::string>& extra_names) {
  // SANs are built as objects rather than a "DNS:a,IP:b" config string, so an
  // extra name can never inject another entry through a comma.
  openssl_ptr<GENERAL_NAMES> alt_names(GENERAL_NAMES_new());
  if (!alt_names) fail_openssl("cannot allocate subjectAltName");
  for (const char* fixed : {"localhost", "127.0.0.1", "::1"}) add_alt_name(alt_names.get(), fixed);
  // The machine's own name, so that https://<host>:9443 verifies from
  // elsewhere; a name we cannot encode is skipped rather than fatal.
  if (const std::string host = host_name(); !host.empty() && host != "localhost") {
    add_alt_name(alt_names.get(), host);
  }
  for (const std::string& extra : extra_names) {
    if (extra.empty()) continue;
    if (!add_alt_name(alt_names.get(), extra)) {
      throw tls_error("TLS extra name " + quoted(extra) +
                      " is neither an IP address nor a valid DNS name");
    }
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, alt_names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    fail_openssl("cannot add subjectAltName");
  }
}

// P-256: as widely accepted as RSA 2048, far faster to generate at every
// start-up, and a smaller handshake.
identity make_self_signed(const std::vector<std::string>& extra_names) {
  identity id;
  id.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!id.key) fail_openssl("cannot generate a P-256 key for the self-signed certificate");

  id.cert.reset(X509_new());
  X509* cert = id.cert.get();
  if (cert == nullptr) fail_openssl("cannot allocate a certificate");
  if (X509_set_version(cert, X509_VERSION_3) != 1) fail_openssl("cannot set certificate version");

  set_random_serial(cert);
  set_identity(cert, id.key.get());
  add_usage_extensions(cert, id.key.get());
  add_alt_names(cert, extra_names);
  if (X509_sign(cert, id.key.get(), EVP_sha256()) <= 0) {
    fail_openssl("cannot sign the self-signed certificate");
  }
  return id;
}

// --- Facts for the log, and the PEM copy --------------------------------------

std::string fingerprint_sha256(const X509* cert) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest.data(), &length) != 1) {
    fail_openssl("cannot compute the certificate fingerprint");
  }
  return to_hex(digest.data(), length, hex_case::upper, ':');
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string subject_line(const X509* cert) {
  openssl_ptr<BIO> bio(BIO_new(BIO_s_mem()));
  // ONELINE order (CN first) without the spaces around '=': "CN=localhost, O=...".
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0,
                                 XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ) < 0) {
    fail_openssl("cannot print the certificate subject");
  }
  return bio_text(bio.get());
}

std::string certificate_pem(X509* cert) {
  openssl_ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    fail_openssl("cannot encode the certificate as PEM");
  }
  return bio_text(bio.get());
}

std::string private_key_pem(EVP_PKEY* key) {
  openssl_ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || key == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail_openssl("cannot encode the private key as PEM");
  }
  return bio_text(bio.get());
}

void configure_protocols(ssl::context& context) {
  SSL_CTX* ctx = context.native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    fail_openssl("cannot set the minimum TLS version to 1.2");
  }
  context.set_options(ssl::context::no_compression | ssl::context::single_dh_use);
  // Not in Boost's option set. Renegotiation is a DoS lever and unused by
  // HTTP/1.1 clients; server preference makes the list order below count.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(ctx, tls12_cipher_list) != 1) {
    fail_openssl("cannot set the TLS 1.2 cipher list");
  }
}

// A setup with a fresh server context, its protocols and ciphers set, no
// certificate yet.
tls_setup new_server_context() {
  ERR_clear_error();
  tls_setup setup;
  try {
    setup.context = std::make_shared<ssl::context>(ssl::context::tls_server);
  } catch (const boost::system::system_error& e) {
    ERR_clear_error();
    throw tls_error(std::string("cannot create the TLS server context: ") + e.what());
  }
  configure_protocols(*setup.context);
  return setup;
}

// Fills the fingerprint and subject of the certificate `setup` serves (for a
// chain, its first certificate) and returns that certificate.
X509* describe_leaf(tls_setup& setup) {
  X509* leaf = SSL_CTX_get0_certificate(setup.context->native_handle());
  if (leaf == nullptr) fail_openssl("the TLS context has no certificate");
  setup.fingerprint_sha256 = fingerprint_sha256(leaf);
  setup.subject = subject_line(leaf);
  return leaf;
}

}  // namespace

tls_setup make_tls_setup(const tls_options& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    throw tls_error(options.cert_file.empty()
                        ? "TLS key_file " + quoted(options.key_file) +
                              " is set but cert_file is not; set both or neither"
                        : "TLS cert_file " + quoted(options.cert_file) +
                              " is set but key_file is not; set both or neither");
  }

  tls_setup setup = new_server_context();
  SSL_CTX* ctx = setup.context->native_handle();

  if (options.cert_file.empty()) {
    const identity id = make_self_signed(options.extra_names);
    // Both calls take their own reference; id frees ours on return.
    if (SSL_CTX_use_certificate(ctx, id.cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, id.key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
      fail_openssl("cannot install the self-signed certificate");
    }
    setup.generated = true;
  } else {
    load_certificate_and_key(*setup.context, options);
  }

  X509* leaf = describe_leaf(setup);
  setup.cert_pem = certificate_pem(leaf);
  setup.key_pem = private_key_pem(SSL_CTX_get0_privatekey(ctx));
  if (!options.cert_out_file.empty()) {
    // Atomic, so a reader (a test harness waiting for the file) never sees
    // half a certificate; 0644: a certificate is public, and clients read it.
    // Not fsynced: it describes this process's listener only (a generated
    // certificate is new at every start), and start-up need not wait for
    // the disk.
    if (auto err = write_file_atomically(options.cert_out_file, certificate_pem(leaf), {}, 0644,
                                         durability::replace_only)) {
      throw tls_error("cannot write TLS certificate to " + quoted(options.cert_out_file) + ": " +
                      *err);
    }
  }
  ERR_clear_error();
  return setup;
}

tls_setup make_tls_from_pem(const std::string& cert_pem, const std::string& key_pem,
                            const std::vector<std::string>& extra_names) {
  if (cert_pem.empty() && key_pem.empty()) {
    tls_options options;
    options.extra_names = extra_names;
    return make_tls_setup(options);
  }
  if (!contains(cert_pem, "-----BEGIN CERTIFICATE-----")) {
    throw tls_error("the certificate is not PEM (no '-----BEGIN CERTIFICATE-----' block)");
  }
  if (!contains(key_pem, "-----BEGIN ") || !contains(key_pem, "PRIVATE KEY-----")) {
    throw tls_error(
        "the key is not a PEM private key (no '-----BEGIN ... PRIVATE KEY-----' block)");
  }
  if (contains(key_pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
      contains(key_pem, "Proc-Type: 4,ENCRYPTED")) {
    throw tls_error("the key is encrypted (password-protected); give an unencrypted key");
  }
  tls_setup setup = new_server_context();
  SSL_CTX* ctx = setup.context->native_handle();
  SSL_CTX_set_default_passwd_cb(ctx, &refuse_password);
  boost::system::error_code ec;
  setup.context->use_certificate_chain(boost::asio::buffer(cert_pem), ec);
  if (ec) throw tls_error("the certificate does not parse: " + drain_openssl_errors(ec).text);
  setup.context->use_private_key(boost::asio::buffer(key_pem), ssl::context::pem, ec);
  if (ec) {
    const openssl_errors errors = drain_openssl_errors(ec);
    if (std::any_of(errors.codes.begin(), errors.codes.end(), is_key_mismatch)) {
      throw tls_error("the key does not match the certificate (" + errors.text + ")");
    }
    throw tls_error("the key does not parse: " + errors.text);
  }
  ERR_clear_error();
  if (SSL_CTX_check_private_key(ctx) != 1) {
    throw tls_error("the key does not match the certificate (" + drain_openssl_errors().text + ")");
  }
  describe_leaf(setup);
  setup.cert_pem = cert_pem;  // as given: the chain, and the key's own encoding
  setup.key_pem = key_pem;
  ERR_clear_error();
  return setup;
}

}  // namespace reemu
