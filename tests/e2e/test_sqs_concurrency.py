"""SQS under concurrency, through real clients against the real binary:
  - 32 producers and 32 consumers on one standard queue: with visibility timeouts that do not
    expire, every message is received exactly once and deleted exactly once (boto3 old and new);
  - FIFO with concurrent producers, one message group each, and several consumers: each group's
    messages arrive in the order their producer sent them, one in flight at a time;
  - hundreds of long polls parked on a queue neither hold threads nor slow other requests, and
    each is answered by one message as messages arrive (raw awsJson requests on open sockets).
"""
import json
import socket
import time

import pytest

from clients import run_boto, start_module_server
from conftest import sigv4

ACCOUNT = "123456789012"

STANDARD_BODY = r'''
import threading, time
P = json.loads(PARAMS)
url = client("sqs").create_queue(QueueName=P["queue"], Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
PRODUCERS, CONSUMERS, PER_PRODUCER = 32, 32, P["per_producer"]
TOTAL = PRODUCERS * PER_PRODUCER
lock = threading.Lock()
received, deleted, errors = [], [], []
done = threading.Event()

def produce(i):
    c = client("sqs")
    try:
        for n in range(PER_PRODUCER):
            c.send_message(QueueUrl=url, MessageBody="p%d-%d" % (i, n))
    except Exception as e:
        with lock: errors.append("producer: %r" % e)

def consume():
    c = client("sqs")
    deadline = time.time() + 90
    while not done.is_set() and time.time() < deadline:
        try:
            got = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            for m in got:
                with lock: received.append(m["Body"])
                c.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                with lock:
                    deleted.append(m["Body"])
                    if len(deleted) >= TOTAL: done.set()
        except Exception as e:
            with lock: errors.append("consumer: %r" % e)

threads = [threading.Thread(target=produce, args=(i,)) for i in range(PRODUCERS)]
threads += [threading.Thread(target=consume) for _ in range(CONSUMERS)]
t0 = time.time()
for t in threads: t.start()
for t in threads: t.join()
OUT["seconds"] = time.time() - t0
OUT["total"] = TOTAL
OUT["received"] = received
OUT["deleted"] = deleted
OUT["errors"] = errors[:20]
OUT["attributes"] = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
'''

FIFO_BODY = r'''
import threading, time
P = json.loads(PARAMS)
url = client("sqs").create_queue(QueueName=P["queue"], Attributes={
    "FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "120"})["QueueUrl"]
PRODUCERS, CONSUMERS, PER_GROUP = 8, 6, 25
TOTAL = PRODUCERS * PER_GROUP
lock = threading.Lock()
order = {}       # group -> message numbers in the order they were received
sequence = {}    # group -> SequenceNumbers in that order
in_flight = {}   # group -> how many of its messages are received and not yet deleted
overlap, errors = [], []
done = threading.Event()

def produce(i):
    c = client("sqs")
    try:
        for n in range(PER_GROUP):
            c.send_message(QueueUrl=url, MessageBody="g%d-%d" % (i, n), MessageGroupId="g%d" % i)
    except Exception as e:
        with lock: errors.append("producer: %r" % e)

def consume():
    c = client("sqs")
    deadline = time.time() + 90
    count = 0
    while not done.is_set() and time.time() < deadline:
        try:
            got = c.receive_message(QueueUrl=url, MaxNumberOfMessages=3, WaitTimeSeconds=1,
                                    AttributeNames=["All"]).get("Messages", [])
            with lock:
                groups = {}
                for m in got:
                    groups[m["Attributes"]["MessageGroupId"]] = groups.get(m["Attributes"]["MessageGroupId"], 0) + 1
                for g, k in groups.items():
                    if in_flight.get(g, 0):
                        overlap.append(g)  # another consumer still holds a message of this group
                    in_flight[g] = in_flight.get(g, 0) + k
                for m in got:
                    g = m["Attributes"]["MessageGroupId"]
                    order.setdefault(g, []).append(int(m["Body"].split("-")[1]))
                    sequence.setdefault(g, []).append(int(m["Attributes"]["SequenceNumber"]))
            for m in got:
                # Released before the delete: the group unlocks only once the delete is through.
                with lock: in_flight[m["Attributes"]["MessageGroupId"]] -= 1
                c.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            with lock:
                if sum(len(v) for v in order.values()) >= TOTAL: done.set()
        except Exception as e:
            with lock: errors.append("consumer: %r" % e)

threads = [threading.Thread(target=produce, args=(i,)) for i in range(PRODUCERS)]
threads += [threading.Thread(target=consume) for _ in range(CONSUMERS)]
for t in threads: t.start()
for t in threads: t.join()
OUT["order"] = order
OUT["sequence"] = sequence
OUT["overlap"] = overlap
OUT["errors"] = errors[:20]
OUT["total"] = TOTAL
'''


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_module_server(tmp_path_factory.mktemp("rime-sqs-concurrency"))
    yield server
    server.stop()


@pytest.mark.parametrize("flavour", ["old", "new"])
def test_32_producers_32_consumers_exactly_once(srv, flavour):
    """Every message sent by 32 concurrent producers is received once and deleted once by 32
    concurrent consumers (visibility timeout 120 s never expires here); the queue ends empty."""
    params = {"queue": f"conc-{flavour}", "per_producer": 20}
    out = run_boto(flavour, srv.url, "PARAMS = " + repr(json.dumps(params)) + "\n" + STANDARD_BODY, timeout=150)
    assert "script_error" not in out, out["script_error"]
    assert out["errors"] == []
    expected = sorted(f"p{i}-{n}" for i in range(32) for n in range(20))
    assert len(out["received"]) == out["total"] == len(expected)
    assert sorted(out["received"]) == expected      # each exactly once
    assert sorted(out["deleted"]) == expected
    attrs = out["attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_fifo_order_under_concurrent_producers(srv):
    """Eight producers, one group each, sending concurrently; six consumers: each group's messages
    are received in send order with increasing SequenceNumbers, and never two consumers at once."""
    params = {"queue": "conc-order.fifo"}
    out = run_boto("new", srv.url, "PARAMS = " + repr(json.dumps(params)) + "\n" + FIFO_BODY, timeout=150)
    assert "script_error" not in out, out["script_error"]
    assert out["errors"] == []
    assert sum(len(v) for v in out["order"].values()) == out["total"]
    for group, numbers in out["order"].items():
        assert numbers == list(range(25)), (group, numbers)
        assert out["sequence"][group] == sorted(out["sequence"][group]), group
    assert out["overlap"] == []


def _receive_request(port, queue_url, wait):
    body = json.dumps({"QueueUrl": queue_url, "WaitTimeSeconds": wait, "MaxNumberOfMessages": 1})
    head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-amz-json-1.0\r\n"
            f"X-Amz-Target: AmazonSQS.ReceiveMessage\r\nx-amzn-query-mode: true\r\n"
            f"Authorization: {sigv4('sqs')}\r\nContent-Length: {len(body)}\r\n\r\n")
    return (head + body).encode()


def _read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("closed")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(rest) < length:
        rest += sock.recv(65536)
    return int(head.split(b" ")[1]), json.loads(rest[:length] or b"{}")


def test_parked_long_polls_do_not_block(srv):
    """300 ReceiveMessage calls waiting (WaitTimeSeconds=20) on open connections: other requests
    still answer at once, and 300 sends answer the 300 waiters, one message each, promptly."""
    import boto3

    sqs = boto3.session.Session().client("sqs", endpoint_url=srv.url, region_name="us-east-1",
                                         aws_access_key_id="test", aws_secret_access_key="test")
    url = sqs.create_queue(QueueName="parked")["QueueUrl"]
    port = srv.port
    socks = []
    try:
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(_receive_request(port, url, 20))
            socks.append(s)
        time.sleep(0.5)  # all parked
        t = time.monotonic()
        for _ in range(20):
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        assert time.monotonic() - t < 2.0, "requests slowed down by parked long polls"
        t = time.monotonic()
        for i in range(0, 300, 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": f"m{i + n}"}
                                                          for n in range(10)])
        bodies = []
        for s in socks:
            status, doc = _read_response(s)
            assert status == 200, doc
            bodies += [m["Body"] for m in doc.get("Messages", [])]
        assert time.monotonic() - t < 10, "waiters were not answered as messages arrived"
        assert sorted(bodies) == sorted(f"m{i}" for i in range(300))
    finally:
        for s in socks:
            s.close()
