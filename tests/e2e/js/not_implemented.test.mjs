// AWS SDK for JavaScript v3: an operation rime does not implement, one service per wire protocol,
// must reject with the client's ordinary service exception (NotImplemented, HTTP 501), never a
// parse or connection error (DESIGN.md, "Routing"). The protocol each client sends is asserted too.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CloudWatchClient, CloudWatchServiceException, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient, DynamoDBServiceException, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from "@aws-sdk/client-ec2";
import { IAMClient, IAMServiceException, ListUsersCommand } from "@aws-sdk/client-iam";
import { KMSClient, KMSServiceException, ListKeysCommand } from "@aws-sdk/client-kms";
import { LambdaClient, LambdaServiceException, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { ListHostedZonesCommand, Route53Client, Route53ServiceException } from "@aws-sdk/client-route-53";
import { ListBucketsCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";

import { expectServiceError, options, protocolOf, recordWire } from "./common.mjs";

// service, client, command, its ServiceException, operation, protocol the SDK sends, extra options
const CASES = [
  ["iam", IAMClient, ListUsersCommand, IAMServiceException, "ListUsers", "awsQuery"],
  ["ec2", EC2Client, DescribeRegionsCommand, EC2ServiceException, "DescribeRegions", "ec2Query"],
  ["dynamodb", DynamoDBClient, ListTablesCommand, DynamoDBServiceException, "ListTables", "awsJson1_0"],
  ["kms", KMSClient, ListKeysCommand, KMSServiceException, "ListKeys", "awsJson1_1"],
  ["lambda", LambdaClient, ListFunctionsCommand, LambdaServiceException, "ListFunctions", "restJson1"],
  ["s3", S3Client, ListBucketsCommand, S3ServiceException, "ListBuckets", "restXml", { forcePathStyle: true }],
  ["route53", Route53Client, ListHostedZonesCommand, Route53ServiceException, "ListHostedZones", "restXml"],
  // CloudWatch's default in this SDK is awsJson1_0 (query-compatible). (SQS, also query-compatible,
  // is implemented: its errors are tested in sqs.test.mjs.)
  ["cloudwatch", CloudWatchClient, ListMetricsCommand, CloudWatchServiceException, "ListMetrics", "awsJson1_0"],
  // The SDK can speak rpcv2Cbor for CloudWatch when asked to: its own CBOR codec meets rime's.
  ["cloudwatch", CloudWatchClient, ListMetricsCommand, CloudWatchServiceException, "ListMetrics", "rpcv2Cbor",
    { protocol: AwsSmithyRpcV2CborProtocol }],
];

for (const [service, Client, Command, ServiceException, op, protocol, extra] of CASES) {
  test(`${service} ${op} over ${protocol} rejects with ${ServiceException.name} NotImplemented (501)`, async () => {
    const client = new Client(options(extra));
    const sent = recordWire(client);
    const err = await expectServiceError(client.send(new Command({})), {
      code: "NotImplemented", status: 501, ServiceException, includes: [op],
    });
    assert.equal(err.$fault, "server");
    assert.ok(sent.length >= 1, "no request was recorded");
    assert.equal(protocolOf(sent.at(-1), service), protocol, JSON.stringify(sent.at(-1)));
    if (protocol === "rpcv2Cbor") {
      assert.equal(sent.at(-1).path, `/service/GraniteServiceVersion20100801/operation/${op}`);
    }
  });
}

// Query-compatible JSON (and CBOR) services send x-amzn-query-mode; AWS answers errors with the
// x-amzn-query-error header "Code;Sender|Receiver", which this SDK turns into err.Code and err.Type.
for (const [name, Client, Command, ServiceException, extra] of [
  ["cloudwatch", CloudWatchClient, ListMetricsCommand, CloudWatchServiceException],
]) {
  test(`${name} query-compatible error carries Code and Type from x-amzn-query-error`, async () => {
    const client = new Client(options(extra));
    const sent = recordWire(client);
    const err = await expectServiceError(client.send(new Command({})), {
      code: "NotImplemented", status: 501, ServiceException,
    });
    assert.equal(sent.at(-1).headers["x-amzn-query-mode"], "true");
    assert.equal(err.Code, "NotImplemented", JSON.stringify(err));
    assert.ok(["Sender", "Receiver"].includes(err.Type), JSON.stringify(err));
  });
}
