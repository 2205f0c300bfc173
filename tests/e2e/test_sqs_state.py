"""SQS state through the admin API and --data-dir: queues, attributes, tags and messages (with
their attributes, receive counts and delays) survive GET -> PUT into a fresh process and a
restart on the same data directory; messages in flight come back visible (a receipt handle does
not outlive the process that issued it); DELETE resets the scope."""
import signal
import time

import boto3

from conftest import RIME_BIN, admin, get_state, put_state

ACCOUNT = "123456789012"


def sqs_client(server):
    return boto3.session.Session().client("sqs", endpoint_url=server.url, region_name="us-east-1",
                                          aws_access_key_id="test", aws_secret_access_key="test")


def populate(sqs):
    url = sqs.create_queue(QueueName="kept", Attributes={"VisibilityTimeout": "300"}, tags={"team": "a"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="in flight",
                     MessageAttributes={"b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}})
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=600)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["in flight"]
    sqs.send_message(QueueUrl=url, MessageBody="visible")
    fifo = sqs.create_queue(QueueName="kept.fifo", Attributes={"FifoQueue": "true",
                                                                "ContentBasedDeduplication": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=fifo, MessageBody="f1", MessageGroupId="g")
    sqs.send_message(QueueUrl=fifo, MessageBody="f2", MessageGroupId="g")
    return url, fifo


def assert_restored(sqs, server):
    url = f"{server.url}/{ACCOUNT}/kept"
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "300"
    assert attrs["ApproximateNumberOfMessages"] == "2"  # the in-flight one is visible again
    assert attrs["ApproximateNumberOfMessagesDelayed"] == "1"
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a"}
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                              MessageAttributeNames=["All"])["Messages"]
    by_body = {m["Body"]: m for m in got}
    assert sorted(by_body) == ["in flight", "visible"]
    assert by_body["in flight"]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert by_body["in flight"]["MessageAttributes"] == {"b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}}
    fifo = f"{server.url}/{ACCOUNT}/kept.fifo"
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]] == ["f1", "f2"]


def test_snapshot_restores_into_a_fresh_process(rime):
    """GET /_rime/state then PUT into another server gives the same queues and messages, and the
    same document back."""
    first = rime(binary=RIME_BIN)
    populate(sqs_client(first))
    doc = get_state(first, service="sqs")
    view = doc["services"]["sqs"][ACCOUNT]["us-east-1"]
    assert sorted(q["name"] for q in view["queues"]) == ["kept", "kept.fifo"]

    second = rime(binary=RIME_BIN)
    r = put_state(second, doc)
    assert r.status_code == 200, r.text
    assert get_state(second, service="sqs") == doc
    assert_restored(sqs_client(second), second)

    bad = {"format": doc["format"], "services": {"sqs": {ACCOUNT: {"us-east-1": {"queues": [{"name": "bad name"}]}}}}}
    r = put_state(second, bad)
    assert r.status_code == 400 and "bad name" in r.text
    r = admin(second, "DELETE", "/_rime/state", params={"service": "sqs"})
    assert r.status_code in (200, 204), r.text
    assert sqs_client(second).list_queues().get("QueueUrls") is None


def test_data_dir_restart(rime, tmp_path):
    """With --data-dir, SIGTERM writes the queues and a restart loads them."""
    data = tmp_path / "data"
    server = rime(binary=RIME_BIN, args=["--data-dir", str(data)])
    populate(sqs_client(server))
    assert server.stop(signal.SIGTERM) == 0
    again = rime(binary=RIME_BIN, args=["--data-dir", str(data)])
    assert_restored(sqs_client(again), again)
