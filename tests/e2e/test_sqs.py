"""SQS end to end with boto3 1.26 (awsQuery) and boto3 1.43 (awsJson1_0 with x-amzn-query-mode):
the same scenarios through both protocols must give the same results. Each flavour runs one
batch of calls in one subprocess against one shared server (queue names carry the flavour).

What is asserted is what the SQS API Reference documents:
  - queues: CreateQueue is idempotent for identical attributes and fails with QueueAlreadyExists
    for different ones; names are 1-80 of [A-Za-z0-9_-] plus ".fifo" for FIFO queues; attribute
    ranges (VisibilityTimeout 0-43200, MaximumMessageSize 1024-1048576, ...); ListQueues prefix
    and MaxResults/NextToken; GetQueueUrl; tags; AddPermission/RemovePermission policy
    statements; PurgeQueue once per 60 s;
  - messages: MD5 of body and attributes, visibility timeouts, ChangeMessageVisibility, delays,
    receive counts, batches and their errors, FIFO group order and locks, deduplication,
    dead-letter redrive after maxReceiveCount, message move tasks, long-poll timing;
  - errors: the codes boto3 reports (the query code: AWS.SimpleQueueService.NonExistentQueue on
    both protocols, JSON carrying it in x-amzn-query-error) and HTTP statuses.
"""
import base64
import hashlib
import json
import struct

import pytest

from clients import boto_protocol, run_boto, start_module_server

ACCOUNT = "123456789012"
BOTO3 = ["boto3-old", "boto3-new"]
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

BOTO_BODY = r'''
import threading, time
P = json.loads(PARAMS)
p = P["prefix"]
sqs = client("sqs")
raw = client("sqs", validate=False)   # lets out-of-range values reach the server
OUT["t0"] = time.time()

def url_of(rec):
    return rec["result"]["QueueUrl"] if rec["ok"] else "http://localhost/000000000000/missing"

# --- queues -------------------------------------------------------------------------------
std = url_of(call("create_std", sqs, "create_queue", QueueName=p + "-std",
                  Attributes={"VisibilityTimeout": "30"}, tags={"team": "a"}))
call("create_same", sqs, "create_queue", QueueName=p + "-std", Attributes={"VisibilityTimeout": "30"})
call("create_no_attrs", sqs, "create_queue", QueueName=p + "-std")
call("create_conflict", sqs, "create_queue", QueueName=p + "-std", Attributes={"VisibilityTimeout": "31"})
call("create_bad_name", sqs, "create_queue", QueueName="bad name!")
call("create_long_name", sqs, "create_queue", QueueName="n" * 81)
call("create_fifo_no_attr", sqs, "create_queue", QueueName=p + "-x.fifo")
call("create_fifo_no_suffix", sqs, "create_queue", QueueName=p + "-x", Attributes={"FifoQueue": "true"})
call("create_bad_vt", sqs, "create_queue", QueueName=p + "-bad", Attributes={"VisibilityTimeout": "43201"})
call("create_bad_size", sqs, "create_queue", QueueName=p + "-bad", Attributes={"MaximumMessageSize": "1048577"})
call("create_cbd_standard", sqs, "create_queue", QueueName=p + "-bad",
     Attributes={"ContentBasedDeduplication": "true"})
call("get_url", sqs, "get_queue_url", QueueName=p + "-std")
call("get_url_owner", sqs, "get_queue_url", QueueName=p + "-std", QueueOwnerAWSAccountId=P["account"])
call("get_url_missing", sqs, "get_queue_url", QueueName=p + "-missing")
for i in range(3):
    sqs.create_queue(QueueName=p + "-page-" + str(i))
call("list_prefix", sqs, "list_queues", QueueNamePrefix=p + "-page")
r = call("list_page1", sqs, "list_queues", QueueNamePrefix=p + "-page", MaxResults=2)
if r["ok"] and r["result"].get("NextToken"):
    call("list_page2", sqs, "list_queues", QueueNamePrefix=p + "-page", MaxResults=2, NextToken=r["result"]["NextToken"])
call("attrs_all", sqs, "get_queue_attributes", QueueUrl=std, AttributeNames=["All"])
call("set_attrs", sqs, "set_queue_attributes", QueueUrl=std,
     Attributes={"MaximumMessageSize": "2048", "ReceiveMessageWaitTimeSeconds": "0"})
call("set_bad", sqs, "set_queue_attributes", QueueUrl=std, Attributes={"ReceiveMessageWaitTimeSeconds": "21"})
call("set_fifo_attr", sqs, "set_queue_attributes", QueueUrl=std, Attributes={"FifoQueue": "true"})
call("attrs_after", sqs, "get_queue_attributes", QueueUrl=std,
     AttributeNames=["MaximumMessageSize", "ReceiveMessageWaitTimeSeconds", "LastModifiedTimestamp"])
call("create_unknown_attr", sqs, "create_queue", QueueName=p + "-bad", Attributes={"Bogus": "1"})
call("get_unknown_attr", sqs, "get_queue_attributes", QueueUrl=std, AttributeNames=["Bogus"])
call("missing_queue", sqs, "get_queue_attributes", QueueUrl=std + "-nope", AttributeNames=["All"])
call("aws_style_url", sqs, "get_queue_attributes",
     QueueUrl="https://sqs.us-east-1.amazonaws.com/" + P["account"] + "/" + p + "-std", AttributeNames=["QueueArn"])
call("tag", sqs, "tag_queue", QueueUrl=std, Tags={"env": "dev"})
call("untag", sqs, "untag_queue", QueueUrl=std, TagKeys=["team"])
call("list_tags", sqs, "list_queue_tags", QueueUrl=std)
call("add_perm", sqs, "add_permission", QueueUrl=std, Label="share", AWSAccountIds=["111122223333"],
     Actions=["SendMessage"])
call("add_perm_dup", sqs, "add_permission", QueueUrl=std, Label="share", AWSAccountIds=["111122223333"],
     Actions=["SendMessage"])
call("add_perm_over", sqs, "add_permission", QueueUrl=std, Label="many", AWSAccountIds=["111122223333"],
     Actions=["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes",
              "GetQueueUrl", "PurgeQueue", "ListDeadLetterSourceQueues"])
call("policy", sqs, "get_queue_attributes", QueueUrl=std, AttributeNames=["Policy"])
call("remove_perm", sqs, "remove_permission", QueueUrl=std, Label="share")
call("remove_perm_missing", sqs, "remove_permission", QueueUrl=std, Label="share")
call("policy_after", sqs, "get_queue_attributes", QueueUrl=std, AttributeNames=["Policy"])

# --- messages -----------------------------------------------------------------------------
attrs = {"s": {"DataType": "String", "StringValue": "v"}, "n": {"DataType": "Number", "StringValue": "12.5"},
         "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}}
call("send", sqs, "send_message", QueueUrl=std, MessageBody="hello", MessageAttributes=attrs,
     MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": P["trace"]}})
r = call("receive", sqs, "receive_message", QueueUrl=std, AttributeNames=["All"], MessageAttributeNames=["All"],
         MaxNumberOfMessages=10)
handle = r["result"]["Messages"][0]["ReceiptHandle"] if r["ok"] and r["result"].get("Messages") else "none"
call("receive_hidden", sqs, "receive_message", QueueUrl=std)
call("counts_in_flight", sqs, "get_queue_attributes", QueueUrl=std,
     AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
call("change_vis", sqs, "change_message_visibility", QueueUrl=std, ReceiptHandle=handle, VisibilityTimeout=0)
r = call("receive_again", sqs, "receive_message", QueueUrl=std, AttributeNames=["All"],
         MessageAttributeNames=["s", "n"])
handle2 = r["result"]["Messages"][0]["ReceiptHandle"] if r["ok"] and r["result"].get("Messages") else "none"
call("change_vis_too_long", raw, "change_message_visibility", QueueUrl=std, ReceiptHandle=handle2,
     VisibilityTimeout=43201)
call("delete_stale", sqs, "delete_message", QueueUrl=std, ReceiptHandle=handle)
call("counts_after_stale", sqs, "get_queue_attributes", QueueUrl=std,
     AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
call("delete", sqs, "delete_message", QueueUrl=std, ReceiptHandle=handle2)
call("delete_again", sqs, "delete_message", QueueUrl=std, ReceiptHandle=handle2)
call("delete_bad_handle", sqs, "delete_message", QueueUrl=std, ReceiptHandle="not-a-receipt-handle")
call("change_vis_deleted", sqs, "change_message_visibility", QueueUrl=std, ReceiptHandle=handle2,
     VisibilityTimeout=5)
call("send_too_big", sqs, "send_message", QueueUrl=std, MessageBody="x" * 2049)
call("send_bad_chars", sqs, "send_message", QueueUrl=std, MessageBody="bad\x01char")
call("send_bad_delay", raw, "send_message", QueueUrl=std, MessageBody="x", DelaySeconds=901)
call("send_bad_attr_type", sqs, "send_message", QueueUrl=std, MessageBody="x",
     MessageAttributes={"a": {"DataType": "Float", "StringValue": "1"}})
call("send_dedup_standard", sqs, "send_message", QueueUrl=std, MessageBody="x", MessageDeduplicationId="d")
call("receive_bad_max", raw, "receive_message", QueueUrl=std, MaxNumberOfMessages=11)
call("receive_bad_wait", raw, "receive_message", QueueUrl=std, WaitTimeSeconds=21)
call("send_delayed", sqs, "send_message", QueueUrl=std, MessageBody="later", DelaySeconds=2)
call("counts_delayed", sqs, "get_queue_attributes", QueueUrl=std,
     AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"])
call("receive_delayed_early", sqs, "receive_message", QueueUrl=std)
time.sleep(2.2)
r = call("receive_delayed_late", sqs, "receive_message", QueueUrl=std)
for m in (r["result"].get("Messages") or []) if r["ok"] else []:
    sqs.delete_message(QueueUrl=std, ReceiptHandle=m["ReceiptHandle"])

# --- batches ------------------------------------------------------------------------------
entries = [{"Id": "m" + str(i), "MessageBody": "b" + str(i)} for i in range(9)]
entries.append({"Id": "big", "MessageBody": "x" * 3000})
call("batch_send", sqs, "send_message_batch", QueueUrl=std, Entries=entries)
call("batch_empty", raw, "send_message_batch", QueueUrl=std, Entries=[])
call("batch_too_many", sqs, "send_message_batch", QueueUrl=std,
     Entries=[{"Id": "e" + str(i), "MessageBody": "x"} for i in range(11)])
call("batch_dup_ids", sqs, "send_message_batch", QueueUrl=std,
     Entries=[{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}])
call("batch_bad_id", sqs, "send_message_batch", QueueUrl=std, Entries=[{"Id": "bad id", "MessageBody": "x"}])
big = url_of(call("create_big", sqs, "create_queue", QueueName=p + "-big"))
call("batch_too_long", sqs, "send_message_batch", QueueUrl=big,
     Entries=[{"Id": "a", "MessageBody": "x" * 600000}, {"Id": "b", "MessageBody": "y" * 600000}])
r = call("batch_receive", sqs, "receive_message", QueueUrl=std, MaxNumberOfMessages=10, VisibilityTimeout=60)
got = (r["result"].get("Messages") or []) if r["ok"] else []
call("batch_change_vis", sqs, "change_message_visibility_batch", QueueUrl=std,
     Entries=[{"Id": "c" + str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 120}
              for i, m in enumerate(got)] + [{"Id": "bad", "ReceiptHandle": "garbage", "VisibilityTimeout": 5}])
call("batch_delete", sqs, "delete_message_batch", QueueUrl=std,
     Entries=[{"Id": "d" + str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
             + [{"Id": "bad", "ReceiptHandle": "garbage"}])
call("counts_after_batch", sqs, "get_queue_attributes", QueueUrl=std, AttributeNames=["All"])
call("purge", sqs, "purge_queue", QueueUrl=big)
call("purge_again", sqs, "purge_queue", QueueUrl=big)

# --- FIFO ---------------------------------------------------------------------------------
fifo = url_of(call("create_fifo", sqs, "create_queue", QueueName=p + "-f.fifo",
                   Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}))
call("fifo_attrs", sqs, "get_queue_attributes", QueueUrl=fifo, AttributeNames=["All"])
call("fifo_no_group", sqs, "send_message", QueueUrl=fifo, MessageBody="x")
call("fifo_delay", sqs, "send_message", QueueUrl=fifo, MessageBody="x", MessageGroupId="g", DelaySeconds=5)
nodedup = url_of(call("create_fifo_nodedup", sqs, "create_queue", QueueName=p + "-n.fifo",
                      Attributes={"FifoQueue": "true"}))
call("fifo_no_dedup", sqs, "send_message", QueueUrl=nodedup, MessageBody="x", MessageGroupId="g")
for label, body, group in [("fifo_a1", "a1", "A"), ("fifo_b1", "b1", "B"), ("fifo_a2", "a2", "A"),
                           ("fifo_a3", "a3", "A")]:
    call(label, sqs, "send_message", QueueUrl=fifo, MessageBody=body, MessageGroupId=group)
call("fifo_dup", sqs, "send_message", QueueUrl=fifo, MessageBody="a1", MessageGroupId="A")
call("fifo_dup_explicit", sqs, "send_message", QueueUrl=fifo, MessageBody="other", MessageGroupId="A",
     MessageDeduplicationId=hashlib.sha256(b"a1").hexdigest())
r = call("fifo_recv_a", sqs, "receive_message", QueueUrl=fifo, MaxNumberOfMessages=2, AttributeNames=["All"],
         ReceiveRequestAttemptId="try-1")
call("fifo_recv_retry", sqs, "receive_message", QueueUrl=fifo, MaxNumberOfMessages=2, AttributeNames=["All"],
     ReceiveRequestAttemptId="try-1")
call("fifo_recv_b", sqs, "receive_message", QueueUrl=fifo, MaxNumberOfMessages=10)
call("fifo_recv_locked", sqs, "receive_message", QueueUrl=fifo, MaxNumberOfMessages=10)
for m in (r["result"].get("Messages") or []) if r["ok"] else []:
    sqs.delete_message(QueueUrl=fifo, ReceiptHandle=m["ReceiptHandle"])
call("fifo_recv_unlocked", sqs, "receive_message", QueueUrl=fifo, MaxNumberOfMessages=10)
batch = [{"Id": "e" + str(i), "MessageBody": "q" + str(i), "MessageGroupId": "Q"} for i in range(10)]
call("fifo_batch", sqs, "send_message_batch", QueueUrl=fifo, Entries=batch)
call("fifo_batch_recv", sqs, "receive_message", QueueUrl=fifo, MaxNumberOfMessages=10)

# --- dead-letter queues and redrive --------------------------------------------------------
dlq = url_of(call("create_dlq", sqs, "create_queue", QueueName=p + "-dlq"))
dlq_arn = "arn:aws:sqs:us-east-1:" + P["account"] + ":" + p + "-dlq"
src = url_of(call("create_src", sqs, "create_queue", QueueName=p + "-src", Attributes={
    "VisibilityTimeout": "1",
    "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"})}))
call("src_attrs", sqs, "get_queue_attributes", QueueUrl=src, AttributeNames=["RedrivePolicy"])
call("create_src_missing_dlq", sqs, "create_queue", QueueName=p + "-src2", Attributes={
    "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn + "-none", "maxReceiveCount": 3})})
call("create_src_bad_count", sqs, "create_queue", QueueName=p + "-src3", Attributes={
    "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 0})})
sent = call("src_send", sqs, "send_message", QueueUrl=src, MessageBody="poison")
call("src_recv1", sqs, "receive_message", QueueUrl=src)
time.sleep(1.2)
call("src_recv2", sqs, "receive_message", QueueUrl=src)
call("dlq_recv", sqs, "receive_message", QueueUrl=dlq, AttributeNames=["All"], VisibilityTimeout=0)
call("dlq_sources", sqs, "list_dead_letter_source_queues", QueueUrl=dlq)
deny = url_of(call("create_deny", sqs, "create_queue", QueueName=p + "-deny",
                   Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})}))
call("redrive_denied", sqs, "create_queue", QueueName=p + "-src4", Attributes={
    "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn.replace("-dlq", "-deny"), "maxReceiveCount": 3})})
if hasattr(sqs, "start_message_move_task"):
    call("move_not_dlq", sqs, "start_message_move_task", SourceArn=dlq_arn.replace("-dlq", "-std"))
    r = call("move_start", sqs, "start_message_move_task", SourceArn=dlq_arn)
    for _ in range(50):
        listed = call("move_list", sqs, "list_message_move_tasks", SourceArn=dlq_arn, MaxResults=10)
        if not listed["ok"] or listed["result"]["Results"][0]["Status"] != "RUNNING":
            break
        time.sleep(0.1)
    call("move_back", sqs, "receive_message", QueueUrl=src, AttributeNames=["All"])
    call("move_cancel_unknown", sqs, "cancel_message_move_task",
         TaskHandle=base64.b64encode(b'{"taskId":"x","sourceArn":"' + dlq_arn.encode() + b'"}').decode())
else:
    for label in ("move_not_dlq", "move_start", "move_list", "move_back", "move_cancel_unknown"):
        unavailable(label, "botocore %s has no message move tasks" % botocore.__version__)

# --- long polling -------------------------------------------------------------------------
poll = url_of(call("create_poll", sqs, "create_queue", QueueName=p + "-poll"))
t = time.time()
call("poll_empty", sqs, "receive_message", QueueUrl=poll, WaitTimeSeconds=1)
OUT["poll_empty_seconds"] = time.time() - t
def later():
    time.sleep(0.5)
    client("sqs").send_message(QueueUrl=poll, MessageBody="wake")
th = threading.Thread(target=later)
t = time.time()
th.start()
call("poll_woken", sqs, "receive_message", QueueUrl=poll, WaitTimeSeconds=10)
OUT["poll_woken_seconds"] = time.time() - t
th.join()
sqs.set_queue_attributes(QueueUrl=poll, Attributes={"ReceiveMessageWaitTimeSeconds": "1"})
t = time.time()
call("poll_queue_default", sqs, "receive_message", QueueUrl=poll, VisibilityTimeout=0, MaxNumberOfMessages=1)
call("poll_queue_default_empty", sqs, "receive_message", QueueUrl=poll, MaxNumberOfMessages=1)
OUT["poll_queue_default_seconds"] = time.time() - t

legacy = url_of(call("create_legacy", sqs, "create_queue", QueueName=p + "-legacy"))
sqs.send_message(QueueUrl=legacy, MessageBody="x")
call("receive_legacy_names", sqs, "receive_message", QueueUrl=legacy, AttributeNames=["SentTimestamp"])

# --- deletion -----------------------------------------------------------------------------
call("delete_queue", sqs, "delete_queue", QueueUrl=big)
call("delete_queue_again", sqs, "delete_queue", QueueUrl=big)
call("send_deleted", sqs, "send_message", QueueUrl=big, MessageBody="x")
'''


def md5_of_attributes(attributes):
    """AWS's documented encoding: name, type, transport byte and value, length-prefixed, by name."""
    def enc(b):
        return struct.pack(">I", len(b)) + b
    data = b""
    for name in sorted(attributes):
        a = attributes[name]
        data += enc(name.encode()) + enc(a["DataType"].encode())
        if a["DataType"].startswith("Binary"):
            data += b"\x02" + enc(a["BinaryValue"])
        else:
            data += b"\x01" + enc(a["StringValue"].encode())
    return hashlib.md5(data).hexdigest()


ATTRS = {"s": {"DataType": "String", "StringValue": "v"}, "n": {"DataType": "Number", "StringValue": "12.5"},
         "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}}
# As the recorded results hold them: bytes come back base64-encoded from the client subprocess.
ATTRS_RECORDED = {**ATTRS, "b": {"DataType": "Binary", "BinaryValue": base64.b64encode(b"\x00\x01\xff").decode()}}


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_module_server(tmp_path_factory.mktemp("rime-sqs"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def runs(srv):
    cache = {}

    def get(name):
        if name not in cache:
            flavour = name.split("-")[1]
            params = {"prefix": flavour, "account": ACCOUNT, "trace": TRACE}
            body = "import hashlib\nPARAMS = " + repr(json.dumps(params)) + "\n" + BOTO_BODY
            out = run_boto(flavour, srv.url, body, timeout=120)
            assert "script_error" not in out, f"boto3 {flavour} script raised:\n{out['script_error']}"
            cache[name] = out
        return cache[name]
    return get


def rec(runs, client, label):
    r = runs(client)["calls"].get(label)
    assert r is not None, f"{client} did not run {label}"
    if r.get("kind") == "unavailable":
        pytest.skip(r["message"])
    return r


def ok(r, what=""):
    assert r["ok"], f"{what} failed: {json.dumps({k: v for k, v in r.items() if k != 'sent'}, default=str)[:3000]}"
    return r["result"]


def assert_error(r, code, status, message=None, contains=()):
    assert not r["ok"], f"expected {code}, got success: {r.get('result')}"
    assert r["kind"] == "ClientError", f"not a service error: {r}"
    assert r["code"] == code, r
    assert r["status"] == status, r
    if message is not None:
        assert r["message"] == message, r
    for part in contains:
        assert part in r["message"], (part, r)


def messages(r):
    return ok(r).get("Messages") or []


def bodies(r):
    return [m["Body"] for m in messages(r)]


def queue_url(srv, name):
    return f"{srv.url}/{ACCOUNT}/{name}"


# ----------------------------------------------------------------------------------------------
# Protocols
# ----------------------------------------------------------------------------------------------

def test_old_boto3_speaks_query(runs):
    """boto3 1.26 sends awsQuery forms."""
    assert boto_protocol(rec(runs, "boto3-old", "send"), "sqs") == "awsQuery"


def test_new_boto3_speaks_json(runs):
    """boto3 1.43 sends awsJson1_0 with x-amzn-query-mode, and gets x-amzn-query-error on errors."""
    r = rec(runs, "boto3-new", "send")
    assert boto_protocol(r, "sqs") == "awsJson1_0"
    assert r["sent"][-1]["headers"].get("x-amzn-query-mode") == "true"
    err = rec(runs, "boto3-new", "missing_queue")
    assert err["received"][-1]["headers"]["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    assert json.loads(err["received"][-1]["body"])["__type"].endswith("QueueDoesNotExist")


# ----------------------------------------------------------------------------------------------
# Queues
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", BOTO3)
def test_create_queue_url_and_idempotency(srv, runs, client):
    """CreateQueue returns http://<host>/<account>/<name>; the same call again (or one without
    attributes) returns the same URL; different attribute values fail with QueueAlreadyExists."""
    p = client.split("-")[1]
    url = ok(rec(runs, client, "create_std"))["QueueUrl"]
    assert url == queue_url(srv, f"{p}-std")
    assert ok(rec(runs, client, "create_same"))["QueueUrl"] == url
    assert ok(rec(runs, client, "create_no_attrs"))["QueueUrl"] == url
    assert_error(rec(runs, client, "create_conflict"), "QueueAlreadyExists", 400,
                 "A queue already exists with the same name and a different value for attribute VisibilityTimeout")


@pytest.mark.parametrize("client", BOTO3)
def test_create_queue_validation(runs, client):
    """Queue names, the .fifo suffix and attribute ranges are checked as AWS documents."""
    for label in ("create_bad_name", "create_long_name", "create_fifo_no_attr"):
        assert_error(rec(runs, client, label), "InvalidParameterValue", 400,
                     "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
    assert_error(rec(runs, client, "create_fifo_no_suffix"), "InvalidParameterValue", 400,
                 contains=["must end with .fifo suffix"])
    assert_error(rec(runs, client, "create_bad_vt"), "InvalidAttributeValue", 400,
                 "Invalid value for the parameter VisibilityTimeout.")
    assert_error(rec(runs, client, "create_bad_size"), "InvalidAttributeValue", 400,
                 "Invalid value for the parameter MaximumMessageSize.")
    assert_error(rec(runs, client, "create_cbd_standard"), "InvalidAttributeName", 400,
                 "Unknown Attribute ContentBasedDeduplication.")


@pytest.mark.parametrize("client", BOTO3)
def test_get_queue_url(srv, runs, client):
    """GetQueueUrl by name (optionally with the owner's account); a missing queue is NonExistentQueue."""
    p = client.split("-")[1]
    assert ok(rec(runs, client, "get_url"))["QueueUrl"] == queue_url(srv, f"{p}-std")
    assert ok(rec(runs, client, "get_url_owner"))["QueueUrl"] == queue_url(srv, f"{p}-std")
    assert_error(rec(runs, client, "get_url_missing"), "AWS.SimpleQueueService.NonExistentQueue", 400,
                 "The specified queue does not exist.")


@pytest.mark.parametrize("client", BOTO3)
def test_list_queues(srv, runs, client):
    """QueueNamePrefix filters; MaxResults pages with NextToken; without it there is no token."""
    p = client.split("-")[1]
    expected = [queue_url(srv, f"{p}-page-{i}") for i in range(3)]
    listed = ok(rec(runs, client, "list_prefix"))
    assert sorted(listed["QueueUrls"]) == expected and "NextToken" not in listed
    page1 = ok(rec(runs, client, "list_page1"))
    page2 = ok(rec(runs, client, "list_page2"))
    assert len(page1["QueueUrls"]) == 2 and page1["NextToken"]
    assert sorted(page1["QueueUrls"] + page2["QueueUrls"]) == expected
    assert "NextToken" not in page2


@pytest.mark.parametrize("client", BOTO3)
def test_queue_attributes(runs, client):
    """All attributes with AWS's defaults; SetQueueAttributes changes them and LastModifiedTimestamp;
    out-of-range values and FifoQueue are refused; AWS-style URLs name the same queue."""
    p = client.split("-")[1]
    attrs = ok(rec(runs, client, "attrs_all"))["Attributes"]
    assert attrs["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:{p}-std"
    assert attrs["VisibilityTimeout"] == "30"
    assert attrs["MaximumMessageSize"] == "1048576"
    assert attrs["MessageRetentionPeriod"] == "345600"
    assert attrs["DelaySeconds"] == "0" and attrs["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attrs["SqsManagedSseEnabled"] == "true"
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert abs(int(attrs["CreatedTimestamp"]) - runs(client)["t0"]) < 30
    assert "FifoQueue" not in attrs and "Policy" not in attrs
    ok(rec(runs, client, "set_attrs"))
    assert_error(rec(runs, client, "set_bad"), "InvalidAttributeValue", 400,
                 "Invalid value for the parameter ReceiveMessageWaitTimeSeconds.")
    assert_error(rec(runs, client, "set_fifo_attr"), "InvalidAttributeName", 400, "Unknown Attribute FifoQueue.")
    after = ok(rec(runs, client, "attrs_after"))["Attributes"]
    assert after["MaximumMessageSize"] == "2048" and after["ReceiveMessageWaitTimeSeconds"] == "0"
    assert int(after["LastModifiedTimestamp"]) >= int(attrs["CreatedTimestamp"])
    assert_error(rec(runs, client, "missing_queue"), "AWS.SimpleQueueService.NonExistentQueue", 400)
    assert ok(rec(runs, client, "aws_style_url"))["Attributes"]["QueueArn"] == attrs["QueueArn"]


# AWS does not check these lists and maps against the model's enums: SQS answers with its own
# errors, and ReceiveMessage's deprecated AttributeNames accepts the message system attribute
# names that older SDKs and the CLI send (in awsQuery both lists share the wire name
# AttributeName.N). SqsService turns the front end's enum checks off for that.
@pytest.mark.parametrize("client", BOTO3)
def test_unknown_attribute_names(runs, client):
    """CreateQueue and GetQueueAttributes with an unknown attribute name: InvalidAttributeName."""
    assert_error(rec(runs, client, "create_unknown_attr"), "InvalidAttributeName", 400, "Unknown Attribute Bogus.")
    assert_error(rec(runs, client, "get_unknown_attr"), "InvalidAttributeName", 400, "Unknown Attribute Bogus.")


@pytest.mark.parametrize("client", BOTO3)
def test_receive_with_legacy_attribute_names(runs, client):
    """ReceiveMessage AttributeNames=["SentTimestamp"] (the deprecated list) returns that attribute."""
    [m] = messages(rec(runs, client, "receive_legacy_names"))
    assert list(m["Attributes"]) == ["SentTimestamp"]


@pytest.mark.parametrize("client", BOTO3)
def test_tags(runs, client):
    """Tags from CreateQueue, TagQueue merges, UntagQueue removes."""
    ok(rec(runs, client, "tag"))
    ok(rec(runs, client, "untag"))
    assert ok(rec(runs, client, "list_tags"))["Tags"] == {"env": "dev"}


@pytest.mark.parametrize("client", BOTO3)
def test_permissions(runs, client):
    """AddPermission writes a statement (Sid = label) into the queue policy; a repeated label,
    more than 7 actions and an unknown label on RemovePermission fail as AWS says."""
    p = client.split("-")[1]
    ok(rec(runs, client, "add_perm"))
    assert_error(rec(runs, client, "add_perm_dup"), "InvalidParameterValue", 400,
                 "Value share for parameter Label is invalid. Reason: Already exists.")
    assert_error(rec(runs, client, "add_perm_over"), "OverLimit", 403, "8 Actions were found, maximum allowed is 7.")
    policy = json.loads(ok(rec(runs, client, "policy"))["Attributes"]["Policy"])
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{p}-std"
    assert policy["Version"] == "2012-10-17" and policy["Id"] == f"{arn}/SQSDefaultPolicy"
    assert policy["Statement"] == [{"Sid": "share", "Effect": "Allow",
                                    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                    "Action": "SQS:SendMessage", "Resource": arn}]
    ok(rec(runs, client, "remove_perm"))
    assert_error(rec(runs, client, "remove_perm_missing"), "InvalidParameterValue", 400,
                 contains=["can't find label"])
    assert "Policy" not in (ok(rec(runs, client, "policy_after")).get("Attributes") or {})


# ----------------------------------------------------------------------------------------------
# Messages
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", BOTO3)
def test_send_digests(runs, client):
    """SendMessage returns the MD5 of the body, of the attributes (AWS's binary encoding) and of
    the system attributes (AWSTraceHeader)."""
    res = ok(rec(runs, client, "send"))
    assert res["MD5OfMessageBody"] == hashlib.md5(b"hello").hexdigest()
    assert res["MD5OfMessageAttributes"] == md5_of_attributes(ATTRS)
    assert res["MD5OfMessageSystemAttributes"] == md5_of_attributes(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}})


@pytest.mark.parametrize("client", BOTO3)
def test_receive_and_visibility(runs, client):
    """A received message carries its attributes and system attributes and stays hidden for the
    visibility timeout; ChangeMessageVisibility 0 releases it and it comes back with a higher
    receive count; attribute filters select names; MD5s cover what is returned."""
    t0 = runs(client)["t0"]
    first = messages(rec(runs, client, "receive"))
    assert len(first) == 1
    m = first[0]
    assert m["Body"] == "hello" and m["MD5OfBody"] == hashlib.md5(b"hello").hexdigest()
    assert m["MessageAttributes"] == ATTRS_RECORDED
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(ATTRS)
    a = m["Attributes"]
    assert a["ApproximateReceiveCount"] == "1" and a["AWSTraceHeader"] == TRACE
    assert abs(int(a["SentTimestamp"]) / 1000 - t0) < 60
    assert int(a["ApproximateFirstReceiveTimestamp"]) >= int(a["SentTimestamp"])
    assert a["SenderId"]
    assert messages(rec(runs, client, "receive_hidden")) == []
    counts = ok(rec(runs, client, "counts_in_flight"))["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "1"}
    ok(rec(runs, client, "change_vis"))
    again = messages(rec(runs, client, "receive_again"))
    assert len(again) == 1 and again[0]["MessageId"] == m["MessageId"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again[0]["ReceiptHandle"] != m["ReceiptHandle"]
    selected = {k: ATTRS[k] for k in ("s", "n")}
    assert again[0]["MessageAttributes"] == selected
    assert again[0]["MD5OfMessageAttributes"] == md5_of_attributes(selected)


@pytest.mark.parametrize("client", BOTO3)
def test_delete_and_receipt_handles(runs, client):
    """A stale receipt handle deletes nothing (and succeeds); the current one deletes; deleting
    again succeeds; a malformed handle is ReceiptHandleIsInvalid; visibility limits hold."""
    assert_error(rec(runs, client, "change_vis_too_long"), "InvalidParameterValue", 400,
                 contains=["VisibilityTimeout", "43201"])
    ok(rec(runs, client, "delete_stale"))
    assert ok(rec(runs, client, "counts_after_stale"))["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"
    ok(rec(runs, client, "delete"))
    ok(rec(runs, client, "delete_again"))
    assert_error(rec(runs, client, "delete_bad_handle"), "ReceiptHandleIsInvalid", 404,
                 'The input receipt handle "not-a-receipt-handle" is not a valid receipt handle.')
    assert_error(rec(runs, client, "change_vis_deleted"), "InvalidParameterValue", 400,
                 contains=["Message does not exist or is not available for visibility timeout change"])


@pytest.mark.parametrize("client", BOTO3)
def test_send_validation(runs, client):
    """Size against the queue's MaximumMessageSize, XML characters, DelaySeconds, attribute types,
    deduplication ids on standard queues, ReceiveMessage ranges."""
    assert_error(rec(runs, client, "send_too_big"), "InvalidParameterValue", 400,
                 "One or more parameters are invalid. Reason: Message must be shorter than 2048 bytes.")
    assert_error(rec(runs, client, "send_bad_chars"), "InvalidMessageContents", 400, contains=["Invalid characters"])
    assert_error(rec(runs, client, "send_bad_delay"), "InvalidParameterValue", 400,
                 "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.")
    assert_error(rec(runs, client, "send_bad_attr_type"), "InvalidParameterValue", 400,
                 contains=["invalid message attribute type"])
    assert_error(rec(runs, client, "send_dedup_standard"), "InvalidParameterValue", 400,
                 contains=["MessageDeduplicationId"])
    assert_error(rec(runs, client, "receive_bad_max"), "InvalidParameterValue", 400,
                 "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
    assert_error(rec(runs, client, "receive_bad_wait"), "InvalidParameterValue", 400, contains=["WaitTimeSeconds"])


@pytest.mark.parametrize("client", BOTO3)
def test_delays(runs, client):
    """A delayed message counts as delayed, is not received before its delay, and is after."""
    counts = ok(rec(runs, client, "counts_delayed"))["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesDelayed": "1"}
    assert messages(rec(runs, client, "receive_delayed_early")) == []
    assert bodies(rec(runs, client, "receive_delayed_late")) == ["later"]


# ----------------------------------------------------------------------------------------------
# Batches
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", BOTO3)
def test_batches(runs, client):
    """Entries succeed or fail one by one (an entry over the queue's size fails alone);
    ChangeMessageVisibilityBatch and DeleteMessageBatch report bad handles per entry."""
    res = ok(rec(runs, client, "batch_send"))
    assert sorted(e["Id"] for e in res["Successful"]) == sorted(f"m{i}" for i in range(9))
    for e in res["Successful"]:
        assert e["MD5OfMessageBody"] == hashlib.md5(f"b{e['Id'][1:]}".encode()).hexdigest()
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in res["Failed"]] == [("big", "InvalidParameterValue", True)]
    got = messages(rec(runs, client, "batch_receive"))
    assert len(got) == 9
    changed = ok(rec(runs, client, "batch_change_vis"))
    assert len(changed["Successful"]) == 9
    assert [(f["Id"], f["Code"]) for f in changed["Failed"]] == [("bad", "ReceiptHandleIsInvalid")]
    deleted = ok(rec(runs, client, "batch_delete"))
    assert len(deleted["Successful"]) == 9
    assert [(f["Id"], f["Code"]) for f in deleted["Failed"]] == [("bad", "ReceiptHandleIsInvalid")]
    attrs = ok(rec(runs, client, "counts_after_batch"))["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0" and attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


@pytest.mark.parametrize("client", BOTO3)
def test_batch_errors(runs, client):
    """Malformed batches fail as a whole with AWS's batch error codes."""
    assert_error(rec(runs, client, "batch_too_many"), "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400,
                 "Maximum number of entries per request are 10. You have sent 11.")
    assert_error(rec(runs, client, "batch_dup_ids"), "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400,
                 "Id same repeated.")
    assert_error(rec(runs, client, "batch_bad_id"), "AWS.SimpleQueueService.InvalidBatchEntryId", 400)
    assert_error(rec(runs, client, "batch_too_long"), "AWS.SimpleQueueService.BatchRequestTooLong", 400,
                 "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.")


@pytest.mark.parametrize("client", BOTO3)
def test_empty_batch(runs, client):
    """A batch without entries is EmptyBatchRequest."""
    assert_error(rec(runs, client, "batch_empty"), "AWS.SimpleQueueService.EmptyBatchRequest", 400,
                 "There should be at least one SendMessageBatchRequestEntry in the request.")


@pytest.mark.parametrize("client", BOTO3)
def test_purge(runs, client):
    """PurgeQueue once; again within 60 seconds is PurgeQueueInProgress (403)."""
    p = client.split("-")[1]
    ok(rec(runs, client, "purge"))
    assert_error(rec(runs, client, "purge_again"), "AWS.SimpleQueueService.PurgeQueueInProgress", 403,
                 f"Only one PurgeQueue operation on {p}-big is allowed every 60 seconds.")


# ----------------------------------------------------------------------------------------------
# FIFO
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", BOTO3)
def test_fifo_attributes_and_errors(runs, client):
    """FIFO attributes; MessageGroupId is required; no per-message delay; a deduplication id or
    content-based deduplication is required."""
    attrs = ok(rec(runs, client, "fifo_attrs"))["Attributes"]
    assert attrs["FifoQueue"] == "true" and attrs["ContentBasedDeduplication"] == "true"
    assert attrs["DeduplicationScope"] == "queue" and attrs["FifoThroughputLimit"] == "perQueue"
    assert_error(rec(runs, client, "fifo_no_group"), "MissingParameter", 400,
                 "The request must contain the parameter MessageGroupId.")
    assert_error(rec(runs, client, "fifo_delay"), "InvalidParameterValue", 400,
                 "Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not "
                 "valid for this queue type.")
    assert_error(rec(runs, client, "fifo_no_dedup"), "InvalidParameterValue", 400,
                 "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
                 "explicitly")


@pytest.mark.parametrize("client", BOTO3)
def test_fifo_order_locks_and_dedup(runs, client):
    """Within a group, messages come in order; a group with a message in flight gives nothing
    more until it is deleted; duplicates (same body with content-based deduplication, or the same
    explicit id) within 5 minutes return the original's MessageId; a retry with the same
    ReceiveRequestAttemptId returns the same messages and handles."""
    sent = {label: ok(rec(runs, client, label)) for label in ("fifo_a1", "fifo_b1", "fifo_a2", "fifo_a3")}
    seqs = [int(sent[label]["SequenceNumber"]) for label in ("fifo_a1", "fifo_b1", "fifo_a2", "fifo_a3")]
    assert seqs == sorted(seqs) and all(len(sent[k]["SequenceNumber"]) == 20 for k in sent)
    assert ok(rec(runs, client, "fifo_dup"))["MessageId"] == sent["fifo_a1"]["MessageId"]
    assert ok(rec(runs, client, "fifo_dup_explicit"))["MessageId"] == sent["fifo_a1"]["MessageId"]
    first = rec(runs, client, "fifo_recv_a")
    assert bodies(first) == ["a1", "a2"]
    m = messages(first)[0]["Attributes"]
    assert m["MessageGroupId"] == "A" and m["SequenceNumber"] == sent["fifo_a1"]["SequenceNumber"]
    assert m["MessageDeduplicationId"] == hashlib.sha256(b"a1").hexdigest()
    retry = rec(runs, client, "fifo_recv_retry")
    assert [x["ReceiptHandle"] for x in messages(retry)] == [x["ReceiptHandle"] for x in messages(first)]
    assert bodies(rec(runs, client, "fifo_recv_b")) == ["b1"]
    assert bodies(rec(runs, client, "fifo_recv_locked")) == []
    assert bodies(rec(runs, client, "fifo_recv_unlocked")) == ["a3"]
    assert len(ok(rec(runs, client, "fifo_batch"))["Successful"]) == 10
    assert bodies(rec(runs, client, "fifo_batch_recv")) == [f"q{i}" for i in range(10)]


# ----------------------------------------------------------------------------------------------
# Dead-letter queues, redrive, move tasks
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", BOTO3)
def test_dead_letter_redrive(srv, runs, client):
    """After maxReceiveCount receives, the next receive moves the message to the DLQ, where it
    keeps its id and names its source; ListDeadLetterSourceQueues lists the source; policies
    naming a missing DLQ, a bad maxReceiveCount or a DLQ that denies all are refused."""
    p = client.split("-")[1]
    dlq_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{p}-dlq"
    policy = json.loads(ok(rec(runs, client, "src_attrs"))["Attributes"]["RedrivePolicy"])
    assert policy == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1}
    sent = ok(rec(runs, client, "src_send"))
    assert bodies(rec(runs, client, "src_recv1")) == ["poison"]
    assert bodies(rec(runs, client, "src_recv2")) == []
    moved = messages(rec(runs, client, "dlq_recv"))
    assert [m["MessageId"] for m in moved] == [sent["MessageId"]]
    assert moved[0]["Attributes"]["DeadLetterQueueSourceArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:{p}-src"
    assert ok(rec(runs, client, "dlq_sources"))["queueUrls"] == [queue_url(srv, f"{p}-src")]
    assert_error(rec(runs, client, "create_src_missing_dlq"), "InvalidParameterValue", 400,
                 contains=["Dead letter target does not exist"])
    assert_error(rec(runs, client, "create_src_bad_count"), "InvalidParameterValue", 400,
                 contains=["maxReceiveCount"])
    assert_error(rec(runs, client, "redrive_denied"), "InvalidParameterValue", 400, contains=["RedrivePolicy"])


@pytest.mark.parametrize("client", BOTO3)
def test_message_move_task(runs, client):
    """StartMessageMoveTask moves a DLQ's messages back to their source; ListMessageMoveTasks
    shows it COMPLETED with the counts; a queue that is nobody's DLQ is refused."""
    p = client.split("-")[1]
    assert_error(rec(runs, client, "move_not_dlq"), "InvalidParameterValue", 400,
                 "Source queue must be configured as a Dead Letter Queue.")
    assert ok(rec(runs, client, "move_start"))["TaskHandle"]
    task = ok(rec(runs, client, "move_list"))["Results"][0]
    assert task["Status"] == "COMPLETED"
    assert task["SourceArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:{p}-dlq"
    assert task["ApproximateNumberOfMessagesMoved"] == 1 and task["ApproximateNumberOfMessagesToMove"] == 1
    assert "TaskHandle" not in task
    back = messages(rec(runs, client, "move_back"))
    assert [m["Body"] for m in back] == ["poison"]
    assert "DeadLetterQueueSourceArn" not in back[0]["Attributes"]
    assert_error(rec(runs, client, "move_cancel_unknown"), "ResourceNotFoundException", 404)


# ----------------------------------------------------------------------------------------------
# Long polling and deletion
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", BOTO3)
def test_long_polling(runs, client):
    """WaitTimeSeconds=1 on an empty queue answers empty after about a second; WaitTimeSeconds=10
    answers as soon as another client sends; the queue's ReceiveMessageWaitTimeSeconds applies."""
    run = runs(client)
    assert bodies(rec(runs, client, "poll_empty")) == []
    assert 0.9 <= run["poll_empty_seconds"] < 3, run["poll_empty_seconds"]
    assert bodies(rec(runs, client, "poll_woken")) == ["wake"]
    assert run["poll_woken_seconds"] < 3, run["poll_woken_seconds"]
    assert bodies(rec(runs, client, "poll_queue_default")) == []
    assert bodies(rec(runs, client, "poll_queue_default_empty")) == []
    assert 1.8 <= run["poll_queue_default_seconds"] < 5, run["poll_queue_default_seconds"]


@pytest.mark.parametrize("client", BOTO3)
def test_delete_queue(runs, client):
    """DeleteQueue, then the queue is gone for every operation."""
    ok(rec(runs, client, "delete_queue"))
    assert_error(rec(runs, client, "delete_queue_again"), "AWS.SimpleQueueService.NonExistentQueue", 400)
    assert_error(rec(runs, client, "send_deleted"), "AWS.SimpleQueueService.NonExistentQueue", 400)
