// TLS for the HTTPS listener: loading a PEM certificate chain and key, or
// making a self-signed certificate in memory when none is configured.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace reemu {

struct tls_options {
  std::string cert_file;                 // PEM chain; empty = generate a self-signed certificate
  std::string key_file;                  // PEM private key; required when cert_file is set
  std::string cert_out_file;             // when set, the certificate in use is written here (PEM)
  std::vector<std::string> extra_names;  // more subjectAltNames for a generated certificate
};

// A server-side TLS context ready for ssl_stream, plus facts for the start-up log.
struct tls_setup {
  // Shared: a connection keeps the context it shook hands with while a
  // rotation gives new connections another (state/certificates.hpp).
  std::shared_ptr<boost::asio::ssl::context> context;
  std::string fingerprint_sha256;  // "AB:CD:..." of the certificate's DER
  bool generated = false;          // true when the certificate was made at start-up
  std::string subject;             // one-line subject, e.g. "CN=localhost"
  std::string cert_pem;            // the leaf certificate (a given chain: as given), PEM
  std::string key_pem;             // its private key, PEM (PKCS#8)
};

// Start-up error: a missing/unreadable file, a key that does not match the
// certificate, an encrypted key. The message names the file.
class tls_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Builds the context: TLS 1.2 and 1.3 only, a modern cipher list, no
// compression or renegotiation. Throws tls_error. Not thread-safe; call once at
// start-up.
tls_setup make_tls_setup(const tls_options& options);

// The same context from PEM text (a certificate chain and its unencrypted
// key, as PUT /v1/cluster/update_cert gives them), or, with both empty, a new
// self-signed certificate for `extra_names`. Writes no file. Throws tls_error
// naming what does not parse, or that the key does not match. Thread-safe.
tls_setup make_tls_from_pem(const std::string& cert_pem, const std::string& key_pem,
                            const std::vector<std::string>& extra_names);

}  // namespace reemu
