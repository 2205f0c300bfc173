#include "services/sqs/digests.h"

#include <cstdint>

#include <openssl/evp.h>

namespace rime::sqs {
namespace {

std::string hex(const unsigned char* bytes, unsigned int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(n) * 2, '0');
  for (unsigned int i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

/// Incremental digest over OpenSSL's EVP interface.
class Digest {
 public:
  explicit Digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, md, nullptr); }
  ~Digest() { EVP_MD_CTX_free(ctx_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void update(std::string_view data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }
  void update_length_prefixed(std::string_view data) {
    auto n = static_cast<std::uint32_t>(data.size());
    const unsigned char length[4] = {static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
                                     static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
    EVP_DigestUpdate(ctx_, length, 4);
    update(data);
  }
  std::string hex_final() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, out, &n);
    return hex(out, n);
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::string md5_hex(std::string_view data) {
  Digest d(EVP_md5());
  d.update(data);
  return d.hex_final();
}

std::string sha256_hex(std::string_view data) {
  Digest d(EVP_sha256());
  d.update(data);
  return d.hex_final();
}

std::string md5_of_attributes(const MessageAttributes& attributes) {
  if (attributes.empty()) return {};
  Digest d(EVP_md5());
  for (const auto& [name, attribute] : attributes) {
    d.update_length_prefixed(name);
    d.update_length_prefixed(attribute.data_type);
    if (attribute.is_binary()) {
      d.update(std::string_view("\x02", 1));
      d.update_length_prefixed(attribute.binary_value);
    } else {
      d.update(std::string_view("\x01", 1));
      d.update_length_prefixed(attribute.string_value);
    }
  }
  return d.hex_final();
}

std::size_t attribute_size(const std::string& name, const MessageAttribute& attribute) {
  return name.size() + attribute.data_type.size() +
         (attribute.is_binary() ? attribute.binary_value.size() : attribute.string_value.size());
}

}  // namespace rime::sqs
