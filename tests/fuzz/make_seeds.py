#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ (README.md here says what each target
reads). Requests are captured from real clients: boto3 talks to a local socket that records the
raw bytes and answers 400, so what lands in the corpus is exactly what botocore sends. Hand-written
inputs cover what botocore no longer sends (SQS over awsQuery), framing details and edge cases.

    python3 tests/fuzz/make_seeds.py [--rime URL]

With --rime, the admin_state seeds are snapshots (GET /_rime/state) of a running rime after a few
STS, SQS and SNS calls; without it they are written by hand. Existing files are overwritten;
files not written here (regressions from fuzzing, `regress-*`) are left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import struct
import threading
import zlib
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"


class Capture:
    """A socket that records each HTTP/1.1 request's raw bytes and answers 400."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self._conn, args=(conn,), daemon=True).start()

    def _conn(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                head, _, rest = buf.partition(b"\r\n\r\n")
                length = 0
                chunked = False
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                    if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
                        chunked = True
                if chunked:
                    while not rest.endswith(b"0\r\n\r\n"):
                        rest += conn.recv(65536)
                    length = len(rest)
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + rest[:length])
                buf = rest[length:]
                body = b"<ErrorResponse><Error><Code>Captured</Code><Message>seed</Message></Error></ErrorResponse>"
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)

    def take(self) -> bytes:
        return self.requests.pop(0)


def client(cap: Capture, service: str, **kw):
    import boto3
    from botocore.config import Config
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{cap.port}", region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, **kw))


def call(cap: Capture, fn, **kwargs) -> bytes:
    error = None
    try:
        fn(**kwargs)
    except Exception as e:  # the 400 we answer, or a parse error on it
        error = e
    if not cap.requests:
        raise RuntimeError(f"nothing sent for {fn.__name__}: {error!r}")
    return cap.take()


def write(target: str, name: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def text_request(selector: str, raw: bytes) -> bytes:
    """Raw HTTP/1.1 -> the protocol targets' text form (support.h): selector line first."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    method, target, _ = lines[0].split(b" ", 2)
    keep = []
    for line in lines[1:]:
        name = line.split(b":", 1)[0].strip().lower()
        # What the protocol layer reads; signing noise left out to keep seeds small.
        if name in (b"authorization", b"amz-sdk-invocation-id", b"amz-sdk-request", b"user-agent",
                    b"x-amz-content-sha256", b"accept-encoding"):
            continue
        keep.append(line)
    return (selector.encode() + b"\n" + method + b" " + target + b"\n" + b"\n".join(keep) + b"\n\n" + body)


def capture_clients(cap: Capture) -> dict[str, list[tuple[str, bytes]]]:
    """selector -> [(seed name, raw request)]"""
    out: dict[str, list[tuple[str, bytes]]] = {}

    def add(selector: str, name: str, raw: bytes) -> None:
        out.setdefault(selector, []).append((name, raw))

    sts = client(cap, "sts")
    add("sts", "get-caller-identity", call(cap, sts.get_caller_identity))
    add("sts", "assume-role", call(cap, sts.assume_role, RoleArn="arn:aws:iam::111122223333:role/demo",
                                   RoleSessionName="fuzz-session", DurationSeconds=900,
                                   Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
                                   PolicyArns=[{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
                                   Tags=[{"Key": "team", "Value": "a b"}], TransitiveTagKeys=["team"]))
    add("sts", "assume-role-web-identity", call(cap, sts.assume_role_with_web_identity,
                                                RoleArn="arn:aws:iam::111122223333:role/web", RoleSessionName="web",
                                                WebIdentityToken="eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyIiwiYXVkIjoiY2xpZW50In0."))
    add("sts", "get-session-token", call(cap, sts.get_session_token, DurationSeconds=3600, SerialNumber="arn:aws:iam::123456789012:mfa/u", TokenCode="123456"))

    sqs = client(cap, "sqs")
    url = "http://127.0.0.1:4566/123456789012/q1"
    add("sqs", "create-queue", call(cap, sqs.create_queue, QueueName="q1.fifo",
                                    Attributes={"FifoQueue": "true", "VisibilityTimeout": "30",
                                                "RedrivePolicy": '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":"3"}'},
                                    tags={"env": "test"}))
    add("sqs", "send-message", call(cap, sqs.send_message, QueueUrl=url, MessageBody="hello \u00e9 <&>",
                                    DelaySeconds=0, MessageAttributes={
                                        "s": {"DataType": "String", "StringValue": "v"},
                                        "n": {"DataType": "Number", "StringValue": "1.5"},
                                        "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}}))
    add("sqs", "send-message-batch", call(cap, sqs.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "1", "MessageBody": "a", "MessageGroupId": "g", "MessageDeduplicationId": "d1"},
        {"Id": "2", "MessageBody": "b", "DelaySeconds": 5}]))
    add("sqs", "receive-message", call(cap, sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=1, VisibilityTimeout=5, MessageAttributeNames=["All"],
                                       MessageSystemAttributeNames=["All"]))
    add("sqs", "delete-message", call(cap, sqs.delete_message, QueueUrl=url, ReceiptHandle="rh-1"))
    add("sqs", "change-visibility-batch", call(cap, sqs.change_message_visibility_batch, QueueUrl=url,
                                               Entries=[{"Id": "x", "ReceiptHandle": "rh", "VisibilityTimeout": 0}]))
    add("sqs", "get-queue-attributes", call(cap, sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"]))
    add("sqs", "list-queues", call(cap, sqs.list_queues, QueueNamePrefix="q", MaxResults=5, NextToken="t"))
    add("sqs", "purge-queue", call(cap, sqs.purge_queue, QueueUrl=url))

    sns = client(cap, "sns")
    topic = "arn:aws:sns:us-east-1:123456789012:t1"
    add("sns", "create-topic", call(cap, sns.create_topic, Name="t1.fifo", Attributes={"FifoTopic": "true", "DisplayName": "T"},
                                    Tags=[{"Key": "k", "Value": "v"}]))
    add("sns", "publish", call(cap, sns.publish, TopicArn=topic, Message='{"default":"x","sqs":"y"}',
                               MessageStructure="json", Subject="s", MessageAttributes={
                                   "a": {"DataType": "String", "StringValue": "v"},
                                   "b": {"DataType": "Binary", "BinaryValue": b"\x01"}}))
    add("sns", "publish-batch", call(cap, sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "m1", "MessageGroupId": "g"}, {"Id": "2", "Message": "m2"}]))
    add("sns", "subscribe", call(cap, sns.subscribe, TopicArn=topic, Protocol="sqs",
                                 Endpoint="arn:aws:sqs:us-east-1:123456789012:q1", ReturnSubscriptionArn=True,
                                 Attributes={"RawMessageDelivery": "true",
                                             "FilterPolicy": '{"store":["example_corp"],"price":[{"numeric":[">",0,"<=",150]}]}',
                                             "FilterPolicyScope": "MessageAttributes"}))
    add("sns", "set-subscription-attributes", call(cap, sns.set_subscription_attributes,
                                                   SubscriptionArn=topic + ":0f1e", AttributeName="FilterPolicy",
                                                   AttributeValue='{"event":[{"prefix":"order-"},{"anything-but":["x"]}]}'))
    add("sns", "list-subscriptions-by-topic", call(cap, sns.list_subscriptions_by_topic, TopicArn=topic, NextToken="n"))

    cw = client(cap, "cloudwatch")
    add("cloudwatch", "put-metric-data", call(cap, cw.put_metric_data, Namespace="App", MetricData=[
        {"MetricName": "Latency", "Value": 1.5, "Unit": "Milliseconds", "Timestamp": 1700000000,
         "Dimensions": [{"Name": "Host", "Value": "a"}], "Values": [1.0, 2.5], "Counts": [1, 2]}]))
    add("cloudwatch", "get-metric-statistics", call(cap, cw.get_metric_statistics, Namespace="App", MetricName="Latency",
                                                    StartTime=1700000000, EndTime=1700003600, Period=60,
                                                    Statistics=["Average", "Maximum"], ExtendedStatistics=["p99"]))

    ec2 = client(cap, "ec2")
    add("ec2", "describe-instances", call(cap, ec2.describe_instances, Filters=[
        {"Name": "instance-state-name", "Values": ["running", "pending"]}], MaxResults=5))
    add("ec2", "run-instances", call(cap, ec2.run_instances, ImageId="ami-12345678", MinCount=1, MaxCount=2,
                                     InstanceType="t3.micro", TagSpecifications=[
                                         {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "x"}]}],
                                     BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}]))

    kinesis = client(cap, "kinesis")
    add("kinesis", "put-record", call(cap, kinesis.put_record, StreamName="s", Data=b"\x00data", PartitionKey="pk"))
    add("kinesis", "get-records", call(cap, kinesis.get_records, ShardIterator="it", Limit=10))

    arc = client(cap, "arc-region-switch")
    add("arc-region-switch", "list-plans", call(cap, arc.list_plans, maxResults=10, nextToken="n"))

    lam = client(cap, "lambda")
    add("lambda", "create-function", call(cap, lam.create_function, FunctionName="f", Runtime="python3.12",
                                          Role="arn:aws:iam::123456789012:role/r", Handler="h.main",
                                          Code={"ZipFile": b"PK\x03\x04"}, Environment={"Variables": {"A": "1"}},
                                          Tags={"t": "v"}, Timeout=3, MemorySize=128))
    add("lambda", "invoke", call(cap, lam.invoke, FunctionName="f", InvocationType="Event", LogType="Tail",
                                 ClientContext="eyJ9", Payload=b'{"k": [1, 2.5, null]}', Qualifier="$LATEST"))
    add("lambda", "list-functions", call(cap, lam.list_functions, Marker="m", MaxItems=5, FunctionVersion="ALL"))
    add("lambda", "get-function", call(cap, lam.get_function, FunctionName="arn:aws:lambda:us-east-1:123456789012:function:f", Qualifier="1"))
    add("lambda", "tag-resource", call(cap, lam.tag_resource, Resource="arn:aws:lambda:us-east-1:123456789012:function:f", Tags={"a": "b"}))
    add("lambda", "untag-resource", call(cap, lam.untag_resource, Resource="arn:aws:lambda:us-east-1:123456789012:function:f", TagKeys=["a", "b c"]))

    apigw = client(cap, "apigatewayv2")
    add("apigatewayv2", "create-api", call(cap, apigw.create_api, Name="api", ProtocolType="HTTP",
                                           CorsConfiguration={"AllowOrigins": ["*"], "MaxAge": 10}, Tags={"k": "v"}))
    add("apigatewayv2", "get-routes", call(cap, apigw.get_routes, ApiId="a1b2", MaxResults="5"))

    s3 = client(cap, "s3", s3={"addressing_style": "path"})
    add("s3", "put-object", call(cap, s3.put_object, Bucket="bucket", Key="dir/a b+c.txt", Body=b"hello",
                                 ContentType="text/plain", Metadata={"owner": "me"}, Tagging="a=b&c=d",
                                 StorageClass="STANDARD_IA", ChecksumAlgorithm="CRC32"))
    add("s3", "get-object-range", call(cap, s3.get_object, Bucket="bucket", Key="k", Range="bytes=0-9",
                                       IfNoneMatch='"etag"', VersionId="v1", ResponseContentType="text/html"))
    add("s3", "list-objects-v2", call(cap, s3.list_objects_v2, Bucket="bucket", Prefix="dir/", Delimiter="/",
                                      MaxKeys=10, ContinuationToken="t", StartAfter="a"))
    add("s3", "create-bucket", call(cap, s3.create_bucket, Bucket="bucket2",
                                    CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}, ACL="private"))
    add("s3", "delete-objects", call(cap, s3.delete_objects, Bucket="bucket", Delete={
        "Objects": [{"Key": "a"}, {"Key": "b&<c>", "VersionId": "1"}], "Quiet": True}))
    add("s3", "put-bucket-tagging", call(cap, s3.put_bucket_tagging, Bucket="bucket", Tagging={
        "TagSet": [{"Key": "k", "Value": "v"}]}))
    add("s3", "complete-multipart", call(cap, s3.complete_multipart_upload, Bucket="bucket", Key="big", UploadId="u1",
                                         MultipartUpload={"Parts": [{"ETag": '"e1"', "PartNumber": 1},
                                                                    {"ETag": '"e2"', "PartNumber": 2}]}))
    add("s3", "put-bucket-lifecycle", call(cap, s3.put_bucket_lifecycle_configuration, Bucket="bucket",
                                           LifecycleConfiguration={"Rules": [{"ID": "r", "Status": "Enabled",
                                                                              "Filter": {"Prefix": "logs/"},
                                                                              "Expiration": {"Days": 30}}]}))

    r53 = client(cap, "route53")
    add("route-53", "change-record-sets", call(cap, r53.change_resource_record_sets, HostedZoneId="Z123", ChangeBatch={
        "Comment": "c", "Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": "a.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}}]}))
    add("route-53", "list-hosted-zones", call(cap, r53.list_hosted_zones, Marker="m", MaxItems="10"))

    cf = client(cap, "cloudfront")
    add("cloudfront", "tag-resource", call(cap, cf.tag_resource, Resource="arn:aws:cloudfront::123456789012:distribution/E1",
                                           Tags={"Items": [{"Key": "k", "Value": "v"}]}))
    add("cloudfront", "list-distributions", call(cap, cf.list_distributions, Marker="m", MaxItems="5"))
    return out


# Hand-written requests: what botocore no longer sends, and the kitchen-sink test models.
HAND_WRITTEN = {
    "query": {
        "sqs-query-send-message": b"sqs\nPOST /\ncontent-type: application/x-www-form-urlencoded; charset=utf-8\n\n"
                                  b"Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F123456789012%2Fq1"
                                  b"&MessageBody=hi+there&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String"
                                  b"&MessageAttribute.1.Value.StringValue=v&DelaySeconds=2",
        "sqs-query-get-attributes": b"sqs\nGET /123456789012/q1?Action=GetQueueAttributes&AttributeName.1=All&Version=2012-11-05\n\n",
        "sts-ec2-style": b"sts-ec2\nPOST /\ncontent-type: application/x-www-form-urlencoded\n\n"
                         b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=s&Tags.1.Key=a&Tags.1.Value=b",
    },
    "json_rpc": {
        "kitchen-everything": b"kitchen\nPOST /\nx-amz-target: Kitchen_2024.Everything\ncontent-type: application/x-amz-json-1.0\n\n"
                              b'{"Blob":"aGVsbG8=","Bool":true,"Str":"s","Enum":"A","Byte":1,"Short":-2,"Int":3,"IntEnum":1,'
                              b'"Long":9007199254740993,"Float":1.5,"Double":"NaN","BigInt":123456789012345678901234567890,'
                              b'"BigDec":1.25e400,"Time":1700000000.123,"IsoTime":"2023-11-14T22:13:20.123Z",'
                              b'"HttpTime":"Tue, 14 Nov 2023 22:13:20 GMT","Doc":{"a":[1,{"b":null}]},"List":["a","b"],'
                              b'"Sparse":["a",null],"Map":{"k":1},"SparseMap":{"k":null},"Nested":{"Child":{"Value":"x"}},'
                              b'"Choice":{"I":5},"Times":[0,-1.5],"Blobs":["AA=="],"renamedJson":"r"}',
        "kitchen-noio": b"kitchen\nPOST /\nx-amz-target: Kitchen_2024.NoIO\ncontent-type: application/x-amz-json-1.0\n\n{}",
        "dynamodb-put-item": b"dynamodb\nPOST /\nx-amz-target: DynamoDB_20120810.PutItem\ncontent-type: application/x-amz-json-1.0\n\n"
                             b'{"TableName":"t","Item":{"pk":{"S":"a"},"n":{"N":"1.5"},"b":{"B":"AAE="},"l":{"L":[{"BOOL":true},{"NULL":true}]},'
                             b'"m":{"M":{"x":{"SS":["a","b"]}}},"bs":{"BS":["AA=="]}}}',
        "kms-encrypt": b"kms\nPOST /\nx-amz-target: TrentService.Encrypt\ncontent-type: application/x-amz-json-1.1\n\n"
                       b'{"KeyId":"alias/k","Plaintext":"aGk=","EncryptionContext":{"a":"b"},"GrantTokens":["g"]}',
    },
}


def scenarios(cap: Capture) -> dict[str, bytes]:
    """Pipelined sequences for the http1 target, which resets state per input: each input
    creates what its later requests use (queues, topics, subscriptions), so the fuzzer starts
    inside the SQS and SNS handlers rather than at their not-found errors."""
    sqs = client(cap, "sqs")
    sns = client(cap, "sns")
    base = f"http://127.0.0.1:{cap.port}/123456789012/"
    q1, dlq, fifo = base + "q1", base + "dlq", base + "f1.fifo"
    q1_arn = "arn:aws:sqs:us-east-1:123456789012:q1"
    topic = "arn:aws:sns:us-east-1:123456789012:t1"
    out: dict[str, list[bytes]] = {}
    out["sqs-lifecycle"] = [
        call(cap, sqs.create_queue, QueueName="dlq"),
        call(cap, sqs.create_queue, QueueName="q1", Attributes={"VisibilityTimeout": "5", "DelaySeconds": "0",
             "RedrivePolicy": '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":"1"}'},
             tags={"a": "b"}),
        call(cap, sqs.send_message, QueueUrl=q1, MessageBody="one", MessageAttributes={
            "n": {"DataType": "Number", "StringValue": "7"}}),
        call(cap, sqs.send_message_batch, QueueUrl=q1, Entries=[{"Id": "a", "MessageBody": "two"},
                                                                {"Id": "b", "MessageBody": "three", "DelaySeconds": 1}]),
        call(cap, sqs.receive_message, QueueUrl=q1, MaxNumberOfMessages=10, VisibilityTimeout=0,
             MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"]),
        call(cap, sqs.receive_message, QueueUrl=q1, MaxNumberOfMessages=10, WaitTimeSeconds=2),
        call(cap, sqs.receive_message, QueueUrl=dlq, MaxNumberOfMessages=10),
        call(cap, sqs.get_queue_attributes, QueueUrl=q1, AttributeNames=["All"]),
        call(cap, sqs.set_queue_attributes, QueueUrl=q1, Attributes={"MaximumMessageSize": "2048",
                                                                     "Policy": '{"Version":"2012-10-17","Statement":[]}'}),
        call(cap, sqs.list_queues, QueueNamePrefix="q"),
        call(cap, sqs.list_dead_letter_source_queues, QueueUrl=dlq),
        call(cap, sqs.start_message_move_task, SourceArn="arn:aws:sqs:us-east-1:123456789012:dlq"),
        call(cap, sqs.purge_queue, QueueUrl=q1),
        call(cap, sqs.delete_queue, QueueUrl=q1),
    ]
    out["sqs-fifo"] = [
        call(cap, sqs.create_queue, QueueName="f1.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
        call(cap, sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g1"),
        call(cap, sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g1"),
        call(cap, sqs.send_message, QueueUrl=fifo, MessageBody="y", MessageGroupId="g2", MessageDeduplicationId="d"),
        call(cap, sqs.receive_message, QueueUrl=fifo, MaxNumberOfMessages=10, ReceiveRequestAttemptId="r1"),
        call(cap, sqs.receive_message, QueueUrl=fifo, MaxNumberOfMessages=10, ReceiveRequestAttemptId="r1"),
        call(cap, sqs.change_message_visibility, QueueUrl=fifo, ReceiptHandle="bogus", VisibilityTimeout=10),
        call(cap, sqs.delete_message_batch, QueueUrl=fifo, Entries=[{"Id": "1", "ReceiptHandle": "bogus"}]),
    ]
    out["sqs-longpoll"] = [
        call(cap, sqs.create_queue, QueueName="q1", Attributes={"ReceiveMessageWaitTimeSeconds": "20"}),
        call(cap, sqs.receive_message, QueueUrl=q1),
        call(cap, sqs.send_message, QueueUrl=q1, MessageBody="late", DelaySeconds=3),
        call(cap, sqs.receive_message, QueueUrl=q1, WaitTimeSeconds=5),
    ]
    out["sns-fanout"] = [
        call(cap, sqs.create_queue, QueueName="q1"),
        call(cap, sns.create_topic, Name="t1", Attributes={"DisplayName": "T"}),
        call(cap, sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=q1_arn, ReturnSubscriptionArn=True,
             Attributes={"RawMessageDelivery": "false", "FilterPolicy": '{"kind":["a",{"prefix":"b"}]}'}),
        call(cap, sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=q1_arn,
             Attributes={"FilterPolicyScope": "MessageBody", "FilterPolicy": '{"k":[{"numeric":[">",1]}]}'}),
        call(cap, sns.publish, TopicArn=topic, Message="hello", MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "bee"}}),
        call(cap, sns.publish, TopicArn=topic, Message='{"k": 5}'),
        call(cap, sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[{"Id": "1", "Message": "m"}]),
        call(cap, sqs.receive_message, QueueUrl=q1, MaxNumberOfMessages=10),
        call(cap, sns.list_subscriptions_by_topic, TopicArn=topic),
        call(cap, sns.get_topic_attributes, TopicArn=topic),
        call(cap, sns.delete_topic, TopicArn=topic),
    ]
    out["sns-http-endpoint"] = [
        call(cap, sns.create_topic, Name="t1"),
        call(cap, sns.subscribe, TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/hook"),
        call(cap, sns.confirm_subscription, TopicArn=topic, Token="bogus"),
        call(cap, sns.publish, TopicArn=topic, Message="to http", Subject="s"),
        call(cap, sns.list_subscriptions),
    ]
    out["sns-fifo"] = [
        call(cap, sqs.create_queue, QueueName="f1.fifo", Attributes={"FifoQueue": "true"}),
        call(cap, sns.create_topic, Name="t1.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}),
        call(cap, sns.subscribe, TopicArn=topic + ".fifo", Protocol="sqs", Endpoint=q1_arn.replace("q1", "f1.fifo")),
        call(cap, sns.publish, TopicArn=topic + ".fifo", Message="f", MessageGroupId="g"),
        call(cap, sqs.receive_message, QueueUrl=fifo),
    ]
    return {name: b"".join(reqs) for name, reqs in out.items()}


def cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < (1 << (8 * struct.calcsize(fmt))):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise ValueError(n)


def cbor(v) -> bytes:
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        return cbor_head(0, v) if v >= 0 else cbor_head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, bytes):
        return cbor_head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return cbor_head(3, len(b)) + b
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return cbor_head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(v)


def cbor_seeds() -> dict[str, bytes]:
    kitchen = {"Blob": b"hi", "Bool": True, "Str": "s", "Enum": "B", "Byte": 1, "Short": -300, "Int": 70000,
               "IntEnum": 2, "Long": -(1 << 40), "Float": 1.5, "Double": float("inf"),
               "BigInt": 12345678901234567890, "Time": 1700000000.5, "Doc": {"a": [1, None]},
               "List": ["a"], "Sparse": ["a", None], "Map": {"k": 1}, "SparseMap": {"k": None},
               "Nested": {"Child": {"Value": "v"}}, "Choice": {"S": "x"}, "Times": [0], "Blobs": [b"\x00"]}
    body = cbor(kitchen)
    # The same with an indefinite map and string, a tagged timestamp and a half float.
    indefinite = (b"\xbf" + cbor("Str") + b"\x7f" + cbor("ab") + cbor("cd") + b"\xff" + cbor("Time") + b"\xc1\xfb"
                  + struct.pack(">d", 1700000000.25) + cbor("Float") + b"\xf9\x3e\x00" + cbor("List") + b"\x9f"
                  + cbor("x") + b"\xff" + b"\xff")
    return {"kitchen": body, "kitchen-indefinite": indefinite}


def es_message(headers: list[tuple[str, int, bytes]], payload: bytes) -> bytes:
    hb = b""
    for name, typ, value in headers:
        hb += bytes([len(name)]) + name.encode() + bytes([typ]) + value
    total = 16 + len(hb) + len(payload)
    prelude = struct.pack(">II", total, len(hb))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    msg = prelude + hb + payload
    return msg + struct.pack(">I", zlib.crc32(msg))


def es_str(s: str) -> bytes:
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def event_stream_seeds() -> dict[str, bytes]:
    event = es_message([(":message-type", 7, es_str("event")), (":event-type", 7, es_str("Records")),
                        (":content-type", 7, es_str("application/octet-stream"))], b"payload bytes")
    every_type = es_message([("t", 0, b""), ("f", 1, b""), ("b", 2, b"\x80"), ("s", 3, b"\x7f\xff"),
                             ("i", 4, b"\x00\x00\x00\x01"), ("l", 5, b"\xff" * 8), ("ba", 6, es_str("\x00\x01")),
                             ("st", 7, es_str("\u00e9")), ("ts", 8, struct.pack(">q", 1700000000000)),
                             ("u", 9, bytes(range(16)))], b"{}")
    error = es_message([(":message-type", 7, es_str("error")), (":error-code", 7, es_str("Boom")),
                        (":error-message", 7, es_str("went wrong"))], b"")
    empty = es_message([], b"")
    # control byte: bit 0 = fix CRCs, bits 1..7 = chunk size - 1
    return {
        "event": b"\x00" + event,
        "every-header-type": b"\x06" + every_type,
        "two-messages-chunked": b"\x0a" + event + error,
        "empty-message": b"\x00" + empty,
        "fix-crc-mode": b"\x01" + every_type[:-4] + b"\x00\x00\x00\x00",
        "truncated": b"\x02" + event[:20],
    }


def sigv4_seeds(raws: list[bytes], presigned: str) -> dict[str, bytes]:
    out = {}
    for i, raw in enumerate(raws):
        head = raw.split(b"\r\n\r\n", 1)[0]
        auth = b""
        extra = []
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"authorization":
                auth = value.strip()
            elif name.lower() in (b"x-amz-date", b"x-amz-security-token"):
                extra.append(line)
        out[f"captured-{i}"] = auth + b"\n\n" + b"\n".join(extra)
    query = presigned.split("?", 1)[1].encode()
    out["presigned-s3"] = b"\n" + query + b"\n"
    out["presigned-12-digit-key"] = (b"\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=111122223333%2F20260101%2F"
                                     b"eu-west-1%2Fsqs%2Faws4_request&X-Amz-Expires=-5&X-Amz-SignedHeaders=host\n")
    out["sts-issued-key"] = (b"AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/ap-south-1/sts/aws4_request,"
                             b"SignedHeaders=host;x-amz-date,Signature=abc\n\nx-amz-security-token: tok\nx-amz-date: 20260101T000000Z")
    return out


def uri_seeds() -> dict[str, bytes]:
    return {
        "encoded-path": b"/bucket/dir%2Fa%20b%2Bc.txt",
        "form": b"Action=SendMessage&MessageBody=a+b%26c&Empty=&Flag&%ZZ=%4",
        "utf8": "caf\u00e9/\u2603?x=%E2%98%83".encode(),
        "pair": b"key with space\x00value/with%percent",
        "bad-escapes": b"%%41%4g%G1%",
    }


def filter_policy_seeds() -> dict[str, bytes]:
    """scope byte (0 attributes, 1 body), policy, NUL, message (attribute lines or a body)."""
    attrs = b"store\tString\texample_corp\nprice_usd\tNumber\t100.5\ncustomer_interests\tString.Array\t[\"soccer\",\"rugby\"]\nb\tBinary\tAA=="
    return {
        "attributes-docs": b"\x00" + json.dumps({
            "store": ["example_corp"], "event": [{"anything-but": ["order_cancelled"]}],
            "customer_interests": ["rugby", "football", "baseball"], "price_usd": [{"numeric": [">=", 100]}]}).encode()
            + b"\x00" + attrs,
        "attributes-operators": b"\x00" + json.dumps({
            "a": [{"prefix": "ab"}, {"suffix": ".png"}, {"equals-ignore-case": "X"}],
            "b": [{"exists": False}], "c": [{"cidr": "10.0.0.0/24"}], "d": [True, None, 5e3]}).encode()
            + b"\x00a\tString\tabc\nc\tString\t10.0.0.7",
        "attributes-or": b"\x00" + json.dumps({"source": ["aws.cloudwatch"], "$or": [
            {"metricName": ["CPUUtilization"]}, {"namespace": [{"prefix": "AWS/"}]}]}).encode()
            + b"\x00source\tString\taws.cloudwatch\nnamespace\tString\tAWS/EC2",
        "body-nested": b"\x01" + json.dumps({"patient": {"vitals": {"bpm": [{"numeric": [">", 100, "<=", 200]}]}},
                                               "tags": [{"anything-but": {"prefix": "test"}}]}).encode()
            + b"\x00" + json.dumps({"patient": {"vitals": {"bpm": 150}}, "tags": ["prod", "x"]}).encode(),
        "body-dotted": b"\x01" + json.dumps({"a.b": ["c"]}).encode() + b"\x00" + json.dumps({"a": [{"b": "c"}]}).encode(),
        "too-many-combinations": b"\x00" + json.dumps({k: [str(i) for i in range(40)] for k in "abcde"}).encode() + b"\x00",
        "nested-in-attribute-scope": b"\x00" + json.dumps({"a": {"b": ["c"]}}).encode() + b"\x00",
    }


def admin_seeds(rime: str | None) -> dict[str, bytes]:
    sts_view = {"credentials": [{"accessKeyId": "ASIAFUZZ0000000000001", "secretAccessKey": "s", "sessionToken": "t",
                                 "expiration": 1900000000000, "kind": "assumed-role", "account": "111122223333",
                                 "arn": "arn:aws:sts::111122223333:assumed-role/r/s", "userId": "AROAFUZZ:s"}]}
    docs = {
        "empty": {"format": "rime-state/1", "services": {}},
        "sts-scope": {"format": "rime-state/1", "services": {"sts": {"123456789012": {"us-east-1": sts_view}}}},
        "bad-account": {"format": "rime-state/1", "services": {"sts": {"12345": {"us-east-1": {}}}}},
        "unknown-service": {"format": "rime-state/1", "services": {"nope": {}}},
    }
    out = {name: json.dumps(doc).encode() for name, doc in docs.items()}
    out["put-then-patch"] = out["sts-scope"] + b"\x00" + out["empty"]
    if rime:
        import urllib.request
        import boto3
        kw = dict(endpoint_url=rime, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
        sts = boto3.client("sts", **kw)
        try:
            sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/r", RoleSessionName="seed", Tags=[{"Key": "a", "Value": "b"}])
            sts.get_session_token()
        except Exception as e:  # noqa: BLE001
            print("sts:", e)
        for svc, calls in (("sqs", lambda c: (c.create_queue(QueueName="q1", Attributes={"DelaySeconds": "1"}),
                                              c.send_message(QueueUrl=c.get_queue_url(QueueName="q1")["QueueUrl"], MessageBody="m"))),
                           ("sns", lambda c: (c.create_topic(Name="t1", Tags=[{"Key": "k", "Value": "v"}]),))):
            try:
                calls(boto3.client(svc, **kw))
            except Exception as e:  # noqa: BLE001
                print(f"{svc}: {e}")
        with urllib.request.urlopen(rime + "/_rime/state") as r:
            out["snapshot"] = r.read()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rime", help="URL of a running rime for admin_state snapshots")
    args = ap.parse_args()

    cap = Capture()
    captured = capture_clients(cap)
    for name, data in scenarios(cap).items():
        write("http1", "scenario-" + name, data)
    selectors_of = {
        "query": {"sts", "sns", "ec2"},
        "json_rpc": {"sqs", "kinesis"},
        "rest_json": {"lambda", "apigatewayv2"},
        "rest_xml": {"s3", "route-53", "cloudfront"},
        "cbor_rpc": {"cloudwatch", "arc-region-switch"},
    }
    all_raw = []
    for selector, reqs in captured.items():
        for name, raw in reqs:
            all_raw.append(raw)
            write("http1", f"{selector}-{name}", raw)
            for target, selectors in selectors_of.items():
                if selector in selectors:
                    write(target, f"{selector}-{name}", text_request(selector, raw))
                    if target == "cbor_rpc":
                        write("cbor", f"{selector}-{name}", raw.split(b"\r\n\r\n", 1)[1])
    # CloudWatch's other protocols (its clients may send any of the three)
    for name, raw in captured["cloudwatch"]:
        write("json_rpc", f"cloudwatch-{name}-as-cbor-body", text_request("cloudwatch", raw))
    for target, seeds in HAND_WRITTEN.items():
        for name, data in seeds.items():
            write(target, name, data)
    for name, body in cbor_seeds().items():
        write("cbor", name, body)
        write("cbor_rpc", name, b"kitchen\nPOST /service/KitchenService/operation/Everything\nsmithy-protocol: rpc-v2-cbor\n"
                                 b"content-type: application/cbor\n\n" + body)
    for name, data in event_stream_seeds().items():
        write("event_stream", name, data)

    import boto3
    s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:4566", region_name="us-east-1",
                      aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="test")
    presigned = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=300)
    sample = [raw for reqs in captured.values() for _, raw in reqs[:1]]
    for name, data in sigv4_seeds(sample, presigned).items():
        write("sigv4", name, data)
    for name, data in uri_seeds().items():
        write("uri", name, data)
    for name, data in filter_policy_seeds().items():
        write("sns_filter_policy", name, data)
    for name, data in admin_seeds(args.rime).items():
        write("admin_state", name, data)

    # HTTP/1.1 framing the SDKs use less often: pipelining, chunked bodies, Expect, admin paths.
    state = b'{"format":"rime-state/1","services":{"sts":{}}}'
    write("http1", "pipelined-admin", b"GET /_rime/health HTTP/1.1\r\nHost: x\r\n\r\n"
                                      b"PUT /_rime/state HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                      + str(len(state)).encode() + b"\r\n\r\n" + state
                                      + b"GET /_rime/state?service=sts&account=123456789012&region=us-east-1 HTTP/1.1\r\nHost: x\r\n\r\n"
                                      b"DELETE /_rime/state?service=sqs HTTP/1.1\r\nHost: x\r\n\r\n")
    write("http1", "chunked-query", b"POST / HTTP/1.1\r\nHost: sns.us-east-1.amazonaws.com\r\nTransfer-Encoding: chunked\r\n"
                                    b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
                                    b"10\r\nAction=ListTopics\r\n0\r\n\r\n")
    write("http1", "expect-continue-cbor", b"POST /service/GraniteServiceVersion20100801/operation/ListMetrics HTTP/1.1\r\n"
                                           b"Host: localhost\r\nExpect: 100-continue\r\nsmithy-protocol: rpc-v2-cbor\r\n"
                                           b"Content-Type: application/cbor\r\nContent-Length: 1\r\n\r\n\xa0")
    write("http1", "moto-reset", b"POST /moto-api/reset HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n")
    write("http1", "presigned-get", b"GET /b/k?" + presigned.split("?", 1)[1].encode() + b" HTTP/1.1\r\nHost: 127.0.0.1:4566\r\n\r\n")
    print(f"seeds written under {CORPUS}")


if __name__ == "__main__":
    main()
