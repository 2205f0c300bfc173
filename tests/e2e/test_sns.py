"""SNS end to end with real clients: boto3 1.26 and 1.43 (both speak awsQuery to SNS) for every
operation and its error paths, the AWS CLI v1 and v2 for a few, and the admin state.

What is asserted is what AWS documents and answers (SNS API Reference, developer guide):
  - CreateTopic is idempotent for the same name and attributes and answers InvalidParameter
    "Invalid parameter: Attributes Reason: Topic already exists with different attributes"
    otherwise; names are 1-256 of [A-Za-z0-9_-], FIFO names end in ".fifo" with FifoTopic=true.
  - GetTopicAttributes reports Policy (AWS's default document), Owner, TopicArn, DisplayName,
    EffectiveDeliveryPolicy and the Subscriptions{Confirmed,Pending,Deleted} counts.
  - Subscribe confirms SQS, SMS and Lambda endpoints at once and answers "pending confirmation"
    for email (unless ReturnSubscriptionArn); listings show pending ones as "PendingConfirmation".
  - Publish validates the message (empty, over 256 KiB, MessageStructure=json needs "default"),
    message attributes (ParameterValueInvalid) and the FIFO rules; FIFO publishes return a
    SequenceNumber and a duplicate deduplication id returns the first MessageId.
  - PublishBatch: at most 10 entries with distinct ids; per-entry failures in Failed.
  - Platform applications and endpoints, SMS attributes, opt-outs and sandbox numbers are kept.
The JavaScript SDK has no SNS client in this repository's node_modules (package.json pins none),
so SNS has no JS test.
"""
import json
import re
import time

import pytest

from clients import cli_outcome, run_aws, run_boto, run_many, start_module_server
from conftest import get_state, put_state, admin

ACCOUNT = "123456789012"
REGION = "us-east-1"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

BOTO_BODY = r'''
import urllib.request
SFX = FLAVOUR
sns = client("sns")
raw = client("sns", validate=False)
A = "arn:aws:sns:us-east-1:123456789012:"

def after(dep, label):
    if not OUT["calls"][dep]["ok"]:
        OUT["calls"][label] = {"ok": False, "kind": "dependency-failed", "message": dep + " failed"}
        return False
    return True

# --- topics -----------------------------------------------------------------------------
t = call("create", sns, "create_topic", Name="orders-" + SFX, Attributes={"DisplayName": "Orders"},
         Tags=[{"Key": "team", "Value": "a"}])
T = A + "orders-" + SFX
call("create_again", sns, "create_topic", Name="orders-" + SFX, Attributes={"DisplayName": "Orders"})
call("create_conflict", sns, "create_topic", Name="orders-" + SFX, Attributes={"DisplayName": "Other"})
call("create_bad_name", sns, "create_topic", Name="bad name")
call("create_fifo_name_without_attr", sns, "create_topic", Name="x-" + SFX + ".fifo")
call("create_fifo_attr_without_suffix", sns, "create_topic", Name="x-" + SFX, Attributes={"FifoTopic": "true"})
call("create_fifo", sns, "create_topic", Name="f-" + SFX + ".fifo", Attributes={"FifoTopic": "true"})
F = A + "f-" + SFX + ".fifo"
call("create_unknown_attr", sns, "create_topic", Name="u-" + SFX, Attributes={"Bogus": "1"})
call("attrs", sns, "get_topic_attributes", TopicArn=T)
call("attrs_fifo", sns, "get_topic_attributes", TopicArn=F)
call("attrs_missing", sns, "get_topic_attributes", TopicArn=A + "missing-" + SFX)
call("attrs_bad_arn", sns, "get_topic_attributes", TopicArn="not-an-arn")
call("set_display", sns, "set_topic_attributes", TopicArn=T, AttributeName="DisplayName", AttributeValue="Renamed")
call("set_delivery", sns, "set_topic_attributes", TopicArn=T, AttributeName="DeliveryPolicy",
     AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": {"numRetries": 5, "minDelayTarget": 1, "maxDelayTarget": 10}}}))
call("set_signature_v2", sns, "set_topic_attributes", TopicArn=T, AttributeName="SignatureVersion", AttributeValue="2")
call("set_bad_name", sns, "set_topic_attributes", TopicArn=T, AttributeName="Bogus", AttributeValue="x")
call("set_cbd_standard", sns, "set_topic_attributes", TopicArn=T, AttributeName="ContentBasedDeduplication", AttributeValue="true")
call("set_cbd_fifo", sns, "set_topic_attributes", TopicArn=F, AttributeName="ContentBasedDeduplication", AttributeValue="true")
call("attrs_after", sns, "get_topic_attributes", TopicArn=T)

for i in range(101):
    sns.create_topic(Name="page-%s-%03d" % (SFX, i))
pages, token = [], None
while True:
    kw = {"NextToken": token} if token else {}
    r = call("list_topics_page", sns, "list_topics", **kw)
    if not r["ok"]:
        break
    pages.append(r["result"])
    token = r["result"].get("NextToken")
    if not token or len(pages) > 20:
        break
OUT["pages"] = [[t["TopicArn"] for t in p.get("Topics", [])] for p in pages]
OUT["page_tokens"] = [bool(p.get("NextToken")) for p in pages]

call("delete_topic", sns, "delete_topic", TopicArn=A + "page-%s-000" % SFX)
call("delete_again", sns, "delete_topic", TopicArn=A + "page-%s-000" % SFX)
call("attrs_deleted", sns, "get_topic_attributes", TopicArn=A + "page-%s-000" % SFX)

# --- tags, permissions, data protection -------------------------------------------------
call("tag", sns, "tag_resource", ResourceArn=T, Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "b"}])
call("untag", sns, "untag_resource", ResourceArn=T, TagKeys=["env"])
call("list_tags", sns, "list_tags_for_resource", ResourceArn=T)
call("tag_limit", sns, "tag_resource", ResourceArn=T, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)])
call("tag_missing", sns, "tag_resource", ResourceArn=A + "missing-" + SFX, Tags=[{"Key": "a", "Value": "b"}])
call("add_permission", sns, "add_permission", TopicArn=T, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
call("add_permission_two", sns, "add_permission", TopicArn=T, Label="two", AWSAccountId=["111122223333", "444455556666"],
     ActionName=["Publish", "Subscribe"])
call("add_permission_dup", sns, "add_permission", TopicArn=T, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
call("policy_with_permissions", sns, "get_topic_attributes", TopicArn=T)
call("remove_permission", sns, "remove_permission", TopicArn=T, Label="pub")
call("policy_after_remove", sns, "get_topic_attributes", TopicArn=T)
DPP = json.dumps({"Name": "p", "Description": "", "Version": "2021-06-01", "Statement": [{"Sid": "s", "DataDirection": "Inbound",
    "Principal": ["*"], "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
    "Operation": {"Deny": {}}}]})
call("put_dpp", sns, "put_data_protection_policy", ResourceArn=T, DataProtectionPolicy=DPP)
call("get_dpp", sns, "get_data_protection_policy", ResourceArn=T)
call("put_dpp_invalid", sns, "put_data_protection_policy", ResourceArn=T, DataProtectionPolicy="{not json")

# --- subscriptions -----------------------------------------------------------------------
Q = "arn:aws:sqs:us-east-1:123456789012:q-" + SFX
call("sub_sqs", sns, "subscribe", TopicArn=T, Protocol="sqs", Endpoint=Q)
call("sub_sqs_again", sns, "subscribe", TopicArn=T, Protocol="sqs", Endpoint=Q)
call("sub_sqs_conflict", sns, "subscribe", TopicArn=T, Protocol="sqs", Endpoint=Q, Attributes={"RawMessageDelivery": "true"})
call("sub_email", sns, "subscribe", TopicArn=T, Protocol="email", Endpoint="someone-%s@example.com" % SFX)
call("sub_email_json", sns, "subscribe", TopicArn=T, Protocol="email-json", Endpoint="json-%s@example.com" % SFX,
     ReturnSubscriptionArn=True)
call("sub_sms", sns, "subscribe", TopicArn=T, Protocol="sms", Endpoint="+15555550100")
call("sub_lambda", sns, "subscribe", TopicArn=T, Protocol="lambda", Endpoint="arn:aws:lambda:us-east-1:123456789012:function:f")
call("sub_bad_protocol", sns, "subscribe", TopicArn=T, Protocol="carrier-pigeon", Endpoint="x")
call("sub_bad_http", sns, "subscribe", TopicArn=T, Protocol="http", Endpoint="ftp://example.com")
call("sub_bad_sqs", sns, "subscribe", TopicArn=T, Protocol="sqs", Endpoint="not-an-arn")
call("sub_bad_sms", sns, "subscribe", TopicArn=T, Protocol="sms", Endpoint="call me")
call("sub_missing_topic", sns, "subscribe", TopicArn=A + "missing-" + SFX, Protocol="sqs", Endpoint=Q)
call("sub_fifo_queue_standard", sns, "subscribe", TopicArn=T, Protocol="sqs", Endpoint=Q + ".fifo")
call("sub_bad_filter", sns, "subscribe", TopicArn=T, Protocol="sqs", Endpoint=Q + "-f",
     Attributes={"FilterPolicy": json.dumps({"price": [{"numeric": [">", "x"]}]})})
call("sub_too_many_keys", sns, "subscribe", TopicArn=T, Protocol="sqs", Endpoint=Q + "-k",
     Attributes={"FilterPolicy": json.dumps({k: ["v"] for k in "abcdef"})})
call("sub_nested_attr_scope", sns, "subscribe", TopicArn=T, Protocol="sqs", Endpoint=Q + "-n",
     Attributes={"FilterPolicy": json.dumps({"a": {"b": ["c"]}})})
S = OUT["calls"]["sub_sqs"]["result"]["SubscriptionArn"] if OUT["calls"]["sub_sqs"]["ok"] else A + "x:y"
call("sub_attrs", sns, "get_subscription_attributes", SubscriptionArn=S)
call("set_filter", sns, "set_subscription_attributes", SubscriptionArn=S, AttributeName="FilterPolicy",
     AttributeValue=json.dumps({"store": ["example_corp"], "price": [{"numeric": [">=", 10]}]}))
call("set_raw", sns, "set_subscription_attributes", SubscriptionArn=S, AttributeName="RawMessageDelivery", AttributeValue="true")
call("set_bad_attr", sns, "set_subscription_attributes", SubscriptionArn=S, AttributeName="Bogus", AttributeValue="x")
call("set_bad_scope", sns, "set_subscription_attributes", SubscriptionArn=S, AttributeName="FilterPolicyScope",
     AttributeValue="RandomValue")
call("set_bad_filter", sns, "set_subscription_attributes", SubscriptionArn=S, AttributeName="FilterPolicy",
     AttributeValue=json.dumps({"key": [{"wrong-operator": True}]}))
call("set_bad_raw", sns, "set_subscription_attributes", SubscriptionArn=S, AttributeName="RawMessageDelivery",
     AttributeValue="maybe")
call("set_redrive", sns, "set_subscription_attributes", SubscriptionArn=S, AttributeName="RedrivePolicy",
     AttributeValue=json.dumps({"deadLetterTargetArn": Q + "-dlq"}))
call("sub_attrs_after", sns, "get_subscription_attributes", SubscriptionArn=S)
call("sub_attrs_missing", sns, "get_subscription_attributes", SubscriptionArn=T + ":00000000-0000-0000-0000-000000000000")
call("list_subs", sns, "list_subscriptions")
call("list_subs_topic", sns, "list_subscriptions_by_topic", TopicArn=T)
call("list_subs_missing", sns, "list_subscriptions_by_topic", TopicArn=A + "missing-" + SFX)
call("confirm_bad_token", sns, "confirm_subscription", TopicArn=T, Token="not-a-token")
call("attrs_counts", sns, "get_topic_attributes", TopicArn=T)

# The email confirmation is recorded in the admin state; its token confirms the subscription.
state = json.loads(urllib.request.urlopen(ENDPOINT + "/_rime/state?service=sns").read())
view = state["services"]["sns"]["123456789012"]["us-east-1"]
mail = [d for d in view["deliveries"] if d["endpoint"] == "someone-%s@example.com" % SFX]
OUT["email_confirmation"] = mail
if mail:
    token = re.search(r"Token=([0-9a-f]+)", mail[-1]["body"]).group(1)
    call("confirm_email", sns, "confirm_subscription", TopicArn=T, Token=token, AuthenticateOnUnsubscribe="true")
    if after("confirm_email", "confirmed_email_attrs"):
        call("confirmed_email_attrs", sns, "get_subscription_attributes",
             SubscriptionArn=OUT["calls"]["confirm_email"]["result"]["SubscriptionArn"])

# --- publish -------------------------------------------------------------------------------
call("publish", sns, "publish", TopicArn=T, Message="hello", Subject="greeting",
     MessageAttributes={"store": {"DataType": "String", "StringValue": "example_corp"},
                        "price": {"DataType": "Number", "StringValue": "12"},
                        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
                        "tags": {"DataType": "String.Array", "StringValue": json.dumps(["a", 1, True])}})
call("publish_json", sns, "publish", TopicArn=T, MessageStructure="json",
     Message=json.dumps({"default": "d", "sms": "short", "email": "long"}))
call("publish_json_no_default", sns, "publish", TopicArn=T, MessageStructure="json", Message=json.dumps({"sms": "x"}))
call("publish_json_invalid", sns, "publish", TopicArn=T, MessageStructure="json", Message="not json")
call("publish_empty", sns, "publish", TopicArn=T, Message="")
call("publish_too_long", sns, "publish", TopicArn=T, Message="x" * (256 * 1024 + 1))
call("publish_max", sns, "publish", TopicArn=T, Message="x" * (256 * 1024))
call("publish_bad_number", sns, "publish", TopicArn=T, Message="m",
     MessageAttributes={"n": {"DataType": "Number", "StringValue": "abc"}})
call("publish_bad_type", sns, "publish", TopicArn=T, Message="m",
     MessageAttributes={"n": {"DataType": "Strin", "StringValue": "abc"}})
call("publish_empty_value", sns, "publish", TopicArn=T, Message="m",
     MessageAttributes={"n": {"DataType": "String", "StringValue": ""}})
call("publish_bad_subject", sns, "publish", TopicArn=T, Message="m", Subject="line\nbreak")
call("publish_missing", sns, "publish", TopicArn=A + "missing-" + SFX, Message="m")
call("publish_no_target", raw, "publish", Message="m")
call("publish_sms", sns, "publish", PhoneNumber="+15555550199", Message="sms text")
call("publish_bad_phone", sns, "publish", PhoneNumber="12ab", Message="sms text")
call("publish_dedup_standard", sns, "publish", TopicArn=T, Message="m", MessageDeduplicationId="d")
call("fifo_no_group", sns, "publish", TopicArn=F, Message="m")
call("fifo_1", sns, "publish", TopicArn=F, Message="m1", MessageGroupId="g", MessageDeduplicationId="d1")
call("fifo_dup", sns, "publish", TopicArn=F, Message="m1", MessageGroupId="g", MessageDeduplicationId="d1")
call("fifo_2", sns, "publish", TopicArn=F, Message="m2", MessageGroupId="g", MessageDeduplicationId="d2")
call("fifo_cbd", sns, "publish", TopicArn=F, Message="m3", MessageGroupId="g")
call("batch", sns, "publish_batch", TopicArn=T, PublishBatchRequestEntries=[
    {"Id": "ok1", "Message": "one"}, {"Id": "ok2", "Message": "two", "Subject": "s"},
    {"Id": "bad", "Message": "three", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "x"}}}])
call("batch_fifo", sns, "publish_batch", TopicArn=F, PublishBatchRequestEntries=[
    {"Id": "a", "Message": "one", "MessageGroupId": "g", "MessageDeduplicationId": "b1"},
    {"Id": "b", "Message": "two", "MessageGroupId": "g", "MessageDeduplicationId": "b2"}])
call("batch_empty", raw, "publish_batch", TopicArn=T, PublishBatchRequestEntries=[])
call("batch_too_many", raw, "publish_batch", TopicArn=T,
     PublishBatchRequestEntries=[{"Id": str(i), "Message": "m"} for i in range(11)])
call("batch_dup_ids", sns, "publish_batch", TopicArn=T,
     PublishBatchRequestEntries=[{"Id": "a", "Message": "m"}, {"Id": "a", "Message": "m"}])
call("batch_bad_id", sns, "publish_batch", TopicArn=T, PublishBatchRequestEntries=[{"Id": "bad id!", "Message": "m"}])

# --- unsubscribe -----------------------------------------------------------------------------
SMS = OUT["calls"]["sub_sms"]["result"]["SubscriptionArn"] if OUT["calls"]["sub_sms"]["ok"] else A + "x:y"
call("unsubscribe", sns, "unsubscribe", SubscriptionArn=SMS)
call("unsubscribe_again", sns, "unsubscribe", SubscriptionArn=SMS)
call("unsubscribed_attrs", sns, "get_subscription_attributes", SubscriptionArn=SMS)
call("unsubscribe_bad_arn", sns, "unsubscribe", SubscriptionArn="pending confirmation")

# --- platform applications and endpoints -------------------------------------------------------
app = call("create_app", sns, "create_platform_application", Name="app-" + SFX, Platform="GCM",
           Attributes={"PlatformCredential": "server-key"})
APP = app["result"]["PlatformApplicationArn"] if app["ok"] else A + "app/GCM/x"
call("create_app_bad_platform", sns, "create_platform_application", Name="app2-" + SFX, Platform="PIGEON",
     Attributes={"PlatformCredential": "k"})
call("create_app_no_credential", sns, "create_platform_application", Name="app3-" + SFX, Platform="APNS",
     Attributes={"PlatformPrincipal": "cert"})
call("app_attrs", sns, "get_platform_application_attributes", PlatformApplicationArn=APP)
call("set_app_attrs", sns, "set_platform_application_attributes", PlatformApplicationArn=APP,
     Attributes={"EventEndpointCreated": T})
call("app_attrs_after", sns, "get_platform_application_attributes", PlatformApplicationArn=APP)
call("list_apps", sns, "list_platform_applications")
ep = call("create_endpoint", sns, "create_platform_endpoint", PlatformApplicationArn=APP, Token="device-token",
          CustomUserData="user-1")
EP = ep["result"]["EndpointArn"] if ep["ok"] else A + "endpoint/GCM/x/y"
call("create_endpoint_again", sns, "create_platform_endpoint", PlatformApplicationArn=APP, Token="device-token",
     CustomUserData="user-1")
call("create_endpoint_conflict", sns, "create_platform_endpoint", PlatformApplicationArn=APP, Token="device-token",
     CustomUserData="user-2")
call("endpoint_attrs", sns, "get_endpoint_attributes", EndpointArn=EP)
call("list_endpoints", sns, "list_endpoints_by_platform_application", PlatformApplicationArn=APP)
call("publish_endpoint", sns, "publish", TargetArn=EP, MessageStructure="json",
     Message=json.dumps({"default": "d", "GCM": json.dumps({"notification": {"title": "hi"}})}))
call("sub_application", sns, "subscribe", TopicArn=T, Protocol="application", Endpoint=EP)
call("disable_endpoint", sns, "set_endpoint_attributes", EndpointArn=EP, Attributes={"Enabled": "false"})
call("publish_disabled", sns, "publish", TargetArn=EP, Message="m")
call("delete_endpoint", sns, "delete_endpoint", EndpointArn=EP)
call("endpoint_attrs_deleted", sns, "get_endpoint_attributes", EndpointArn=EP)
call("delete_app", sns, "delete_platform_application", PlatformApplicationArn=APP)
call("app_attrs_deleted", sns, "get_platform_application_attributes", PlatformApplicationArn=APP)

# --- SMS ---------------------------------------------------------------------------------------
call("set_sms", sns, "set_sms_attributes", attributes={"DefaultSMSType": "Transactional", "DefaultSenderID": "Rime"})
call("set_sms_bad", sns, "set_sms_attributes", attributes={"DefaultSMSType": "Loud"})
call("get_sms", sns, "get_sms_attributes", attributes=["DefaultSMSType"])
call("get_sms_all", sns, "get_sms_attributes")
call("opted_out", sns, "check_if_phone_number_is_opted_out", phoneNumber="+15555550100")
call("opted_out_bad", sns, "check_if_phone_number_is_opted_out", phoneNumber="not a number")
call("list_opted_out", sns, "list_phone_numbers_opted_out")
call("opt_in", sns, "opt_in_phone_number", phoneNumber="+15555550100")
call("sandbox_status", sns, "get_sms_sandbox_account_status")
call("sandbox_create", sns, "create_sms_sandbox_phone_number", PhoneNumber="+15555550111", LanguageCode="en-US")
call("sandbox_list", sns, "list_sms_sandbox_phone_numbers")
call("sandbox_verify_wrong", sns, "verify_sms_sandbox_phone_number", PhoneNumber="+15555550111", OneTimePassword="00000")
state = json.loads(urllib.request.urlopen(ENDPOINT + "/_rime/state?service=sns").read())
numbers = state["services"]["sns"]["123456789012"]["us-east-1"]["sandbox"]["numbers"]
otp = [n["otp"] for n in numbers if n["phoneNumber"] == "+15555550111"]
if otp:
    call("sandbox_verify", sns, "verify_sms_sandbox_phone_number", PhoneNumber="+15555550111", OneTimePassword=otp[0])
    call("sandbox_list_verified", sns, "list_sms_sandbox_phone_numbers")
call("sandbox_delete", sns, "delete_sms_sandbox_phone_number", PhoneNumber="+15555550111")
call("sandbox_delete_missing", sns, "delete_sms_sandbox_phone_number", PhoneNumber="+15555550111")
call("origination_numbers", sns, "list_origination_numbers")
'''


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_module_server(tmp_path_factory.mktemp("rime-sns"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def runs(srv):
    cache = {}

    def get(flavour):
        if flavour not in cache:
            body = "import json, re\nFLAVOUR = %r\n" % flavour + BOTO_BODY
            out = run_boto(flavour, srv.url, body, timeout=110)
            assert "script_error" not in out, f"boto3 {flavour} script raised:\n{out['script_error']}"
            cache[flavour] = out
        return cache[flavour]
    return get


BOTO3 = ["old", "new"]


def rec(runs, flavour, label):
    out = runs(flavour)
    r = out["calls"].get(label)
    assert r is not None, f"boto3 {flavour} did not run {label}"
    return r


def ok(r):
    assert r["ok"], json.dumps({k: v for k, v in r.items() if k not in ("sent", "received")}, default=str)[:3000]
    return r["result"]


def error(r, code, status=400, message=None, starts=None):
    assert not r["ok"], f"expected {code}, got {r.get('result')}"
    assert r["kind"] == "ClientError", r
    assert r["code"] == code, r
    assert r["status"] == status, r
    if message is not None:
        assert r["message"] == message, r
    if starts is not None:
        assert r["message"].startswith(starts), r
    return r


# ----------------------------------------------------------------------------------------------
# Topics
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flavour", BOTO3)
def test_create_topic_is_idempotent(runs, flavour):
    """The same name and attributes answer the same ARN; other attributes are refused."""
    arn = ok(rec(runs, flavour, "create"))["TopicArn"]
    assert arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-{flavour}"
    assert ok(rec(runs, flavour, "create_again"))["TopicArn"] == arn
    error(rec(runs, flavour, "create_conflict"), "InvalidParameter",
          message="Invalid parameter: Attributes Reason: Topic already exists with different attributes")
    assert rec(runs, flavour, "create")["sent"][-1]["headers"]["content-type"].startswith(
        "application/x-www-form-urlencoded")  # awsQuery


@pytest.mark.parametrize("flavour", BOTO3)
def test_topic_name_rules(runs, flavour):
    """Standard names are [A-Za-z0-9_-]{1,256}; FIFO names need FifoTopic=true and ".fifo"."""
    error(rec(runs, flavour, "create_bad_name"), "InvalidParameter", message="Invalid parameter: Topic Name")
    error(rec(runs, flavour, "create_fifo_name_without_attr"), "InvalidParameter", message="Invalid parameter: Topic Name")
    error(rec(runs, flavour, "create_fifo_attr_without_suffix"), "InvalidParameter",
          starts="Invalid parameter: Fifo Topic names must end with .fifo")
    assert ok(rec(runs, flavour, "create_fifo"))["TopicArn"].endswith(f":f-{flavour}.fifo")
    error(rec(runs, flavour, "create_unknown_attr"), "InvalidParameter")


@pytest.mark.parametrize("flavour", BOTO3)
def test_topic_attributes(runs, flavour):
    """GetTopicAttributes: AWS's default policy, owner, counts and effective delivery policy."""
    a = ok(rec(runs, flavour, "attrs"))["Attributes"]
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-{flavour}"
    assert a["TopicArn"] == arn and a["Owner"] == ACCOUNT and a["DisplayName"] == "Orders"
    policy = json.loads(a["Policy"])
    assert policy["Id"] == "__default_policy_ID" and policy["Version"] == "2008-10-17"
    st = policy["Statement"][0]
    assert st["Sid"] == "__default_statement_ID" and st["Principal"] == {"AWS": "*"} and st["Resource"] == arn
    assert st["Condition"] == {"StringEquals": {"AWS:SourceOwner": ACCOUNT}}
    assert set(st["Action"]) == {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                                 "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                                 "SNS:ListSubscriptionsByTopic", "SNS:Publish"}
    assert a["SubscriptionsConfirmed"] == "0" and a["SubscriptionsPending"] == "0" and a["SubscriptionsDeleted"] == "0"
    effective = json.loads(a["EffectiveDeliveryPolicy"])
    assert effective["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert effective["http"]["defaultHealthyRetryPolicy"]["minDelayTarget"] == 20
    f = ok(rec(runs, flavour, "attrs_fifo"))["Attributes"]
    assert f["FifoTopic"] == "true" and f["ContentBasedDeduplication"] == "false"
    error(rec(runs, flavour, "attrs_missing"), "NotFound", 404, "Topic does not exist")
    error(rec(runs, flavour, "attrs_bad_arn"), "InvalidParameter",
          message="Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1")


@pytest.mark.parametrize("flavour", BOTO3)
def test_set_topic_attributes(runs, flavour):
    """SetTopicAttributes changes what GetTopicAttributes reports and refuses unknown names."""
    for label in ("set_display", "set_delivery", "set_signature_v2", "set_cbd_fifo"):
        ok(rec(runs, flavour, label))
    error(rec(runs, flavour, "set_bad_name"), "InvalidParameter", message="Invalid parameter: AttributeName")
    error(rec(runs, flavour, "set_cbd_standard"), "InvalidParameter")
    a = ok(rec(runs, flavour, "attrs_after"))["Attributes"]
    assert a["DisplayName"] == "Renamed" and a["SignatureVersion"] == "2"
    assert json.loads(a["DeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 5
    assert json.loads(a["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 5


@pytest.mark.parametrize("flavour", BOTO3)
def test_list_topics_pages_of_100(runs, flavour):
    """ListTopics answers 100 topics a page with a NextToken, and every topic exactly once."""
    out = runs(flavour)
    pages = out["pages"]
    assert len(pages) >= 2 and len(pages[0]) == 100 and out["page_tokens"][0], [len(p) for p in pages]
    assert not out["page_tokens"][-1]
    flat = [arn for p in pages for arn in p]
    assert len(flat) == len(set(flat))
    mine = [arn for arn in flat if f":page-{flavour}-" in arn]
    assert len(mine) == 101


@pytest.mark.parametrize("flavour", BOTO3)
def test_delete_topic(runs, flavour):
    """DeleteTopic removes the topic; deleting it again still succeeds."""
    ok(rec(runs, flavour, "delete_topic"))
    ok(rec(runs, flavour, "delete_again"))
    error(rec(runs, flavour, "attrs_deleted"), "NotFound", 404)


@pytest.mark.parametrize("flavour", BOTO3)
def test_tags(runs, flavour):
    """Tags from CreateTopic and TagResource, UntagResource, the 50-tag limit, unknown resources."""
    ok(rec(runs, flavour, "tag"))
    ok(rec(runs, flavour, "untag"))
    tags = ok(rec(runs, flavour, "list_tags"))["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("team", "b")]
    error(rec(runs, flavour, "tag_limit"), "TagLimitExceeded",
          message="Could not complete request: tag quota of per resource exceeded")
    error(rec(runs, flavour, "tag_missing"), "ResourceNotFound", 404)


@pytest.mark.parametrize("flavour", BOTO3)
def test_permissions_edit_the_policy(runs, flavour):
    """AddPermission appends a statement (accounts as root ARNs, actions as SNS:...); labels are unique."""
    ok(rec(runs, flavour, "add_permission"))
    ok(rec(runs, flavour, "add_permission_two"))
    error(rec(runs, flavour, "add_permission_dup"), "InvalidParameter")
    statements = json.loads(ok(rec(runs, flavour, "policy_with_permissions"))["Attributes"]["Policy"])["Statement"]
    by_sid = {s["Sid"]: s for s in statements}
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-{flavour}"
    assert by_sid["pub"] == {"Sid": "pub", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                             "Action": "SNS:Publish", "Resource": arn}
    assert by_sid["two"]["Principal"]["AWS"] == ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]
    assert by_sid["two"]["Action"] == ["SNS:Publish", "SNS:Subscribe"]
    ok(rec(runs, flavour, "remove_permission"))
    after = json.loads(ok(rec(runs, flavour, "policy_after_remove"))["Attributes"]["Policy"])["Statement"]
    assert {s["Sid"] for s in after} == {"__default_statement_ID", "two"}


@pytest.mark.parametrize("flavour", BOTO3)
def test_data_protection_policy(runs, flavour):
    """PutDataProtectionPolicy stores the document GetDataProtectionPolicy returns."""
    ok(rec(runs, flavour, "put_dpp"))
    assert json.loads(ok(rec(runs, flavour, "get_dpp"))["DataProtectionPolicy"])["Name"] == "p"
    error(rec(runs, flavour, "put_dpp_invalid"), "InvalidParameter")


# ----------------------------------------------------------------------------------------------
# Subscriptions
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flavour", BOTO3)
def test_subscribe_confirmation_rules(runs, flavour):
    """SQS, SMS and Lambda are confirmed at once; email waits ("pending confirmation") unless
    ReturnSubscriptionArn; subscribing twice answers the same subscription."""
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-{flavour}"
    sqs_arn = ok(rec(runs, flavour, "sub_sqs"))["SubscriptionArn"]
    assert re.fullmatch(re.escape(topic) + ":" + UUID, sqs_arn)
    assert ok(rec(runs, flavour, "sub_sqs_again"))["SubscriptionArn"] == sqs_arn
    error(rec(runs, flavour, "sub_sqs_conflict"), "InvalidParameter",
          message="Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
    assert ok(rec(runs, flavour, "sub_email"))["SubscriptionArn"] == "pending confirmation"
    assert ok(rec(runs, flavour, "sub_email_json"))["SubscriptionArn"].startswith(topic + ":")
    assert ok(rec(runs, flavour, "sub_sms"))["SubscriptionArn"].startswith(topic + ":")
    assert ok(rec(runs, flavour, "sub_lambda"))["SubscriptionArn"].startswith(topic + ":")


@pytest.mark.parametrize("flavour", BOTO3)
def test_subscribe_errors(runs, flavour):
    """Unknown protocols, endpoints that do not fit the protocol, missing topics, FIFO queues on
    standard topics and invalid filter policies are refused with AWS's messages."""
    error(rec(runs, flavour, "sub_bad_protocol"), "InvalidParameter",
          message="Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon")
    error(rec(runs, flavour, "sub_bad_http"), "InvalidParameter",
          message="Invalid parameter: Endpoint must match the specified protocol")
    error(rec(runs, flavour, "sub_bad_sqs"), "InvalidParameter", message="Invalid parameter: SQS endpoint ARN")
    error(rec(runs, flavour, "sub_bad_sms"), "InvalidParameter")
    error(rec(runs, flavour, "sub_missing_topic"), "NotFound", 404, "Topic does not exist")
    error(rec(runs, flavour, "sub_fifo_queue_standard"), "InvalidParameter",
          message="Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to "
                  "standard SNS topics")
    error(rec(runs, flavour, "sub_bad_filter"), "InvalidParameter",
          message="Invalid parameter: Attributes Reason: FilterPolicy: Value of > must be numeric")
    error(rec(runs, flavour, "sub_too_many_keys"), "InvalidParameter",
          message="Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys")
    error(rec(runs, flavour, "sub_nested_attr_scope"), "InvalidParameter",
          message="Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support "
                  "nested filter policy")


@pytest.mark.parametrize("flavour", BOTO3)
def test_subscription_attributes(runs, flavour):
    """Get/SetSubscriptionAttributes: defaults, FilterPolicy (+ its scope), raw delivery, redrive."""
    a = ok(rec(runs, flavour, "sub_attrs"))["Attributes"]
    assert a["Protocol"] == "sqs" and a["PendingConfirmation"] == "false" and a["RawMessageDelivery"] == "false"
    assert a["ConfirmationWasAuthenticated"] == "true" and a["Owner"] == ACCOUNT
    assert "FilterPolicy" not in a and "FilterPolicyScope" not in a
    for label in ("set_filter", "set_raw", "set_redrive"):
        ok(rec(runs, flavour, label))
    error(rec(runs, flavour, "set_bad_attr"), "InvalidParameter", message="Invalid parameter: AttributeName")
    error(rec(runs, flavour, "set_bad_scope"), "InvalidParameter",
          message="Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody "
                  "or MessageAttributes")
    error(rec(runs, flavour, "set_bad_filter"), "InvalidParameter",
          message="Invalid parameter: FilterPolicy: Unrecognized match type wrong-operator")
    error(rec(runs, flavour, "set_bad_raw"), "InvalidParameter")
    b = ok(rec(runs, flavour, "sub_attrs_after"))["Attributes"]
    assert json.loads(b["FilterPolicy"])["store"] == ["example_corp"]
    assert b["FilterPolicyScope"] == "MessageAttributes" and b["RawMessageDelivery"] == "true"
    assert json.loads(b["RedrivePolicy"])["deadLetterTargetArn"].endswith("-dlq")
    error(rec(runs, flavour, "sub_attrs_missing"), "NotFound", 404, "Subscription does not exist")


@pytest.mark.parametrize("flavour", BOTO3)
def test_list_subscriptions(runs, flavour):
    """Listings show pending subscriptions as "PendingConfirmation"; counts follow."""
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-{flavour}"
    subs = ok(rec(runs, flavour, "list_subs_topic"))["Subscriptions"]
    by_protocol = {s["Protocol"]: s for s in subs}
    assert by_protocol["email"]["SubscriptionArn"] == "PendingConfirmation"
    assert by_protocol["sqs"]["SubscriptionArn"].startswith(topic + ":")
    assert all(s["TopicArn"] == topic and s["Owner"] == ACCOUNT for s in subs)
    mine = [s for s in ok(rec(runs, flavour, "list_subs"))["Subscriptions"] if s["TopicArn"] == topic]
    assert len(mine) == len(subs)
    error(rec(runs, flavour, "list_subs_missing"), "NotFound", 404)
    error(rec(runs, flavour, "confirm_bad_token"), "InvalidParameter", message="Invalid token")
    counts = ok(rec(runs, flavour, "attrs_counts"))["Attributes"]
    assert counts["SubscriptionsPending"] == "2"  # email and email-json
    assert counts["SubscriptionsConfirmed"] == "3"  # sqs, sms, lambda


@pytest.mark.parametrize("flavour", BOTO3)
def test_email_confirmation_through_the_admin_state(runs, flavour):
    """An email subscription's confirmation is recorded (admin state); its token confirms it, and
    AuthenticateOnUnsubscribe makes ConfirmationWasAuthenticated true."""
    out = runs(flavour)
    mail = out["email_confirmation"]
    assert mail and mail[-1]["type"] == "SubscriptionConfirmation" and mail[-1]["protocol"] == "email"
    assert "Action=ConfirmSubscription" in mail[-1]["body"]
    confirmed = ok(rec(runs, flavour, "confirm_email"))["SubscriptionArn"]
    attrs = ok(rec(runs, flavour, "confirmed_email_attrs"))["Attributes"]
    assert attrs["SubscriptionArn"] == confirmed and attrs["PendingConfirmation"] == "false"
    assert attrs["ConfirmationWasAuthenticated"] == "true"


@pytest.mark.parametrize("flavour", BOTO3)
def test_unsubscribe(runs, flavour):
    """Unsubscribe removes the subscription (again: still success); malformed ARNs are refused."""
    ok(rec(runs, flavour, "unsubscribe"))
    ok(rec(runs, flavour, "unsubscribe_again"))
    error(rec(runs, flavour, "unsubscribed_attrs"), "NotFound", 404)
    error(rec(runs, flavour, "unsubscribe_bad_arn"), "InvalidParameter")


# ----------------------------------------------------------------------------------------------
# Publish
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flavour", BOTO3)
def test_publish(runs, flavour):
    """Publish answers a MessageId (UUID); MessageStructure=json needs a "default" entry."""
    assert re.fullmatch(UUID, ok(rec(runs, flavour, "publish"))["MessageId"])
    assert "SequenceNumber" not in ok(rec(runs, flavour, "publish"))
    ok(rec(runs, flavour, "publish_json"))
    ok(rec(runs, flavour, "publish_max"))
    error(rec(runs, flavour, "publish_json_no_default"), "InvalidParameter",
          message="Invalid parameter: Message Structure - No default entry in JSON message body")
    error(rec(runs, flavour, "publish_json_invalid"), "InvalidParameter",
          message="Invalid parameter: Message Structure - JSON message body failed to parse")
    error(rec(runs, flavour, "publish_empty"), "InvalidParameter", message="Invalid parameter: Empty message")
    error(rec(runs, flavour, "publish_too_long"), "InvalidParameter", message="Invalid parameter: Message too long")
    error(rec(runs, flavour, "publish_bad_subject"), "InvalidParameter", message="Invalid parameter: Subject")
    error(rec(runs, flavour, "publish_missing"), "NotFound", 404, "Topic does not exist")
    error(rec(runs, flavour, "publish_no_target"), "InvalidParameter")
    assert re.fullmatch(UUID, ok(rec(runs, flavour, "publish_sms"))["MessageId"])
    error(rec(runs, flavour, "publish_bad_phone"), "InvalidParameter")
    error(rec(runs, flavour, "publish_dedup_standard"), "InvalidParameter",
          message="Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId "
                  "parameter that is not valid for this topic type")


@pytest.mark.parametrize("flavour", BOTO3)
def test_publish_message_attribute_errors(runs, flavour):
    """Message attributes are checked as AWS does (ParameterValueInvalid)."""
    error(rec(runs, flavour, "publish_bad_number"), "ParameterValueInvalid",
          message="Could not cast message attribute 'n' value to number.")
    error(rec(runs, flavour, "publish_bad_type"), "ParameterValueInvalid",
          message="The message attribute 'n' has an invalid message attribute type, the set of supported type "
                  "prefixes is Binary, Number, and String.")
    error(rec(runs, flavour, "publish_empty_value"), "ParameterValueInvalid",
          message="The message attribute 'n' must contain non-empty message attribute value for message attribute "
                  "type 'String'.")


@pytest.mark.parametrize("flavour", BOTO3)
def test_publish_fifo(runs, flavour):
    """FIFO: MessageGroupId required; SequenceNumber grows; a repeated deduplication id answers
    the first MessageId; content-based deduplication once enabled."""
    error(rec(runs, flavour, "fifo_no_group"), "InvalidParameter",
          message="Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
    first = ok(rec(runs, flavour, "fifo_1"))
    assert re.fullmatch(r"\d{20}", first["SequenceNumber"])
    dup = ok(rec(runs, flavour, "fifo_dup"))
    assert dup["MessageId"] == first["MessageId"] and dup["SequenceNumber"] == first["SequenceNumber"]
    second = ok(rec(runs, flavour, "fifo_2"))
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])
    ok(rec(runs, flavour, "fifo_cbd"))
    entries = ok(rec(runs, flavour, "batch_fifo"))["Successful"]
    assert [e["Id"] for e in entries] == ["a", "b"] and all(re.fullmatch(r"\d{20}", e["SequenceNumber"]) for e in entries)


@pytest.mark.parametrize("flavour", BOTO3)
def test_publish_batch(runs, flavour):
    """PublishBatch: per-entry results and failures; batch-level errors for 0, 11, duplicate or bad ids."""
    res = ok(rec(runs, flavour, "batch"))
    assert sorted(e["Id"] for e in res["Successful"]) == ["ok1", "ok2"]
    assert all(re.fullmatch(UUID, e["MessageId"]) for e in res["Successful"])
    assert len(res["Failed"]) == 1
    failed = res["Failed"][0]
    assert failed["Id"] == "bad" and failed["Code"] == "ParameterValueInvalid" and failed["SenderFault"] is True
    error(rec(runs, flavour, "batch_empty"), "EmptyBatchRequest")
    error(rec(runs, flavour, "batch_too_many"), "TooManyEntriesInBatchRequest",
          message="The batch request contains more entries than permissible.")
    error(rec(runs, flavour, "batch_dup_ids"), "BatchEntryIdsNotDistinct")
    error(rec(runs, flavour, "batch_bad_id"), "InvalidBatchEntryId")


# ----------------------------------------------------------------------------------------------
# Platform applications, endpoints, SMS
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flavour", BOTO3)
def test_platform_applications(runs, flavour):
    """Applications are stored (credentials never returned), listed, changed and deleted."""
    arn = ok(rec(runs, flavour, "create_app"))["PlatformApplicationArn"]
    assert arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:app/GCM/app-{flavour}"
    error(rec(runs, flavour, "create_app_bad_platform"), "InvalidParameter")
    error(rec(runs, flavour, "create_app_no_credential"), "InvalidParameter")
    a = ok(rec(runs, flavour, "app_attrs"))["Attributes"]
    assert a["Enabled"] == "true" and "PlatformCredential" not in a
    ok(rec(runs, flavour, "set_app_attrs"))
    assert ok(rec(runs, flavour, "app_attrs_after"))["Attributes"]["EventEndpointCreated"].endswith(f"orders-{flavour}")
    assert arn in [p["PlatformApplicationArn"] for p in ok(rec(runs, flavour, "list_apps"))["PlatformApplications"]]
    ok(rec(runs, flavour, "delete_app"))
    error(rec(runs, flavour, "app_attrs_deleted"), "NotFound", 404)


@pytest.mark.parametrize("flavour", BOTO3)
def test_platform_endpoints(runs, flavour):
    """Endpoints: idempotent per token, conflicts on other attributes, publish, disabled endpoints."""
    arn = ok(rec(runs, flavour, "create_endpoint"))["EndpointArn"]
    assert re.fullmatch(rf"arn:aws:sns:{REGION}:{ACCOUNT}:endpoint/GCM/app-{flavour}/" + UUID, arn)
    assert ok(rec(runs, flavour, "create_endpoint_again"))["EndpointArn"] == arn
    error(rec(runs, flavour, "create_endpoint_conflict"), "InvalidParameter",
          message=f"Invalid parameter: Token Reason: Endpoint {arn} already exists with the same Token, but different "
                  "attributes.")
    assert ok(rec(runs, flavour, "endpoint_attrs"))["Attributes"] == {"CustomUserData": "user-1", "Enabled": "true",
                                                                       "Token": "device-token"}
    listed = ok(rec(runs, flavour, "list_endpoints"))["Endpoints"]
    assert [e["EndpointArn"] for e in listed] == [arn]
    assert re.fullmatch(UUID, ok(rec(runs, flavour, "publish_endpoint"))["MessageId"])
    ok(rec(runs, flavour, "sub_application"))
    ok(rec(runs, flavour, "disable_endpoint"))
    error(rec(runs, flavour, "publish_disabled"), "EndpointDisabled", message="Endpoint is disabled")
    ok(rec(runs, flavour, "delete_endpoint"))
    error(rec(runs, flavour, "endpoint_attrs_deleted"), "NotFound", 404)


@pytest.mark.parametrize("flavour", BOTO3)
def test_sms(runs, flavour):
    """SMS attributes, opt-outs and the sandbox (the one-time password arrives as a recorded SMS)."""
    ok(rec(runs, flavour, "set_sms"))
    error(rec(runs, flavour, "set_sms_bad"), "InvalidParameter")
    assert ok(rec(runs, flavour, "get_sms"))["attributes"] == {"DefaultSMSType": "Transactional"}
    assert ok(rec(runs, flavour, "get_sms_all"))["attributes"]["DefaultSenderID"] == "Rime"
    assert ok(rec(runs, flavour, "opted_out"))["isOptedOut"] is False
    error(rec(runs, flavour, "opted_out_bad"), "InvalidParameter")
    assert ok(rec(runs, flavour, "list_opted_out"))["phoneNumbers"] == []
    ok(rec(runs, flavour, "opt_in"))
    assert ok(rec(runs, flavour, "sandbox_status"))["IsInSandbox"] is True
    ok(rec(runs, flavour, "sandbox_create"))
    assert {"PhoneNumber": "+15555550111", "Status": "Pending"} in ok(rec(runs, flavour, "sandbox_list"))["PhoneNumbers"]
    error(rec(runs, flavour, "sandbox_verify_wrong"), "VerificationException")
    ok(rec(runs, flavour, "sandbox_verify"))
    assert {"PhoneNumber": "+15555550111", "Status": "Verified"} in \
        ok(rec(runs, flavour, "sandbox_list_verified"))["PhoneNumbers"]
    ok(rec(runs, flavour, "sandbox_delete"))
    error(rec(runs, flavour, "sandbox_delete_missing"), "ResourceNotFound", 404)
    assert ok(rec(runs, flavour, "origination_numbers"))["PhoneNumbers"] == []


# ----------------------------------------------------------------------------------------------
# Admin state, AWS CLI
# ----------------------------------------------------------------------------------------------

def test_recorded_deliveries_in_the_admin_state(srv, runs):
    """SMS, email-json and Lambda deliveries are recorded in the SNS view of the admin state."""
    runs("new")
    view = get_state(srv, service="sns")["services"]["sns"][ACCOUNT][REGION]
    mine = [d for d in view["deliveries"] if d["topicArn"].endswith(":orders-new")]
    kinds = {(d["protocol"], d["type"]) for d in mine}
    assert ("email-json", "SubscriptionConfirmation") in kinds
    assert ("sms", "Notification") in kinds and ("lambda", "Notification") in kinds
    sms = [d for d in mine if d["protocol"] == "sms" and d["type"] == "Notification"]
    assert "short" in [d["body"] for d in sms]  # MessageStructure=json picks the sms entry
    lam = [d for d in mine if d["protocol"] == "lambda"][0]
    envelope = json.loads(lam["body"])
    assert envelope["Type"] == "Notification" and envelope["TopicArn"].endswith(":orders-new")
    direct = [d for d in view["deliveries"] if d["endpoint"] == "+15555550199"]
    assert direct and direct[0]["body"] == "sms text"


def test_state_round_trip(srv, runs):
    """GET then PUT of the SNS state restores topics, subscriptions and filter policies."""
    runs("old")
    doc = get_state(srv, service="sns")
    view = doc["services"]["sns"][ACCOUNT][REGION]
    assert any(t["arn"].endswith(":orders-old") for t in view["topics"])
    r = admin(srv, "DELETE", "/_rime/state", params={"service": "sns"})
    assert r.status_code in (200, 204), r.text
    assert not get_state(srv, service="sns")["services"].get("sns")
    r = put_state(srv, doc)
    assert r.status_code in (200, 204), r.text
    again = get_state(srv, service="sns")["services"]["sns"][ACCOUNT][REGION]
    assert again["topics"] == view["topics"] and again["subscriptions"] == view["subscriptions"]
    bad = {"format": doc["format"], "services": {"sns": {ACCOUNT: {REGION: {"topics": [{"arn": "x"}]}}}}}
    assert put_state(srv, bad).status_code == 400


@pytest.mark.parametrize("major", [1, 2])
def test_cli(srv, major):
    """The AWS CLI creates a topic, publishes, lists and gets NotFound as AWS words it."""
    name = f"cli-v{major}"
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"
    create = cli_outcome(run_aws(major, srv.url, ["sns", "create-topic", "--name", name]))
    assert create["ok"], create
    assert create["result"]["TopicArn"] == arn
    jobs = [(["sns", "publish", "--topic-arn", arn, "--message", "hi", "--subject", "s"],),
            (["sns", "list-topics"],),
            (["sns", "get-topic-attributes", "--topic-arn", arn + "-missing"],),
            (["sns", "subscribe", "--topic-arn", arn, "--protocol", "sms", "--notification-endpoint", "+15555550100"],)]
    results = run_many(lambda args: cli_outcome(run_aws(major, srv.url, args)), jobs)
    assert results[0]["ok"] and re.fullmatch(UUID, results[0]["result"]["MessageId"]), results[0]
    assert results[1]["ok"] and arn in [t["TopicArn"] for t in results[1]["result"]["Topics"]], results[1]
    assert results[2]["code"] == "NotFound" and results[2]["message"] == "Topic does not exist", results[2]
    assert results[3]["ok"] and results[3]["result"]["SubscriptionArn"].startswith(arn + ":"), results[3]
