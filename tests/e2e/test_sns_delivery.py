"""SNS deliveries end to end, with boto3 1.26 and 1.43: fan-out to SQS queues of the same server
(envelope and raw, filter policies on attributes and on the body, FIFO topic to FIFO queue) and
HTTP subscriptions against a small receiver started by the test.

What is asserted is what AWS documents (SNS developer guide: "Fanout to Amazon SQS queues",
"Amazon SNS message filtering", "HTTP/HTTPS subscription confirmation / notification JSON format",
"Amazon SNS message delivery retries", "Verifying the signatures of Amazon SNS messages"):
  - an SQS subscriber receives the JSON envelope (Type "Notification", MessageId, TopicArn,
    Subject, Message, Timestamp with milliseconds, SignatureVersion "1", Signature,
    SigningCertURL, UnsubscribeURL, MessageAttributes {Type, Value}), or with
    RawMessageDelivery the message itself with its attributes as SQS message attributes;
  - a message reaches only the subscriptions whose filter policy it matches;
  - FIFO topics keep MessageGroupId and the deduplication id on the way to FIFO queues;
  - an HTTP endpoint first gets a POST of Type SubscriptionConfirmation (headers
    x-amz-sns-message-type, x-amz-sns-message-id, x-amz-sns-topic-arn) whose SubscribeURL
    confirms it when fetched; then notifications with x-amz-sns-subscription-arn and
    Content-Type text/plain; charset=UTF-8, signed (SHA1withRSA) with the certificate served at
    SigningCertURL; a 5xx answer is retried with the same MessageId; Unsubscribe sends an
    UnsubscribeConfirmation.
"""
import base64
import json
import re
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clients import run_boto, start_module_server
from conftest import get_state

ACCOUNT = "123456789012"
REGION = "us-east-1"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
BOTO3 = ["old", "new"]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_module_server(tmp_path_factory.mktemp("rime-sns-delivery"))
    yield server
    server.stop()


# ----------------------------------------------------------------------------------------------
# SQS fan-out
# ----------------------------------------------------------------------------------------------

FANOUT_BODY = r'''
SFX = FLAVOUR
sns = client("sns")
sqs = client("sqs")

def queue(name, fifo=False):
    attrs = {"FifoQueue": "true"} if fifo else {}
    url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn

def drain(url):
    got = []
    for _ in range(5):
        r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                MessageAttributeNames=["All"], AttributeNames=["All"])
        msgs = r.get("Messages", [])
        if not msgs:
            break
        got.extend(msgs)
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for i, m in enumerate(msgs)])
    return got

topic = sns.create_topic(Name="fan-" + SFX)["TopicArn"]
queues = {name: queue("%s-%s" % (name, SFX)) for name in ("all", "rugby", "pricey", "raw", "body", "or")}
subs = {
    "all": {},
    "rugby": {"FilterPolicy": json.dumps({"sport": ["rugby"]})},
    "pricey": {"FilterPolicy": json.dumps({"price": [{"numeric": [">=", 100, "<", 1000]}], "store": [{"exists": True}]})},
    "raw": {"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"store": [{"prefix": "example"}]})},
    "body": {"FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps({"order": {"kind": ["book"], "qty": [{"numeric": [">", 1]}]}})},
    "or": {"FilterPolicy": json.dumps({"$or": [{"sport": [{"anything-but": ["rugby", "golf"]}]}, {"vip": ["true"]}]})},
}
OUT["subs"] = {}
for name, attrs in subs.items():
    r = call("sub_" + name, sns, "subscribe", TopicArn=topic, Protocol="sqs", Endpoint=queues[name][1], Attributes=attrs,
             ReturnSubscriptionArn=True)
    if r["ok"]:
        OUT["subs"][name] = r["result"]["SubscriptionArn"]

S = lambda v: {"DataType": "String", "StringValue": v}
N = lambda v: {"DataType": "Number", "StringValue": v}
published = {}
published["rugby"] = call("p_rugby", sns, "publish", TopicArn=topic, Message="rugby news", Subject="Sport",
                          MessageAttributes={"sport": S("rugby"), "price": N("50")})
published["pricey"] = call("p_pricey", sns, "publish", TopicArn=topic, Message="expensive",
                           MessageAttributes={"price": N("150.5"), "store": S("example_corp"), "sport": S("golf"),
                                              "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}})
published["football"] = call("p_football", sns, "publish", TopicArn=topic, Message="football",
                             MessageAttributes={"sport": S("football")})
published["book"] = call("p_book", sns, "publish", TopicArn=topic, Message=json.dumps({"order": {"kind": "book", "qty": 2}}))
published["cheap_book"] = call("p_cheap_book", sns, "publish", TopicArn=topic,
                               Message=json.dumps({"order": {"kind": "book", "qty": 1}}))
published["batch"] = call("p_batch", sns, "publish_batch", TopicArn=topic, PublishBatchRequestEntries=[
    {"Id": "one", "Message": "batch vip", "MessageAttributes": {"vip": S("true"), "sport": S("golf")}},
    {"Id": "two", "Message": "batch plain"}])
OUT["received"] = {name: drain(q[0]) for name, q in queues.items()}

# FIFO topic to a FIFO queue: group and deduplication ids survive.
ftopic = sns.create_topic(Name="fan-%s.fifo" % SFX, Attributes={"FifoTopic": "true"})["TopicArn"]
furl, farn = queue("fifo-%s.fifo" % SFX, fifo=True)
call("sub_fifo", sns, "subscribe", TopicArn=ftopic, Protocol="sqs", Endpoint=farn)
OUT["fifo_published"] = [call("f%d" % i, sns, "publish", TopicArn=ftopic, Message="m%d" % i, MessageGroupId="g1",
                              MessageDeduplicationId="d%d" % i) for i in range(3)]
call("f_dup", sns, "publish", TopicArn=ftopic, Message="m0", MessageGroupId="g1", MessageDeduplicationId="d0")
OUT["fifo_received"] = drain(furl)

# A queue in another account needs confirmation: the SubscriptionConfirmation lands in the queue.
other = client("sqs", key="210987654321")
ourl = other.create_queue(QueueName="cross-" + SFX)["QueueUrl"]
oarn = other.get_queue_attributes(QueueUrl=ourl, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
call("sub_cross", sns, "subscribe", TopicArn=topic, Protocol="sqs", Endpoint=oarn)
r = other.receive_message(QueueUrl=ourl, WaitTimeSeconds=1)
OUT["cross_received"] = r.get("Messages", [])
if OUT["cross_received"]:
    doc = json.loads(OUT["cross_received"][0]["Body"])
    call("cross_confirm", client("sns", key="210987654321"), "confirm_subscription", TopicArn=topic, Token=doc["Token"])
'''


@pytest.fixture(scope="module")
def fanout(srv):
    cache = {}

    def get(flavour):
        if flavour not in cache:
            body = "import json\nFLAVOUR = %r\n" % flavour + FANOUT_BODY
            out = run_boto(flavour, srv.url, body, timeout=110)
            assert "script_error" not in out, f"boto3 {flavour} script raised:\n{out['script_error']}"
            cache[flavour] = out
        return cache[flavour]
    return get


def ok(r):
    assert r["ok"], json.dumps({k: v for k, v in r.items() if k not in ("sent", "received")}, default=str)[:3000]
    return r["result"]


def bodies(messages):
    return [m["Body"] for m in messages]


def envelope_messages(messages):
    return sorted(json.loads(m["Body"])["Message"] for m in messages)


@pytest.mark.parametrize("flavour", BOTO3)
def test_fanout_envelope(fanout, flavour):
    """A subscriber without a filter gets every message, each as AWS's JSON envelope."""
    out = fanout(flavour)
    for name in ("all", "rugby", "pricey", "raw", "body", "or"):
        ok(out["calls"]["sub_" + name])
    got = out["received"]["all"]
    assert envelope_messages(got) == sorted(["rugby news", "expensive", "football",
                                             json.dumps({"order": {"kind": "book", "qty": 2}}),
                                             json.dumps({"order": {"kind": "book", "qty": 1}}),
                                             "batch vip", "batch plain"])
    rugby_id = ok(out["calls"]["p_rugby"])["MessageId"]
    env = [json.loads(m["Body"]) for m in got if json.loads(m["Body"])["MessageId"] == rugby_id][0]
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:fan-{flavour}"
    assert list(env) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                         "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]
    assert env["Type"] == "Notification" and env["TopicArn"] == topic and env["Subject"] == "Sport"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", env["Timestamp"])
    assert env["SignatureVersion"] == "1" and base64.b64decode(env["Signature"])
    assert "/SimpleNotificationService-" in env["SigningCertURL"]
    assert f"Action=Unsubscribe&SubscriptionArn={out['subs']['all']}" in env["UnsubscribeURL"]
    assert env["MessageAttributes"] == {"price": {"Type": "Number", "Value": "50"},
                                        "sport": {"Type": "String", "Value": "rugby"}}
    raw_body = [m["Body"] for m in got if json.loads(m["Body"])["MessageId"] == rugby_id][0]
    assert raw_body.startswith('{\n  "Type" : "Notification",\n  "MessageId" : ')  # AWS's layout


@pytest.mark.parametrize("flavour", BOTO3)
def test_fanout_filter_policies(fanout, flavour):
    """Each queue gets exactly the messages its filter policy matches."""
    got = fanout(flavour)["received"]
    assert envelope_messages(got["rugby"]) == ["rugby news"]
    assert envelope_messages(got["pricey"]) == ["expensive"]
    assert envelope_messages(got["body"]) == [json.dumps({"order": {"kind": "book", "qty": 2}})]
    # $or: anything but rugby/golf, or vip
    assert envelope_messages(got["or"]) == ["batch vip", "football"]


@pytest.mark.parametrize("flavour", BOTO3)
def test_fanout_raw_delivery(fanout, flavour):
    """RawMessageDelivery: the body is the message, attributes become SQS message attributes."""
    got = fanout(flavour)["received"]["raw"]
    assert bodies(got) == ["expensive"]
    attrs = got[0]["MessageAttributes"]
    assert attrs["price"] == {"DataType": "Number", "StringValue": "150.5"}
    assert attrs["store"] == {"DataType": "String", "StringValue": "example_corp"}
    assert attrs["blob"]["DataType"] == "Binary"
    assert base64.b64decode(attrs["blob"]["BinaryValue"]) == b"\x00\xff"  # bytes, base64 in the recorded JSON


@pytest.mark.parametrize("flavour", BOTO3)
def test_fanout_fifo(fanout, flavour):
    """FIFO topic to FIFO queue: order, MessageGroupId and deduplication kept; a duplicate is dropped."""
    out = fanout(flavour)
    got = out["fifo_received"]
    assert [json.loads(m["Body"])["Message"] for m in got] == ["m0", "m1", "m2"]
    published = [ok(p) for p in out["fifo_published"]]
    for m, p in zip(got, published):
        env = json.loads(m["Body"])
        assert env["MessageId"] == p["MessageId"] and env["SequenceNumber"] == p["SequenceNumber"]
        assert m["Attributes"]["MessageGroupId"] == "g1"
    assert [m["Attributes"]["MessageDeduplicationId"] for m in got] == ["d0", "d1", "d2"]
    assert ok(out["calls"]["f_dup"])["MessageId"] == published[0]["MessageId"]


@pytest.mark.parametrize("flavour", BOTO3)
def test_cross_account_queue_confirmation(fanout, flavour):
    """A queue of another account gets a SubscriptionConfirmation; its token confirms."""
    out = fanout(flavour)
    assert ok(out["calls"]["sub_cross"])["SubscriptionArn"] == "pending confirmation"
    assert len(out["cross_received"]) == 1
    doc = json.loads(out["cross_received"][0]["Body"])
    assert doc["Type"] == "SubscriptionConfirmation" and "Action=ConfirmSubscription" in doc["SubscribeURL"]
    assert ok(out["calls"]["cross_confirm"])["SubscriptionArn"].startswith(f"arn:aws:sns:{REGION}:{ACCOUNT}:fan-{flavour}:")


# ----------------------------------------------------------------------------------------------
# HTTP subscriptions
# ----------------------------------------------------------------------------------------------

class Receiver:
    """A threaded HTTP server that records every POST and, like a real endpoint, fetches the
    SubscribeURL of each SubscriptionConfirmation. Paths starting with /flaky answer the first
    Notification with 500."""

    def __init__(self):
        self.posts = []
        self.confirmations = []
        self.lock = threading.Lock()
        self.failed = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with receiver.lock:
                    receiver.posts.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                           "body": body})
                    kind = self.headers.get("x-amz-sns-message-type")
                    fail = self.path.startswith("/flaky") and kind == "Notification" and self.path not in receiver.failed
                    if fail:
                        receiver.failed.add(self.path)
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if self.headers.get("x-amz-sns-message-type") == "SubscriptionConfirmation" and not fail:
                    url = json.loads(body)["SubscribeURL"]
                    threading.Thread(target=receiver.confirm, args=(url,), daemon=True).start()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def confirm(self, url):
        with urllib.request.urlopen(url, timeout=10) as r:
            self.confirmations.append((r.status, r.read().decode()))

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def find(self, path, kind):
        with self.lock:
            return [p for p in self.posts if p["path"] == path and p["headers"].get("x-amz-sns-message-type") == kind]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


HTTP_BODY = r'''
SFX = FLAVOUR
sns = client("sns")
topic = sns.create_topic(Name="web-" + SFX)["TopicArn"]
OUT["topic"] = topic

def confirmed(endpoint):
    for _ in range(100):
        subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        mine = [s for s in subs if s["Endpoint"] == endpoint]
        if mine and mine[0]["SubscriptionArn"] != "PendingConfirmation":
            return mine[0]["SubscriptionArn"]
        time.sleep(0.05)
    return None

for name, attrs in (("hook", {}), ("raw", {"RawMessageDelivery": "true"}), ("flaky", {})):
    endpoint = P[name]
    call("sub_" + name, sns, "subscribe", TopicArn=topic, Protocol="http", Endpoint=endpoint, Attributes=attrs)
    OUT["arn_" + name] = confirmed(endpoint)
if OUT["arn_hook"]:
    call("hook_attrs", sns, "get_subscription_attributes", SubscriptionArn=OUT["arn_hook"])
call("publish", sns, "publish", TopicArn=topic, Message="hello http", Subject="Greeting",
     MessageAttributes={"color": {"DataType": "String", "StringValue": "blue"}})
time.sleep(0.3)  # the flaky endpoint's retry comes 20 policy seconds (0.2 s here) later
if OUT["arn_hook"]:
    call("unsubscribe", sns, "unsubscribe", SubscriptionArn=OUT["arn_hook"])
'''


@pytest.fixture(scope="module")
def http_runs(srv):
    cache = {}

    def get(flavour):
        if flavour not in cache:
            receiver = Receiver()
            try:
                p = {name: receiver.url(f"/{name}-{flavour}") for name in ("hook", "raw", "flaky")}
                body = "import json, time\nFLAVOUR = %r\nP = %r\n" % (flavour, p) + HTTP_BODY
                out = run_boto(flavour, srv.url, body, timeout=110)
                assert "script_error" not in out, f"boto3 {flavour} script raised:\n{out['script_error']}"
                # Asynchronous deliveries: the flaky endpoint's retry and the UnsubscribeConfirmation.
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and not (
                        receiver.find(f"/hook-{flavour}", "UnsubscribeConfirmation")
                        and len(receiver.find(f"/flaky-{flavour}", "Notification")) >= 2):
                    time.sleep(0.05)
                cache[flavour] = (out, receiver)
            finally:
                receiver.close()
        return cache[flavour]
    return get


def verify_signature(doc, fields, tmp_path):
    """SNS's documented check: SHA1withRSA over "Name\\nvalue\\n" pairs, with the certificate
    fetched from SigningCertURL (openssl does the RSA)."""
    text = "".join(f"{k}\n{doc[k]}\n" for k in fields if k in doc)
    cert = urllib.request.urlopen(doc["SigningCertURL"], timeout=10).read()
    (tmp_path / "cert.pem").write_bytes(cert)
    pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", str(tmp_path / "cert.pem")],
                         capture_output=True, check=True).stdout
    (tmp_path / "pub.pem").write_bytes(pub)
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(doc["Signature"]))
    (tmp_path / "text.txt").write_text(text)
    digest = "-sha1" if doc["SignatureVersion"] == "1" else "-sha256"
    r = subprocess.run(["openssl", "dgst", digest, "-verify", str(tmp_path / "pub.pem"), "-signature",
                        str(tmp_path / "sig.bin"), str(tmp_path / "text.txt")], capture_output=True, text=True)
    return r.returncode == 0 and "Verified OK" in r.stdout


@pytest.mark.parametrize("flavour", BOTO3)
def test_http_subscription_confirmation(http_runs, flavour, tmp_path):
    """Subscribe POSTs a signed SubscriptionConfirmation; fetching its SubscribeURL confirms."""
    out, receiver = http_runs(flavour)
    assert ok(out["calls"]["sub_hook"])["SubscriptionArn"] == "pending confirmation"
    posts = receiver.find(f"/hook-{flavour}", "SubscriptionConfirmation")
    assert len(posts) == 1
    h, doc = posts[0]["headers"], json.loads(posts[0]["body"])
    assert h["x-amz-sns-topic-arn"] == out["topic"] and re.fullmatch(UUID, h["x-amz-sns-message-id"])
    assert h["content-type"] == "text/plain; charset=UTF-8"
    assert list(doc) == ["Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp",
                         "SignatureVersion", "Signature", "SigningCertURL"]
    assert doc["MessageId"] == h["x-amz-sns-message-id"] and doc["TopicArn"] == out["topic"]
    assert doc["Message"].startswith(f"You have chosen to subscribe to the topic {out['topic']}.")
    assert f"Action=ConfirmSubscription&TopicArn={out['topic']}&Token={doc['Token']}" in doc["SubscribeURL"]
    assert verify_signature(doc, ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"], tmp_path)
    status, xml = receiver.confirmations[0] if receiver.confirmations else (None, "")
    assert status == 200 and out["arn_hook"] in xml
    attrs = ok(out["calls"]["hook_attrs"])["Attributes"]
    assert attrs["PendingConfirmation"] == "false" and attrs["ConfirmationWasAuthenticated"] == "false"
    assert json.loads(attrs["EffectiveDeliveryPolicy"])["healthyRetryPolicy"]["numRetries"] == 3


@pytest.mark.parametrize("flavour", BOTO3)
def test_http_notification(http_runs, flavour, tmp_path):
    """Notifications carry AWS's headers and a signed envelope; raw delivery sends the message."""
    out, receiver = http_runs(flavour)
    message_id = ok(out["calls"]["publish"])["MessageId"]
    posts = receiver.find(f"/hook-{flavour}", "Notification")
    assert len(posts) == 1
    h, doc = posts[0]["headers"], json.loads(posts[0]["body"])
    assert h["x-amz-sns-message-id"] == message_id and h["x-amz-sns-topic-arn"] == out["topic"]
    assert h["x-amz-sns-subscription-arn"] == out["arn_hook"]
    assert h["content-type"] == "text/plain; charset=UTF-8"
    assert doc["Type"] == "Notification" and doc["MessageId"] == message_id and doc["Subject"] == "Greeting"
    assert doc["Message"] == "hello http" and doc["MessageAttributes"] == {"color": {"Type": "String", "Value": "blue"}}
    assert verify_signature(doc, ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"], tmp_path)
    raw = receiver.find(f"/raw-{flavour}", "Notification")
    assert len(raw) == 1 and raw[0]["body"] == "hello http"
    assert raw[0]["headers"]["x-amz-sns-rawdelivery"] == "true"


@pytest.mark.parametrize("flavour", BOTO3)
def test_http_retry_and_unsubscribe(http_runs, flavour):
    """A 500 is retried with the same MessageId; Unsubscribe sends an UnsubscribeConfirmation."""
    out, receiver = http_runs(flavour)
    message_id = ok(out["calls"]["publish"])["MessageId"]
    attempts = receiver.find(f"/flaky-{flavour}", "Notification")
    assert len(attempts) == 2, attempts
    assert {a["headers"]["x-amz-sns-message-id"] for a in attempts} == {message_id}
    ok(out["calls"]["unsubscribe"])
    bye = receiver.find(f"/hook-{flavour}", "UnsubscribeConfirmation")
    assert len(bye) == 1
    doc = json.loads(bye[0]["body"])
    assert doc["Type"] == "UnsubscribeConfirmation" and doc["Message"].startswith("You have chosen to deactivate")
    assert bye[0]["headers"]["x-amz-sns-subscription-arn"] == out["arn_hook"]


@pytest.mark.parametrize("flavour", BOTO3)
def test_http_unsubscribe_url(srv, http_runs, flavour):
    """Fetching a notification's UnsubscribeURL (unsigned, as a browser would) removes the subscription."""
    out, receiver = http_runs(flavour)
    note = receiver.find(f"/flaky-{flavour}", "Notification")[-1]
    url = json.loads(note["body"])["UnsubscribeURL"]
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.status == 200 and b"<UnsubscribeResponse" in r.read()
    view = get_state(srv, service="sns")["services"]["sns"][ACCOUNT][REGION]
    assert out["arn_flaky"] not in [s["arn"] for s in view["subscriptions"]]
    assert out["arn_raw"] in [s["arn"] for s in view["subscriptions"]]
