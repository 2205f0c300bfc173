// Message signatures: SNS signs every notification and confirmation it sends (SignatureVersion
// 1: SHA1withRSA, 2: SHA256withRSA) with a key whose certificate it serves at SigningCertURL.
// rime makes one RSA key and self-signed certificate per process, on first use, so receivers
// that verify signatures against the certificate at SigningCertURL succeed.
#pragma once

#include <string>
#include <string_view>

namespace rime::sns {

/// Base64 RSA signature of `text` (SHA1 for version "1", SHA256 for "2").
std::string sign_message(std::string_view text, std::string_view signature_version);

/// The signing certificate in PEM form.
const std::string& signing_certificate_pem();

/// The certificate's file name, "SimpleNotificationService-<32 hex>.pem", as in AWS's URLs.
const std::string& signing_certificate_name();

/// True when `signature` (base64) is a valid signature of `text` under the signing key.
bool verify_message(std::string_view text, std::string_view signature, std::string_view signature_version);

}  // namespace rime::sns
