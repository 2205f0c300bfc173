// SQS through the AWS SDK for JavaScript v3 (awsJson1_0, awsQueryCompatible): every operation,
// the error classes and codes the SDK reports, and the SDK's own MD5 checks of bodies and
// attributes (middleware-sdk-sqs verifies MD5OfBody / MD5OfMessageBody on every message). The
// expectations are tests/e2e/test_sqs.py's (see its docstring for the AWS documentation).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";

import {
  AddPermissionCommand, BatchEntryIdsNotDistinct, CancelMessageMoveTaskCommand, ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand,
  DeleteQueueCommand, EmptyBatchRequest, GetQueueAttributesCommand, GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand, ListMessageMoveTasksCommand, ListQueuesCommand, ListQueueTagsCommand,
  PurgeQueueCommand, PurgeQueueInProgress, QueueDoesNotExist, QueueNameExists, ReceiptHandleIsInvalid,
  ReceiveMessageCommand, RemovePermissionCommand, ResourceNotFoundException, SendMessageBatchCommand,
  SendMessageCommand, SetQueueAttributesCommand, SQSClient, SQSServiceException, StartMessageMoveTaskCommand,
  TagQueueCommand, TooManyEntriesInBatchRequest, UntagQueueCommand,
} from "@aws-sdk/client-sqs";

import { ENDPOINT, expectServiceError, options, protocolOf, recordWire } from "./common.mjs";

const ACCOUNT = "123456789012";
const sqs = new SQSClient(options());
const wire = recordWire(sqs);
const send = (command) => sqs.send(command);
const md5 = (s) => createHash("md5").update(s).digest("hex");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const arnOf = (name) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;

/** AWS's MD5OfMessageAttributes encoding (length-prefixed name, type, transport byte, value). */
function md5OfAttributes(attributes) {
  const parts = [];
  const enc = (buf) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(buf.length);
    parts.push(len, buf);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name];
    enc(Buffer.from(name));
    enc(Buffer.from(a.DataType));
    if (a.DataType.startsWith("Binary")) {
      parts.push(Buffer.from([2]));
      enc(Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      enc(Buffer.from(a.StringValue));
    }
  }
  return createHash("md5").update(Buffer.concat(parts)).digest("hex");
}

const sqsError = (ErrorClass, code, status, more = {}) => ({
  code, status, ServiceException: SQSServiceException, ErrorClass, ...more,
});
const createQueue = async (name, Attributes) => (await send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl;

test("queues: create (idempotent, conflicts), URL, list, attributes, tags, delete", async () => {
  const url = await createQueue("js-std", { VisibilityTimeout: "30" });
  assert.equal(protocolOf(wire.at(-1), "sqs"), "awsJson1_0");
  assert.equal(url, `${ENDPOINT}/${ACCOUNT}/js-std`);
  assert.equal(await createQueue("js-std", { VisibilityTimeout: "30" }), url);
  await expectServiceError(send(new CreateQueueCommand({ QueueName: "js-std", Attributes: { VisibilityTimeout: "31" } })),
    sqsError(QueueNameExists, "QueueAlreadyExists", 400, {
      message: "A queue already exists with the same name and a different value for attribute VisibilityTimeout",
    }));
  await expectServiceError(send(new CreateQueueCommand({ QueueName: "bad name" })),
    { code: "InvalidParameterValue", status: 400, ServiceException: SQSServiceException });
  await expectServiceError(send(new CreateQueueCommand({ QueueName: "js-x", Attributes: { DelaySeconds: "901" } })),
    { code: "InvalidAttributeValue", status: 400, ServiceException: SQSServiceException,
      message: "Invalid value for the parameter DelaySeconds." });

  assert.equal((await send(new GetQueueUrlCommand({ QueueName: "js-std" }))).QueueUrl, url);
  await expectServiceError(send(new GetQueueUrlCommand({ QueueName: "js-none" })),
    sqsError(QueueDoesNotExist, "AWS.SimpleQueueService.NonExistentQueue", 400,
      { message: "The specified queue does not exist." }));

  for (const n of [1, 2, 3]) await createQueue(`js-page-${n}`);
  const page1 = await send(new ListQueuesCommand({ QueueNamePrefix: "js-page", MaxResults: 2 }));
  const page2 = await send(new ListQueuesCommand({ QueueNamePrefix: "js-page", MaxResults: 2, NextToken: page1.NextToken }));
  assert.deepEqual([...page1.QueueUrls, ...page2.QueueUrls].sort(),
    [1, 2, 3].map((n) => `${ENDPOINT}/${ACCOUNT}/js-page-${n}`));
  assert.equal(page2.NextToken, undefined);

  await send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "1", MaximumMessageSize: "4096" } }));
  const { Attributes: attrs } = await send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
  assert.equal(attrs.DelaySeconds, "1");
  assert.equal(attrs.MaximumMessageSize, "4096");
  assert.equal(attrs.QueueArn, arnOf("js-std"));
  assert.equal(attrs.SqsManagedSseEnabled, "true");

  await send(new TagQueueCommand({ QueueUrl: url, Tags: { a: "1", b: "2" } }));
  await send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ["a"] }));
  assert.deepEqual((await send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { b: "2" });

  await send(new AddPermissionCommand({ QueueUrl: url, Label: "js", AWSAccountIds: ["111122223333"], Actions: ["*"] }));
  const policy = JSON.parse((await send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Policy"] })))
    .Attributes.Policy);
  assert.deepEqual(policy.Statement, [{ Sid: "js", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" },
    Action: "SQS:*", Resource: arnOf("js-std") }]);
  await send(new RemovePermissionCommand({ QueueUrl: url, Label: "js" }));

  await send(new PurgeQueueCommand({ QueueUrl: url }));
  await expectServiceError(send(new PurgeQueueCommand({ QueueUrl: url })),
    sqsError(PurgeQueueInProgress, "AWS.SimpleQueueService.PurgeQueueInProgress", 403));

  await send(new DeleteQueueCommand({ QueueUrl: url }));
  await expectServiceError(send(new DeleteQueueCommand({ QueueUrl: url })),
    sqsError(QueueDoesNotExist, "AWS.SimpleQueueService.NonExistentQueue", 400));
});

test("messages: send, receive (SDK MD5 checks), visibility, delete, errors", async () => {
  const url = await createQueue("js-msg", { VisibilityTimeout: "30" });
  const MessageAttributes = {
    s: { DataType: "String", StringValue: "v" },
    n: { DataType: "Number", StringValue: "42" },
    b: { DataType: "Binary", BinaryValue: Uint8Array.from([0, 1, 255]) },
  };
  const sent = await send(new SendMessageCommand({ QueueUrl: url, MessageBody: "héllo", MessageAttributes }));
  assert.equal(sent.MD5OfMessageBody, md5("héllo"));
  assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(MessageAttributes));

  const got = await send(new ReceiveMessageCommand({
    QueueUrl: url, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"], MaxNumberOfMessages: 10,
  }));
  assert.equal(got.Messages.length, 1);
  const [m] = got.Messages;
  assert.equal(m.Body, "héllo");
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.deepEqual(Buffer.from(m.MessageAttributes.b.BinaryValue), Buffer.from([0, 1, 255]));
  assert.equal(m.Attributes.ApproximateReceiveCount, "1");

  assert.equal((await send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  await send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  const again = (await send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["ApproximateReceiveCount"] })))
    .Messages;
  assert.equal(again[0].Attributes.ApproximateReceiveCount, "2");
  await send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again[0].ReceiptHandle }));
  await expectServiceError(send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: "nonsense" })),
    sqsError(ReceiptHandleIsInvalid, "ReceiptHandleIsInvalid", 404));
  await expectServiceError(send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", DelaySeconds: 901 })),
    { code: "InvalidParameterValue", status: 400, ServiceException: SQSServiceException,
      message: "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900." });
  await expectServiceError(send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })),
    { code: "InvalidParameterValue", status: 400, ServiceException: SQSServiceException });
  await expectServiceError(send(new SendMessageCommand({ QueueUrl: `${url}-none`, MessageBody: "x" })),
    sqsError(QueueDoesNotExist, "AWS.SimpleQueueService.NonExistentQueue", 400));
});

test("batches: per-entry results and batch errors", async () => {
  const url = await createQueue("js-batch", { MaximumMessageSize: "1024" });
  const out = await send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: "a", MessageBody: "one" }, { Id: "b", MessageBody: "two" }, { Id: "big", MessageBody: "x".repeat(2000) }],
  }));
  assert.deepEqual(out.Successful.map((e) => e.Id).sort(), ["a", "b"]);
  assert.deepEqual(out.Failed.map((e) => [e.Id, e.Code, e.SenderFault]), [["big", "InvalidParameterValue", true]]);
  await expectServiceError(send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })),
    sqsError(EmptyBatchRequest, "AWS.SimpleQueueService.EmptyBatchRequest", 400));
  await expectServiceError(send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" })),
  })), sqsError(TooManyEntriesInBatchRequest, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400));
  await expectServiceError(send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: [{ Id: "x", MessageBody: "1" }, { Id: "x", MessageBody: "2" }],
  })), sqsError(BatchEntryIdsNotDistinct, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400));

  const { Messages } = await send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  assert.equal(Messages.length, 2);
  const changed = await send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: url,
    Entries: Messages.map((m, i) => ({ Id: `c${i}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 60 })),
  }));
  assert.equal(changed.Successful.length, 2);
  const deleted = await send(new DeleteMessageBatchCommand({
    QueueUrl: url,
    Entries: [...Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })), { Id: "bad", ReceiptHandle: "zz" }],
  }));
  assert.equal(deleted.Successful.length, 2);
  assert.deepEqual(deleted.Failed.map((f) => [f.Id, f.Code]), [["bad", "ReceiptHandleIsInvalid"]]);
});

test("FIFO: group order, group lock, deduplication", async () => {
  const url = await createQueue("js-order.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
  const first = await send(new SendMessageCommand({ QueueUrl: url, MessageBody: "1", MessageGroupId: "g" }));
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: "2", MessageGroupId: "g" }));
  const dup = await send(new SendMessageCommand({ QueueUrl: url, MessageBody: "1", MessageGroupId: "g" }));
  assert.equal(dup.MessageId, first.MessageId);
  assert.equal(first.SequenceNumber.length, 20);
  await expectServiceError(send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })),
    { code: "MissingParameter", status: 400, ServiceException: SQSServiceException });
  const a = await send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
  assert.deepEqual(a.Messages.map((m) => m.Body), ["1"]);
  assert.equal((await send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);  // group locked
  await send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: a.Messages[0].ReceiptHandle }));
  const b = await send(new ReceiveMessageCommand({ QueueUrl: url }));
  assert.deepEqual(b.Messages.map((m) => m.Body), ["2"]);
});

test("dead-letter queue, sources and a message move task", async () => {
  const dlq = await createQueue("js-dlq");
  const src = await createQueue("js-src", {
    VisibilityTimeout: "1", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf("js-dlq"), maxReceiveCount: 1 }),
  });
  const sent = await send(new SendMessageCommand({ QueueUrl: src, MessageBody: "poison" }));
  assert.equal((await send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages.length, 1);
  await sleep(1200);
  assert.equal((await send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages, undefined);
  const moved = await send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["All"], VisibilityTimeout: 0 }));
  assert.equal(moved.Messages[0].MessageId, sent.MessageId);
  assert.equal(moved.Messages[0].Attributes.DeadLetterQueueSourceArn, arnOf("js-src"));
  assert.deepEqual((await send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls, [src]);

  const { TaskHandle } = await send(new StartMessageMoveTaskCommand({ SourceArn: arnOf("js-dlq") }));
  assert.ok(TaskHandle);
  let task;
  for (let i = 0; i < 50; i++) {
    [task] = (await send(new ListMessageMoveTasksCommand({ SourceArn: arnOf("js-dlq") }))).Results;
    if (task.Status !== "RUNNING") break;
    await sleep(100);
  }
  assert.equal(task.Status, "COMPLETED");
  assert.equal(task.ApproximateNumberOfMessagesMoved, 1);
  assert.equal((await send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages[0].Body, "poison");
  await expectServiceError(send(new CancelMessageMoveTaskCommand({ TaskHandle: "bm90IGEgaGFuZGxl" })),
    sqsError(ResourceNotFoundException, "ResourceNotFoundException", 404));
});

test("long polling: a send from another client answers a waiting receive at once", async () => {
  const url = await createQueue("js-poll");
  const other = new SQSClient(options());
  const started = Date.now();
  const waiting = send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
  await sleep(300);
  await other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "wake up" }));
  const out = await waiting;
  assert.deepEqual(out.Messages.map((m) => m.Body), ["wake up"]);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  const empty = Date.now();
  assert.equal((await send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }))).Messages, undefined);
  assert.ok(Date.now() - empty >= 900, "answered before the wait ran out");
});
