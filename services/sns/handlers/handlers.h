// SNS handlers: typed input -> typed output or AwsError. topics.cc (topics, attributes, tags,
// permissions, data protection), subscriptions.cc (Subscribe, ConfirmSubscription, Unsubscribe,
// subscription attributes, listings), publish.cc (Publish, PublishBatch), platform.cc
// (platform applications and endpoints), sms.cc (SMS settings, opt-outs, sandbox numbers).
#pragma once

#include "core/request_context.h"
#include "services/common/result.h"
#include "services/sns/generated/sns_types.h"
#include "services/sns/state.h"

namespace rime::sns {

// topics.cc
Result<CreateTopicResponse> create_topic(SnsBackend& b, RequestContext& ctx, const CreateTopicInput& in);
Result<Unit> delete_topic(SnsBackend& b, RequestContext& ctx, const DeleteTopicInput& in);
Result<ListTopicsResponse> list_topics(SnsBackend& b, RequestContext& ctx, const ListTopicsInput& in);
Result<GetTopicAttributesResponse> get_topic_attributes(SnsBackend& b, RequestContext& ctx,
                                                        const GetTopicAttributesInput& in);
Result<Unit> set_topic_attributes(SnsBackend& b, RequestContext& ctx, const SetTopicAttributesInput& in);
Result<TagResourceResponse> tag_resource(SnsBackend& b, RequestContext& ctx, const TagResourceRequest& in);
Result<UntagResourceResponse> untag_resource(SnsBackend& b, RequestContext& ctx, const UntagResourceRequest& in);
Result<ListTagsForResourceResponse> list_tags_for_resource(SnsBackend& b, RequestContext& ctx,
                                                           const ListTagsForResourceRequest& in);
Result<Unit> add_permission(SnsBackend& b, RequestContext& ctx, const AddPermissionInput& in);
Result<Unit> remove_permission(SnsBackend& b, RequestContext& ctx, const RemovePermissionInput& in);
Result<Unit> put_data_protection_policy(SnsBackend& b, RequestContext& ctx, const PutDataProtectionPolicyInput& in);
Result<GetDataProtectionPolicyResponse> get_data_protection_policy(SnsBackend& b, RequestContext& ctx,
                                                                   const GetDataProtectionPolicyInput& in);

// subscriptions.cc
Result<SubscribeResponse> subscribe(SnsBackend& b, RequestContext& ctx, const SubscribeInput& in);
Result<ConfirmSubscriptionResponse> confirm_subscription(SnsBackend& b, RequestContext& ctx,
                                                         const ConfirmSubscriptionInput& in);
Result<Unit> unsubscribe(SnsBackend& b, RequestContext& ctx, const UnsubscribeInput& in);
Result<GetSubscriptionAttributesResponse> get_subscription_attributes(SnsBackend& b, RequestContext& ctx,
                                                                      const GetSubscriptionAttributesInput& in);
Result<Unit> set_subscription_attributes(SnsBackend& b, RequestContext& ctx, const SetSubscriptionAttributesInput& in);
Result<ListSubscriptionsResponse> list_subscriptions(SnsBackend& b, RequestContext& ctx,
                                                     const ListSubscriptionsInput& in);
Result<ListSubscriptionsByTopicResponse> list_subscriptions_by_topic(SnsBackend& b, RequestContext& ctx,
                                                                     const ListSubscriptionsByTopicInput& in);

// publish.cc
Result<PublishResponse> publish(SnsBackend& b, RequestContext& ctx, const PublishInput& in);
Result<PublishBatchResponse> publish_batch(SnsBackend& b, RequestContext& ctx, const PublishBatchInput& in);

// platform.cc
Result<CreatePlatformApplicationResponse> create_platform_application(SnsBackend& b, RequestContext& ctx,
                                                                      const CreatePlatformApplicationInput& in);
Result<Unit> delete_platform_application(SnsBackend& b, RequestContext& ctx,
                                         const DeletePlatformApplicationInput& in);
Result<GetPlatformApplicationAttributesResponse> get_platform_application_attributes(
    SnsBackend& b, RequestContext& ctx, const GetPlatformApplicationAttributesInput& in);
Result<Unit> set_platform_application_attributes(SnsBackend& b, RequestContext& ctx,
                                                 const SetPlatformApplicationAttributesInput& in);
Result<ListPlatformApplicationsResponse> list_platform_applications(SnsBackend& b, RequestContext& ctx,
                                                                    const ListPlatformApplicationsInput& in);
Result<CreateEndpointResponse> create_platform_endpoint(SnsBackend& b, RequestContext& ctx,
                                                        const CreatePlatformEndpointInput& in);
Result<Unit> delete_endpoint(SnsBackend& b, RequestContext& ctx, const DeleteEndpointInput& in);
Result<GetEndpointAttributesResponse> get_endpoint_attributes(SnsBackend& b, RequestContext& ctx,
                                                              const GetEndpointAttributesInput& in);
Result<Unit> set_endpoint_attributes(SnsBackend& b, RequestContext& ctx, const SetEndpointAttributesInput& in);
Result<ListEndpointsByPlatformApplicationResponse> list_endpoints_by_platform_application(
    SnsBackend& b, RequestContext& ctx, const ListEndpointsByPlatformApplicationInput& in);

// sms.cc
Result<SetSMSAttributesResponse> set_sms_attributes(SnsBackend& b, RequestContext& ctx, const SetSMSAttributesInput& in);
Result<GetSMSAttributesResponse> get_sms_attributes(SnsBackend& b, RequestContext& ctx, const GetSMSAttributesInput& in);
Result<CheckIfPhoneNumberIsOptedOutResponse> check_if_phone_number_is_opted_out(
    SnsBackend& b, RequestContext& ctx, const CheckIfPhoneNumberIsOptedOutInput& in);
Result<ListPhoneNumbersOptedOutResponse> list_phone_numbers_opted_out(SnsBackend& b, RequestContext& ctx,
                                                                      const ListPhoneNumbersOptedOutInput& in);
Result<OptInPhoneNumberResponse> opt_in_phone_number(SnsBackend& b, RequestContext& ctx,
                                                     const OptInPhoneNumberInput& in);
Result<GetSMSSandboxAccountStatusResult> get_sms_sandbox_account_status(SnsBackend& b, RequestContext& ctx,
                                                                        const GetSMSSandboxAccountStatusInput& in);
Result<CreateSMSSandboxPhoneNumberResult> create_sms_sandbox_phone_number(SnsBackend& b, RequestContext& ctx,
                                                                          const CreateSMSSandboxPhoneNumberInput& in);
Result<DeleteSMSSandboxPhoneNumberResult> delete_sms_sandbox_phone_number(SnsBackend& b, RequestContext& ctx,
                                                                          const DeleteSMSSandboxPhoneNumberInput& in);
Result<VerifySMSSandboxPhoneNumberResult> verify_sms_sandbox_phone_number(SnsBackend& b, RequestContext& ctx,
                                                                          const VerifySMSSandboxPhoneNumberInput& in);
Result<ListSMSSandboxPhoneNumbersResult> list_sms_sandbox_phone_numbers(SnsBackend& b, RequestContext& ctx,
                                                                        const ListSMSSandboxPhoneNumbersInput& in);
Result<ListOriginationNumbersResult> list_origination_numbers(SnsBackend& b, RequestContext& ctx,
                                                              const ListOriginationNumbersRequest& in);

}  // namespace rime::sns
