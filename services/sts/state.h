// STS runtime state: the temporary credentials this server issued, per (account, region) of the
// issuing call, plus a process-wide index so that any request signed with them resolves to the
// identity they stand for (assumed role, federated user, session, root) and its account.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/backend_state.h"
#include "core/clock.h"

namespace rime::sts {

enum class IdentityKind { kAssumedRole, kFederatedUser, kSessionToken, kRoot };

std::string_view kind_name(IdentityKind kind);
std::optional<IdentityKind> kind_from_name(std::string_view name);

/// Who a set of issued credentials acts as.
struct Identity {
  IdentityKind kind = IdentityKind::kSessionToken;
  std::string account;  // the account requests signed with these keys act in
  std::string arn;      // GetCallerIdentity's Arn
  std::string user_id;  // GetCallerIdentity's UserId
};

struct IssuedCredential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::int64_t expiration_ms = 0;
  Identity identity;
};

/// One scope's credentials, keyed by access key id.
struct StsState {
  std::map<std::string, IssuedCredential> credentials;
};

/// Access key -> identity, for every scope: the credential resolver reads it on each request.
class CredentialIndex {
 public:
  void put(const IssuedCredential& credential);
  void remove(const std::string& access_key_id);
  std::optional<Identity> find(const std::string& access_key_id) const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Identity> by_key_;
};

/// Everything the handlers share: per-scope state, the key index, the configured defaults.
struct StsBackend {
  BackendState<StsState> state;
  CredentialIndex index;
  std::string default_account;
};

/// Fresh credentials: "ASIA" + 16 characters, a 40-character secret, a session token.
IssuedCredential issue_credentials(Identity identity, std::int64_t duration_seconds);

/// The stable unique id AWS gives a role ("AROA" + 17 characters), derived from its ARN.
std::string role_unique_id(std::string_view role_arn);

}  // namespace rime::sts
