#include "services/sns/signing.h"

#include <memory>
#include <mutex>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/json.h"
#include "core/vfs.h"

namespace rime::sns {
namespace {

struct Signer {
  EVP_PKEY* key = nullptr;
  std::string pem;
  std::string name;
};

/// Made once, lazily: key generation costs tens of milliseconds, which start-up must not pay.
const Signer& signer() {
  static const Signer* instance = [] {
    auto* s = new Signer;
    // 1024 bits, not AWS's 2048: every delivery is signed, and a 2048-bit signature was ~60% of
    // a Publish's CPU (perf); verifiers read the key size from the certificate either way.
    s->key = EVP_RSA_gen(1024);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -24L * 3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600);
    X509_set_pubkey(cert, s->key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sns.amazonaws.com"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, s->key, EVP_sha256());
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    s->pem.assign(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    X509_free(cert);
    s->name = "SimpleNotificationService-" + sha256_hex(s->pem).substr(0, 32) + ".pem";
    return s;
  }();
  return *instance;
}

const EVP_MD* digest_for(std::string_view version) { return version == "2" ? EVP_sha256() : EVP_sha1(); }

}  // namespace

std::string sign_message(std::string_view text, std::string_view signature_version) {
  const Signer& s = signer();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t size = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, digest_for(signature_version), nullptr, s.key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
    return {};
  std::string out(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size,
                     reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
    return {};
  out.resize(size);
  return base64_encode(out);
}

bool verify_message(std::string_view text, std::string_view signature, std::string_view signature_version) {
  auto raw = base64_decode(signature);
  if (!raw) return false;
  const Signer& s = signer();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(signature_version), nullptr, s.key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(raw->data()), raw->size(),
                          reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
}

const std::string& signing_certificate_pem() { return signer().pem; }

const std::string& signing_certificate_name() { return signer().name; }

}  // namespace rime::sns
