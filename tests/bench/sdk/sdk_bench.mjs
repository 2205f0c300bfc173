// One SDK-mode run of tests/bench (bench.py --sdk starts it per server, operation and caller count):
// N concurrent async callers drive one operation through the AWS SDK for JavaScript v3 (pinned by
// the repository's package-lock.json: real SigV4 signing, real response parsing, SQS's MD5 checks)
// against one endpoint for a given time, and print one JSON line: ops, ops/s, client-side p50/p99.
//
//   node sdk_bench.mjs '{"endpoint":"http://127.0.0.1:4566","op":"sqs-send","callers":16,"seconds":5,"tag":"r1"}'
//
// A client package that is not installed, or an operation the server answers 501, gives
// {"skipped": reason}. An operation that fails or returns a wrong result counts as an error (also in
// the untimed warm-up that precedes the run: `warmup` seconds, default min(1, seconds / 2)).
import http from "node:http";
import { performance } from "node:perf_hooks";

const cfg = JSON.parse(process.argv[2]);
const TOKEN = "rime-bench-payload";
const MESSAGE = JSON.stringify({
  type: "order.created", token: TOKEN, orderId: "0f8fad5b-d9cb-469f-a165-70867728950e",
  customer: { id: 4711, tier: "gold" }, items: [{ sku: "A-100", qty: 2 }, { sku: "B-200", qty: 1 }],
  total: "59.90", currency: "EUR",
});

const { NodeHttpHandler } = await import("@smithy/node-http-handler");
const options = {
  endpoint: cfg.endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: cfg.callers }) }),
};

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

async function client(pkg) {
  try {
    return await import(pkg);
  } catch (e) {
    out({ skipped: `${pkg} is not installed (not in the repository's package.json)` });
    process.exit(0);
  }
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

// op -> async () => ({ call, teardown? })
const OPS = {
  async "sts-get-caller-identity"() {
    const { STSClient, GetCallerIdentityCommand } = await client("@aws-sdk/client-sts");
    const sts = new STSClient(options);
    return {
      call: async () => {
        const r = await sts.send(new GetCallerIdentityCommand({}));
        check(r.Account && r.Arn && r.UserId, `incomplete identity ${JSON.stringify(r)}`);
      },
    };
  },
  async "sqs-send"() {
    const sqsm = await client("@aws-sdk/client-sqs");
    const sqs = new sqsm.SQSClient(options);
    const { QueueUrl } = await sqs.send(new sqsm.CreateQueueCommand({ QueueName: `sdk-send-${cfg.tag}` }));
    return {
      call: async () => {
        const r = await sqs.send(new sqsm.SendMessageCommand({ QueueUrl, MessageBody: MESSAGE }));
        check(r.MessageId && r.MD5OfMessageBody, "no MessageId"); // the client checks the MD5 itself
      },
      teardown: () => sqs.send(new sqsm.DeleteQueueCommand({ QueueUrl })),
    };
  },
  async "sqs-send-receive-delete"() {
    const sqsm = await client("@aws-sdk/client-sqs");
    const sqs = new sqsm.SQSClient(options);
    const { QueueUrl } = await sqs.send(new sqsm.CreateQueueCommand({ QueueName: `sdk-srd-${cfg.tag}` }));
    return {
      call: async () => {
        await sqs.send(new sqsm.SendMessageCommand({ QueueUrl, MessageBody: MESSAGE }));
        const r = await sqs.send(new sqsm.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }));
        const m = r.Messages?.[0];
        check(m && m.Body?.includes(TOKEN) && m.ReceiptHandle, `receive returned ${JSON.stringify(r.Messages)}`);
        await sqs.send(new sqsm.DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      },
      teardown: () => sqs.send(new sqsm.DeleteQueueCommand({ QueueUrl })),
    };
  },
  async "sns-publish"() {
    const snsm = await client("@aws-sdk/client-sns");
    const sqsm = await client("@aws-sdk/client-sqs");
    const sqs = new sqsm.SQSClient(options);
    const sns = new snsm.SNSClient(options);
    const { QueueUrl } = await sqs.send(new sqsm.CreateQueueCommand({ QueueName: `sdk-sns-${cfg.tag}` }));
    const { Attributes } = await sqs.send(new sqsm.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    const { TopicArn } = await sns.send(new snsm.CreateTopicCommand({ Name: `sdk-topic-${cfg.tag}` }));
    await sns.send(new snsm.SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: Attributes.QueueArn }));
    return {
      call: async () => {
        const r = await sns.send(new snsm.PublishCommand({ TopicArn, Message: MESSAGE }));
        check(r.MessageId, "no MessageId");
      },
      teardown: async () => {
        await sns.send(new snsm.DeleteTopicCommand({ TopicArn }));
        await sqs.send(new sqsm.DeleteQueueCommand({ QueueUrl }));
      },
    };
  },
};

const status = (e) => e?.$metadata?.httpStatusCode;
let op;
try {
  op = await OPS[cfg.op]();
  await op.call(); // warm-up, and the 501 check
} catch (e) {
  if (status(e) === 501) out({ skipped: `the server answers 501 (${e.name}: ${e.message})` });
  else out({ failed: `${e.name}: ${e.message} (HTTP ${status(e)})` });
  process.exit(0);
}

// Warm-up (JIT, sockets), then the timed run.
let lat = [];
let errors = 0;
let sample;
async function caller(end) {
  while (performance.now() < end) {
    const t0 = performance.now();
    try {
      await op.call();
      lat.push(performance.now() - t0);
    } catch (e) {
      errors++;
      sample ??= `${e.name}: ${e.message} (HTTP ${status(e)})`;
    }
  }
}
const warmup = cfg.warmup ?? Math.min(1, cfg.seconds / 2);
await Promise.all(Array.from({ length: cfg.callers }, () => caller(performance.now() + warmup * 1000)));
lat = [];
const start = performance.now();
await Promise.all(Array.from({ length: cfg.callers }, () => caller(start + cfg.seconds * 1000)));
const seconds = (performance.now() - start) / 1000;
lat.sort((a, b) => a - b);
const pct = (q) => (lat.length ? Math.round(lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] * 1000) : null);
try {
  await op.teardown?.();
} catch {
  // the figures are taken; a failed teardown does not change them
}
out({ ops: lat.length, seconds, ops_per_s: lat.length / seconds, p50_us: pct(0.5), p99_us: pct(0.99), errors, error_sample: sample ?? null });
options.requestHandler.destroy?.();
