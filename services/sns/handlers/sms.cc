// SMS: account settings (Set/GetSMSAttributes), opt-outs, the SMS sandbox (destination numbers
// verified with a one-time password, which is "sent" as a recorded SMS delivery) and
// origination numbers. Stored faithfully; nothing leaves the server.
#include <algorithm>
#include <cctype>
#include <random>
#include <set>

#include "core/clock.h"
#include "services/sns/errors.h"
#include "services/sns/handlers/common.h"
#include "services/sns/handlers/handlers.h"

namespace rime::sns {
namespace {

AwsError invalid(const std::string& detail) { return make_error(SnsError::kInvalidParameter, detail); }

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::optional<AwsError> check_sms_attribute(const std::string& name, const std::string& value) {
  if (name == "DefaultSMSType") {
    if (value != "Promotional" && value != "Transactional") return invalid("DefaultSMSType Reason: Invalid value " + value);
  } else if (name == "MonthlySpendLimit") {
    if (!digits(value)) return invalid("MonthlySpendLimit Reason: must be a whole number of USD");
  } else if (name == "DeliveryStatusSuccessSamplingRate") {
    if (!digits(value) || value.size() > 3 || std::stoi(value) > 100)
      return invalid("DeliveryStatusSuccessSamplingRate Reason: must be an integer from 0 to 100");
  } else if (name == "DefaultSenderID") {
    bool ok = !value.empty() && value.size() <= 11 &&
              std::all_of(value.begin(), value.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }) &&
              std::any_of(value.begin(), value.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    if (!ok) return invalid("DefaultSenderID Reason: 1 to 11 alphanumeric characters with at least one letter");
  } else if (name != "DeliveryStatusIAMRole" && name != "UsageReportS3Bucket") {
    return invalid("Attributes Reason: Unknown attribute " + name);
  }
  return std::nullopt;
}

Result<std::string> start_key(const std::optional<std::string>& token) {
  if (!token) return std::string();
  auto key = page_key(*token);
  if (!key) return invalid("NextToken");
  return *key;
}

std::string one_time_password() {
  thread_local std::mt19937 gen{std::random_device{}()};
  return std::to_string(100000 + gen() % 900000);
}

}  // namespace

Result<SetSMSAttributesResponse> set_sms_attributes(SnsBackend& b, RequestContext& ctx, const SetSMSAttributesInput& in) {
  for (const auto& [name, value] : in.attributes)
    if (auto error = check_sms_attribute(name, value)) return *error;
  b.state.write(ctx.scope, [&](SnsState& s) {
    for (const auto& [name, value] : in.attributes) s.sms_attributes[name] = value;
  });
  return SetSMSAttributesResponse{};
}

Result<GetSMSAttributesResponse> get_sms_attributes(SnsBackend& b, RequestContext& ctx, const GetSMSAttributesInput& in) {
  return b.state.read(ctx.scope, [&](const SnsState& s) -> Result<GetSMSAttributesResponse> {
    GetSMSAttributesResponse out;
    out.attributes.emplace();
    for (const auto& [name, value] : s.sms_attributes)
      if (!in.attributes || in.attributes->empty() ||
          std::find(in.attributes->begin(), in.attributes->end(), name) != in.attributes->end())
        (*out.attributes)[name] = value;
    return out;
  });
}

Result<CheckIfPhoneNumberIsOptedOutResponse> check_if_phone_number_is_opted_out(
    SnsBackend& b, RequestContext& ctx, const CheckIfPhoneNumberIsOptedOutInput& in) {
  if (!is_phone_number(in.phone_number)) return invalid("PhoneNumber Reason: input incorrectly formatted");
  CheckIfPhoneNumberIsOptedOutResponse out;
  out.is_opted_out = b.state.read(ctx.scope, [&](const SnsState& s) { return s.opted_out.count(in.phone_number) > 0; });
  return out;
}

Result<ListPhoneNumbersOptedOutResponse> list_phone_numbers_opted_out(SnsBackend& b, RequestContext& ctx,
                                                                      const ListPhoneNumbersOptedOutInput& in) {
  auto start = start_key(in.next_token);
  if (!start) return start.error();
  return b.state.read(ctx.scope, [&](const SnsState& s) -> Result<ListPhoneNumbersOptedOutResponse> {
    ListPhoneNumbersOptedOutResponse out;
    out.phone_numbers.emplace();
    for (auto it = s.opted_out.lower_bound(*start); it != s.opted_out.end(); ++it) {
      if (out.phone_numbers->size() == kPageSize) {
        out.next_token = page_token(*it);
        break;
      }
      out.phone_numbers->push_back(*it);
    }
    return out;
  });
}

Result<OptInPhoneNumberResponse> opt_in_phone_number(SnsBackend& b, RequestContext& ctx, const OptInPhoneNumberInput& in) {
  if (!is_phone_number(in.phone_number)) return invalid("PhoneNumber Reason: input incorrectly formatted");
  bool opted_out = b.state.read(ctx.scope, [&](const SnsState& s) { return s.opted_out.count(in.phone_number) > 0; });
  if (opted_out) b.state.write(ctx.scope, [&](SnsState& s) { s.opted_out.erase(in.phone_number); });
  return OptInPhoneNumberResponse{};
}

Result<GetSMSSandboxAccountStatusResult> get_sms_sandbox_account_status(SnsBackend& b, RequestContext& ctx,
                                                                        const GetSMSSandboxAccountStatusInput&) {
  GetSMSSandboxAccountStatusResult out;
  out.is_in_sandbox = b.state.read(ctx.scope, [](const SnsState& s) { return s.in_sandbox; });
  return out;
}

Result<CreateSMSSandboxPhoneNumberResult> create_sms_sandbox_phone_number(SnsBackend& b, RequestContext& ctx,
                                                                          const CreateSMSSandboxPhoneNumberInput& in) {
  if (!is_phone_number(in.phone_number)) return invalid("PhoneNumber Reason: input incorrectly formatted");
  return b.state.write(ctx.scope, [&](SnsState& s) -> Result<CreateSMSSandboxPhoneNumberResult> {
    if (s.opted_out.count(in.phone_number)) return make_error(SnsError::kOptedOut);
    SandboxNumber& n = s.sandbox_numbers[in.phone_number];
    n.phone_number = in.phone_number;
    if (n.status != "Verified") n.status = "Pending";
    n.language_code = in.language_code.value_or("en-US");
    n.otp = one_time_password();
    DeliveryRecord r;
    r.time_ms = epoch_millis(now());
    r.protocol = "sms";
    r.endpoint = in.phone_number;
    r.message_id = new_uuid();
    r.message_type = "Notification";
    r.body = "Your Amazon SNS verification code is: " + n.otp;
    r.status = "delivered";
    r.attempts = 1;
    s.record(std::move(r));
    return CreateSMSSandboxPhoneNumberResult{};
  });
}

Result<DeleteSMSSandboxPhoneNumberResult> delete_sms_sandbox_phone_number(SnsBackend& b, RequestContext& ctx,
                                                                          const DeleteSMSSandboxPhoneNumberInput& in) {
  bool exists = b.state.read(ctx.scope, [&](const SnsState& s) { return s.sandbox_numbers.count(in.phone_number) > 0; });
  if (!exists) return make_error(SnsError::kPhoneNumberNotFound);
  b.state.write(ctx.scope, [&](SnsState& s) { s.sandbox_numbers.erase(in.phone_number); });
  return DeleteSMSSandboxPhoneNumberResult{};
}

Result<VerifySMSSandboxPhoneNumberResult> verify_sms_sandbox_phone_number(SnsBackend& b, RequestContext& ctx,
                                                                          const VerifySMSSandboxPhoneNumberInput& in) {
  bool exists = b.state.read(ctx.scope, [&](const SnsState& s) { return s.sandbox_numbers.count(in.phone_number) > 0; });
  if (!exists) return make_error(SnsError::kPhoneNumberNotFound);
  return b.state.write(ctx.scope, [&](SnsState& s) -> Result<VerifySMSSandboxPhoneNumberResult> {
    auto it = s.sandbox_numbers.find(in.phone_number);
    if (it == s.sandbox_numbers.end()) return make_error(SnsError::kPhoneNumberNotFound);
    if (it->second.status != "Verified" && it->second.otp != in.one_time_password)
      return make_error(SnsError::kVerification);
    it->second.status = "Verified";
    return VerifySMSSandboxPhoneNumberResult{};
  });
}

Result<ListSMSSandboxPhoneNumbersResult> list_sms_sandbox_phone_numbers(SnsBackend& b, RequestContext& ctx,
                                                                        const ListSMSSandboxPhoneNumbersInput& in) {
  auto start = start_key(in.next_token);
  if (!start) return start.error();
  std::size_t limit = static_cast<std::size_t>(in.max_results.value_or(100));
  return b.state.read(ctx.scope, [&](const SnsState& s) -> Result<ListSMSSandboxPhoneNumbersResult> {
    ListSMSSandboxPhoneNumbersResult out;
    for (auto it = s.sandbox_numbers.lower_bound(*start); it != s.sandbox_numbers.end(); ++it) {
      if (out.phone_numbers.size() == limit) {
        out.next_token = page_token(it->first);
        break;
      }
      out.phone_numbers.push_back(SMSSandboxPhoneNumber{it->second.phone_number, it->second.status});
    }
    return out;
  });
}

Result<ListOriginationNumbersResult> list_origination_numbers(SnsBackend& b, RequestContext& ctx,
                                                              const ListOriginationNumbersRequest& in) {
  auto start = start_key(in.next_token);
  if (!start) return start.error();
  std::size_t limit = static_cast<std::size_t>(in.max_results.value_or(30));
  return b.state.read(ctx.scope, [&](const SnsState& s) -> Result<ListOriginationNumbersResult> {
    ListOriginationNumbersResult out;
    out.phone_numbers.emplace();
    for (const OriginationNumber& n : s.origination_numbers) {
      if (n.phone_number < *start) continue;
      if (out.phone_numbers->size() == limit) {
        out.next_token = page_token(n.phone_number);
        break;
      }
      PhoneNumberInformation info;
      info.created_at = proto::Timestamp{n.created_ms};
      info.phone_number = n.phone_number;
      info.status = n.status;
      info.iso2_country_code = n.iso2_country_code;
      info.route_type = n.route_type;
      info.number_capabilities = n.capabilities;
      out.phone_numbers->push_back(std::move(info));
    }
    return out;
  });
}

}  // namespace rime::sns
