#include "services/sts/state.h"

#include "core/ids.h"
#include "core/json.h"
#include "core/vfs.h"

namespace rime::sts {

std::string_view kind_name(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::kAssumedRole: return "assumed-role";
    case IdentityKind::kFederatedUser: return "federated-user";
    case IdentityKind::kSessionToken: return "session-token";
    case IdentityKind::kRoot: return "root";
  }
  return "session-token";
}

std::optional<IdentityKind> kind_from_name(std::string_view name) {
  for (IdentityKind k : {IdentityKind::kAssumedRole, IdentityKind::kFederatedUser, IdentityKind::kSessionToken,
                         IdentityKind::kRoot})
    if (kind_name(k) == name) return k;
  return std::nullopt;
}

void CredentialIndex::put(const IssuedCredential& credential) {
  std::unique_lock lock(mutex_);
  by_key_[credential.access_key_id] = credential.identity;
}

void CredentialIndex::remove(const std::string& access_key_id) {
  std::unique_lock lock(mutex_);
  by_key_.erase(access_key_id);
}

std::optional<Identity> CredentialIndex::find(const std::string& access_key_id) const {
  std::shared_lock lock(mutex_);
  auto it = by_key_.find(access_key_id);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

IssuedCredential issue_credentials(Identity identity, std::int64_t duration_seconds) {
  IssuedCredential c;
  // Temporary keys start with ASIA (long-term ones with AKIA), as AWS's do.
  c.access_key_id = "ASIA" + random_upper_alnum(16);
  std::string secret_bytes = random_hex(30);
  c.secret_access_key = base64_encode(secret_bytes).substr(0, 40);
  c.session_token = "FwoGZXIvYXdzE" + base64_encode(random_hex(96));
  c.expiration_ms = epoch_millis(now()) + duration_seconds * 1000;
  c.identity = std::move(identity);
  return c;
}

std::string role_unique_id(std::string_view role_arn) {
  // Stable per role, like AWS's role ids: the same role always yields the same id.
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string digest = sha256_hex(role_arn);
  std::string id = "AROA";
  for (std::size_t i = 0; i < 17; ++i) {
    unsigned value = static_cast<unsigned>(std::stoul(digest.substr(i * 2, 2), nullptr, 16));
    id += kAlphabet[value % 32];
  }
  return id;
}

}  // namespace rime::sts
