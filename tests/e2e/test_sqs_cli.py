"""SQS through the AWS CLI v1 (botocore 1.43: awsJson1_0) and v2 (2.9: awsQuery): the everyday
commands and an error, with the results AWS documents (URL on the endpoint's host, MD5 of the
body, the message coming back, the queue attributes, NonExistentQueue for a missing queue).
Each CLI process costs a second or two, so this file keeps to a few commands per CLI."""
import hashlib
import json

import pytest

from clients import cli_outcome, run_aws, run_many, start_module_server

ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_module_server(tmp_path_factory.mktemp("rime-sqs-cli"))
    yield server
    server.stop()


@pytest.mark.parametrize("major", [1, 2])
def test_cli_queue_and_message_round_trip(srv, major):
    """create-queue, send-message, receive-message, delete-message, get-queue-attributes,
    list-queues, get-queue-url (missing queue) with CLI v1 and v2."""
    name = f"cli-v{major}"
    created = run_aws(major, srv.url, ["sqs", "create-queue", "--queue-name", name,
                                       "--attributes", "VisibilityTimeout=45", "--tags", "team=cli"])
    url = created.json()["QueueUrl"]
    assert url == f"{srv.url}/{ACCOUNT}/{name}"

    sent, missing, listed = run_many(lambda args: run_aws(major, srv.url, args), [
        (["sqs", "send-message", "--queue-url", url, "--message-body", "from the cli",
          "--message-attributes", json.dumps({"k": {"DataType": "String", "StringValue": "v"}})],),
        (["sqs", "get-queue-url", "--queue-name", f"{name}-missing"],),
        (["sqs", "list-queues", "--queue-name-prefix", name],),
    ])
    sent = sent.json()
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"from the cli").hexdigest()
    err = cli_outcome(missing)
    assert not err["ok"] and err["code"] == "AWS.SimpleQueueService.NonExistentQueue", err
    assert err["message"] == "The specified queue does not exist."
    assert listed.json()["QueueUrls"] == [url]

    received = run_aws(major, srv.url, ["sqs", "receive-message", "--queue-url", url, "--attribute-names", "All",
                                        "--message-attribute-names", "All"]).json()
    [m] = received["Messages"]
    assert m["Body"] == "from the cli" and m["MessageId"] == sent["MessageId"]
    assert m["MessageAttributes"] == {"k": {"DataType": "String", "StringValue": "v"}}
    assert m["Attributes"]["ApproximateReceiveCount"] == "1"

    deleted, attrs = run_many(lambda args: run_aws(major, srv.url, args), [
        (["sqs", "delete-message", "--queue-url", url, "--receipt-handle", m["ReceiptHandle"]],),
        (["sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "VisibilityTimeout", "QueueArn"],),
    ])
    assert deleted.rc == 0, deleted
    assert attrs.json()["Attributes"] == {"VisibilityTimeout": "45",
                                          "QueueArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"}
