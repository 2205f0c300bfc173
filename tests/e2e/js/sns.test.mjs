// SNS through the AWS SDK for JavaScript v3 (awsQuery), with SQS queues of the same server as
// subscribers: topics, attributes, tags, subscriptions with a filter policy, Publish and
// PublishBatch fan-out, FIFO rules, and the errors AWS documents (NotFound, InvalidParameter).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand,
  InvalidParameterException, ListSubscriptionsByTopicCommand, ListTagsForResourceCommand, ListTopicsCommand,
  NotFoundException, PublishBatchCommand, PublishCommand, SetSubscriptionAttributesCommand, SNSClient,
  SNSServiceException, SubscribeCommand, TagResourceCommand, UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient,
} from "@aws-sdk/client-sqs";

import { expectServiceError, options, recordWire } from "./common.mjs";

const ACCOUNT = "123456789012";
const sns = new SNSClient(options());
const sqs = new SQSClient(options());
const unique = (prefix) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

async function queueWithArn(name, attributes = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/** Receives until `count` messages arrived (or 5 s passed), deleting each. */
async function drain(url, count) {
  const bodies = [];
  const deadline = Date.now() + 5000;
  while (bodies.length < count && Date.now() < deadline) {
    const out = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"],
    }));
    for (const m of out.Messages ?? []) {
      bodies.push(m);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return bodies;
}

test("topic lifecycle: create is idempotent, attributes, tags, listing, delete", async () => {
  const name = unique("js-topic");
  const sent = recordWire(sns);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: "js" } }));
  assert.equal(TopicArn, `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`);
  assert.match(sent[0].headers["content-type"], /^application\/x-www-form-urlencoded/);
  const again = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: "js" } }));
  assert.equal(again.TopicArn, TopicArn);

  const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(Attributes.TopicArn, TopicArn);
  assert.equal(Attributes.DisplayName, "js");
  assert.equal(Attributes.Owner, ACCOUNT);
  assert.equal(Attributes.SubscriptionsConfirmed, "0");
  assert.equal(JSON.parse(Attributes.Policy).Version, "2008-10-17");

  await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: "team", Value: "rime" }] }));
  const tags = await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
  assert.deepEqual(tags.Tags, [{ Key: "team", Value: "rime" }]);

  const listed = await sns.send(new ListTopicsCommand({}));
  assert.ok(listed.Topics.some((t) => t.TopicArn === TopicArn));

  await sns.send(new DeleteTopicCommand({ TopicArn }));
  await expectServiceError(sns.send(new GetTopicAttributesCommand({ TopicArn })), {
    code: "NotFound", status: 404, ServiceException: SNSServiceException, ErrorClass: NotFoundException,
  });
});

test("fan-out: an SQS subscriber receives the AWS envelope; a filter policy keeps others out", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-fanout") }));
  const all = await queueWithArn(unique("js-all"));
  const red = await queueWithArn(unique("js-red"));
  const raw = await queueWithArn(unique("js-raw"));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: all.arn }));
  const redSub = await sns.send(new SubscribeCommand({
    TopicArn, Protocol: "sqs", Endpoint: red.arn, ReturnSubscriptionArn: true,
    Attributes: { FilterPolicy: JSON.stringify({ color: ["red"] }) },
  }));
  assert.match(redSub.SubscriptionArn, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
  const rawSub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: raw.arn }));
  await sns.send(new SetSubscriptionAttributesCommand({
    SubscriptionArn: rawSub.SubscriptionArn, AttributeName: "RawMessageDelivery", AttributeValue: "true",
  }));
  const subAttrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: redSub.SubscriptionArn }));
  assert.equal(subAttrs.Attributes.PendingConfirmation, "false");
  assert.deepEqual(JSON.parse(subAttrs.Attributes.FilterPolicy), { color: ["red"] });

  const blue = await sns.send(new PublishCommand({
    TopicArn, Message: "blue one", Subject: "hi",
    MessageAttributes: { color: { DataType: "String", StringValue: "blue" } },
  }));
  await sns.send(new PublishCommand({
    TopicArn, Message: "red one", MessageAttributes: { color: { DataType: "String", StringValue: "red" } },
  }));

  const allBodies = (await drain(all.url, 2)).map((m) => JSON.parse(m.Body));
  assert.deepEqual(allBodies.map((b) => b.Message).sort(), ["blue one", "red one"]);
  const envelope = allBodies.find((b) => b.MessageId === blue.MessageId);
  assert.equal(envelope.Type, "Notification");
  assert.equal(envelope.TopicArn, TopicArn);
  assert.equal(envelope.Subject, "hi");
  assert.equal(envelope.SignatureVersion, "1");
  assert.match(envelope.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(envelope.MessageAttributes, { color: { Type: "String", Value: "blue" } });

  const redBodies = (await drain(red.url, 1)).map((m) => JSON.parse(m.Body).Message);
  assert.deepEqual(redBodies, ["red one"]);

  const rawMessages = await drain(raw.url, 2);
  assert.deepEqual(rawMessages.map((m) => m.Body).sort(), ["blue one", "red one"]);
  const rawBlue = rawMessages.find((m) => m.Body === "blue one");
  assert.equal(rawBlue.MessageAttributes.color.StringValue, "blue");

  const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.equal(subs.Subscriptions.length, 3);
  await sns.send(new UnsubscribeCommand({ SubscriptionArn: redSub.SubscriptionArn }));
  const after = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.equal(after.Subscriptions.length, 2);
});

test("PublishBatch delivers each entry and reports per-entry failures", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-batch") }));
  const q = await queueWithArn(unique("js-batch-q"));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn }));
  const out = await sns.send(new PublishBatchCommand({
    TopicArn,
    PublishBatchRequestEntries: [
      { Id: "one", Message: "first" },
      { Id: "two", Message: "second" },
    ],
  }));
  assert.deepEqual(out.Successful.map((s) => s.Id).sort(), ["one", "two"]);
  assert.deepEqual(out.Failed ?? [], []);
  const bodies = (await drain(q.url, 2)).map((m) => JSON.parse(m.Body).Message).sort();
  assert.deepEqual(bodies, ["first", "second"]);
});

test("validation: bad filter policy, FIFO rules, unknown topic", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-val") }));
  const q = await queueWithArn(unique("js-val-q"));
  await expectServiceError(sns.send(new SubscribeCommand({
    TopicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { FilterPolicy: "{not json" },
  })), {
    code: "InvalidParameter", status: 400, ServiceException: SNSServiceException,
    ErrorClass: InvalidParameterException, includes: ["FilterPolicy"],
  });

  const fifoName = `${unique("js-fifo")}.fifo`;
  const fifo = await sns.send(new CreateTopicCommand({ Name: fifoName, Attributes: { FifoTopic: "true" } }));
  assert.ok(fifo.TopicArn.endsWith(fifoName));
  // A FIFO topic needs a message group id.
  await expectServiceError(sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "x" })), {
    code: "InvalidParameter", status: 400, ServiceException: SNSServiceException,
    ErrorClass: InvalidParameterException,
  });
  const published = await sns.send(new PublishCommand({
    TopicArn: fifo.TopicArn, Message: "x", MessageGroupId: "g", MessageDeduplicationId: "d1",
  }));
  assert.match(published.SequenceNumber, /^\d+$/);

  await expectServiceError(sns.send(new PublishCommand({
    TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:${unique("missing")}`, Message: "x",
  })), { code: "NotFound", status: 404, ServiceException: SNSServiceException, ErrorClass: NotFoundException });
});
