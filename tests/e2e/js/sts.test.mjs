// STS through the AWS SDK for JavaScript v3 (awsQuery): the same scenarios and expectations as
// tests/e2e/test_clients_sts.py (see its docstring for the AWS documentation they follow). The JS
// SDK does no client-side validation, so every limit reaches the server.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";

import {
  AssumeRoleCommand, AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, AssumeRootCommand,
  DecodeAuthorizationMessageCommand, GetAccessKeyInfoCommand, GetCallerIdentityCommand, GetFederationTokenCommand,
  GetSessionTokenCommand, InvalidAuthorizationMessageException, MalformedPolicyDocumentException,
  PackedPolicyTooLargeException, STSClient, STSServiceException,
} from "@aws-sdk/client-sts";

import { expectServiceError, options, recordWire } from "./common.mjs";

const DEFAULT_ACCOUNT = "123456789012";
const ROLE_ACCOUNT = "111122223333";
const ROOT_TARGET = "444455556666";
const ROLE_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/demo`;
const ASSUMED_ARN = `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/demo/s1`;
const WEB_ROLE_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/web`;
const SAML_ROLE_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/saml`;
const SAML_PROVIDER_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:saml-provider/idp`;
const SAML_ISSUER = "https://idp.example.com/saml";
const SAML_SUBJECT = "saml-subject-42";
const SAML_SESSION = "saml-user@example.com";
const SAML_RECIPIENT = "https://signin.aws.amazon.com/saml";
const OIDC = { iss: "https://oidc.example.com", sub: "user-123", aud: "client-abc" };
const FED_NAME = "feduser";
const ROOT_TASK_POLICY = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const SMALL_POLICY = JSON.stringify({
  Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" }],
});
const SESSION_NAME_PATTERN = String.raw`[\w+=,.@-]*`;
const SLACK_MS = 120_000;

const sts = (credentials) => new STSClient(options(credentials ? { credentials } : {}));
const send = (command, credentials) => sts(credentials).send(command);
const credsOf = (out) => ({
  accessKeyId: out.Credentials.AccessKeyId, secretAccessKey: out.Credentials.SecretAccessKey,
  sessionToken: out.Credentials.SessionToken,
});
const stsError = (code, status, more = {}) => ({ code, status, ServiceException: STSServiceException, ...more });

function assertCredentials(creds, t0, seconds) {
  assert.match(creds.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
  assert.equal(creds.SecretAccessKey.length, 40);
  assert.ok(creds.SessionToken);
  assert.ok(creds.Expiration instanceof Date, `Expiration is ${creds.Expiration}`);
  const delta = Math.abs(creds.Expiration.getTime() - (t0 + seconds * 1000));
  assert.ok(delta <= SLACK_MS, `Expiration ${creds.Expiration.toISOString()} is not now + ${seconds} s`);
}

const b64url = (buf) => Buffer.from(buf).toString("base64url");
const jwt = (claims) =>
  [b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "rime-e2e" })), b64url(JSON.stringify(claims)),
    b64url("signature-not-checked")].join(".");

function samlAssertion() {
  const now = new Date();
  const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
  const issued = iso(now);
  const until = iso(new Date(now.getTime() + 300_000));
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
    ID="_resp1" Version="2.0" IssueInstant="${issued}" Destination="${SAML_RECIPIENT}">
  <saml:Issuer>${SAML_ISSUER}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ID="_assert1" Version="2.0" IssueInstant="${issued}">
    <saml:Issuer>${SAML_ISSUER}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${SAML_SUBJECT}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="${SAML_RECIPIENT}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="${issued}" NotOnOrAfter="${until}">
      <saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml:AttributeValue>${SAML_ROLE_ARN},${SAML_PROVIDER_ARN}</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml:AttributeValue>${SAML_SESSION}</saml:AttributeValue>
      </saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>`;
  return Buffer.from(xml).toString("base64");
}

const AUTH_MESSAGE = {
  allowed: false, explicitDeny: false, matchedStatements: { items: [] }, failures: { items: [] },
  context: {
    principal: { id: "AIDAEXAMPLE", name: "alice", arn: `arn:aws:iam::${DEFAULT_ACCOUNT}:user/alice` },
    action: "ec2:RunInstances", resource: `arn:aws:ec2:us-east-1:${DEFAULT_ACCOUNT}:instance/*`,
    conditions: { items: [] },
  },
};

const oneError = (value, member, constraint) =>
  `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`;

// ------------------------------------------------------------------------------------------------

test("GetCallerIdentity: default credentials are account 123456789012; a 12-digit key is its account", async () => {
  const me = await send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, DEFAULT_ACCOUNT);
  assert.ok(me.Arn.startsWith("arn:aws:") && me.Arn.includes(`::${DEFAULT_ACCOUNT}:`), me.Arn);
  assert.ok(me.UserId);
  const other = await send(new GetCallerIdentityCommand({}), { accessKeyId: ROLE_ACCOUNT, secretAccessKey: "x" });
  assert.equal(other.Account, ROLE_ACCOUNT);
  assert.ok(other.Arn.includes(`::${ROLE_ACCOUNT}:`) && other.UserId, JSON.stringify(other));
});

test("GetCallerIdentity is sent as awsQuery (form-encoded Action, SigV4 for sts)", async () => {
  const client = sts();
  const sent = recordWire(client);
  await client.send(new GetCallerIdentityCommand({}));
  const h = sent.at(-1).headers;
  assert.match(h["content-type"], /^application\/x-www-form-urlencoded/);
  assert.match(h.authorization, /Credential=test\/\d{8}\/us-east-1\/sts\/aws4_request/);
});

test("AssumeRole: ASIA credentials for 3600 s; signed with them, calls are the role in its account", async () => {
  const t0 = Date.now();
  const out = await send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "s1" }));
  assertCredentials(out.Credentials, t0, 3600);
  assert.equal(out.AssumedRoleUser.Arn, ASSUMED_ARN);
  assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z0-9]{17}:s1$/);

  const me = await send(new GetCallerIdentityCommand({}), credsOf(out));
  assert.deepEqual([me.Account, me.Arn, me.UserId], [ROLE_ACCOUNT, ASSUMED_ARN, out.AssumedRoleUser.AssumedRoleId]);

  const info = await send(new GetAccessKeyInfoCommand({ AccessKeyId: out.Credentials.AccessKeyId }));
  assert.equal(info.Account, ROLE_ACCOUNT);

  // AWS: role chaining limits DurationSeconds to one hour.
  await expectServiceError(
    send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "s2", DurationSeconds: 7200 }), credsOf(out)),
    stsError("ValidationError", 400));
});

test("AssumeRole: DurationSeconds 900 and 43200 set Expiration; a session policy reports PackedPolicySize", async () => {
  const t0 = Date.now();
  const out = await send(new AssumeRoleCommand({
    RoleArn: ROLE_ARN, RoleSessionName: "s3", DurationSeconds: 900, Policy: SMALL_POLICY,
  }));
  assertCredentials(out.Credentials, t0, 900);
  assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/demo/s3`);
  assert.ok(Number.isInteger(out.PackedPolicySize) && out.PackedPolicySize > 0 && out.PackedPolicySize <= 100,
    `PackedPolicySize ${out.PackedPolicySize}`);
  const long = await send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "s4", DurationSeconds: 43200 }));
  assertCredentials(long.Credentials, t0, 43200);
});

test("GetSessionToken: credentials for DurationSeconds that act as the caller", async () => {
  const t0 = Date.now();
  const me = await send(new GetCallerIdentityCommand({}));
  const out = await send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  assertCredentials(out.Credentials, t0, 900);
  const as = await send(new GetCallerIdentityCommand({}), credsOf(out));
  assert.deepEqual([as.Account, as.Arn, as.UserId], [me.Account, me.Arn, me.UserId]);
});

test("GetFederationToken: federated-user ARN and id; its credentials are that federated user", async () => {
  const t0 = Date.now();
  const out = await send(new GetFederationTokenCommand({ Name: FED_NAME, DurationSeconds: 900 }));
  assertCredentials(out.Credentials, t0, 900);
  const arn = `arn:aws:sts::${DEFAULT_ACCOUNT}:federated-user/${FED_NAME}`;
  assert.deepEqual(out.FederatedUser, { FederatedUserId: `${DEFAULT_ACCOUNT}:${FED_NAME}`, Arn: arn });
  const as = await send(new GetCallerIdentityCommand({}), credsOf(out));
  assert.deepEqual([as.Account, as.Arn, as.UserId], [DEFAULT_ACCOUNT, arn, `${DEFAULT_ACCOUNT}:${FED_NAME}`]);
});

test("AssumeRoleWithWebIdentity: sub, aud and iss of the token; credentials of the role", async () => {
  const t0 = Date.now();
  const now = Math.floor(t0 / 1000);
  const out = await send(new AssumeRoleWithWebIdentityCommand({
    RoleArn: WEB_ROLE_ARN, RoleSessionName: "w1", WebIdentityToken: jwt({ ...OIDC, iat: now, exp: now + 3600 }),
  }));
  assertCredentials(out.Credentials, t0, 3600);
  assert.equal(out.SubjectFromWebIdentityToken, OIDC.sub);
  assert.equal(out.Audience, OIDC.aud);
  assert.equal(out.Provider, OIDC.iss);
  assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/web/w1`);
  assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z0-9]{17}:w1$/);
  const as = await send(new GetCallerIdentityCommand({}), credsOf(out));
  assert.deepEqual([as.Account, as.Arn, as.UserId],
    [ROLE_ACCOUNT, out.AssumedRoleUser.Arn, out.AssumedRoleUser.AssumedRoleId]);
});

test("AssumeRoleWithSAML: Subject, SubjectType, Issuer, Audience, NameQualifier as AWS documents", async () => {
  const t0 = Date.now();
  const out = await send(new AssumeRoleWithSAMLCommand({
    RoleArn: SAML_ROLE_ARN, PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: samlAssertion(), DurationSeconds: 1800,
  }));
  assertCredentials(out.Credentials, t0, 1800);
  assert.equal(out.Subject, SAML_SUBJECT);
  assert.equal(out.SubjectType, "persistent");
  assert.equal(out.Issuer, SAML_ISSUER);
  assert.equal(out.Audience, SAML_RECIPIENT);
  // BASE64(SHA1(Issuer + account id + "/" + the SAML provider's name)).
  const nq = createHash("sha1").update(SAML_ISSUER + ROLE_ACCOUNT + "/idp").digest("base64");
  assert.equal(out.NameQualifier, nq);
  assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/saml/${SAML_SESSION}`);
  const as = await send(new GetCallerIdentityCommand({}), credsOf(out));
  assert.deepEqual([as.Account, as.Arn], [ROLE_ACCOUNT, out.AssumedRoleUser.Arn]);
});

test("DecodeAuthorizationMessage: decodes a message; garbage is InvalidAuthorizationMessageException (400)", async () => {
  const encoded = Buffer.from(JSON.stringify(AUTH_MESSAGE)).toString("base64");
  const out = await send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
  assert.deepEqual(JSON.parse(out.DecodedMessage), AUTH_MESSAGE);
  await expectServiceError(send(new DecodeAuthorizationMessageCommand({ EncodedMessage: "not an encoded message!\n" })),
    stsError("InvalidAuthorizationMessageException", 400, { ErrorClass: InvalidAuthorizationMessageException }));
});

test("AssumeRoot: 900 s credentials that are the target account's root user", async () => {
  const t0 = Date.now();
  const out = await send(new AssumeRootCommand({ TargetPrincipal: ROOT_TARGET, TaskPolicyArn: { arn: ROOT_TASK_POLICY } }));
  assertCredentials(out.Credentials, t0, 900);
  const as = await send(new GetCallerIdentityCommand({}), credsOf(out));
  assert.deepEqual([as.Account, as.Arn, as.UserId], [ROOT_TARGET, `arn:aws:iam::${ROOT_TARGET}:root`, ROOT_TARGET]);
});

const VALIDATION = [
  ["AssumeRole DurationSeconds 899",
    new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "v1", DurationSeconds: 899 }),
    oneError(899, "durationSeconds", "Member must have value greater than or equal to 900")],
  ["AssumeRole DurationSeconds 43201",
    new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "v1", DurationSeconds: 43201 }),
    oneError(43201, "durationSeconds", "Member must have value less than or equal to 43200")],
  ["AssumeRole RoleSessionName with a space",
    new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "bad name" }),
    oneError("bad name", "roleSessionName", `Member must satisfy regular expression pattern: ${SESSION_NAME_PATTERN}`)],
  ["GetSessionToken DurationSeconds 899", new GetSessionTokenCommand({ DurationSeconds: 899 }),
    oneError(899, "durationSeconds", "Member must have value greater than or equal to 900")],
  ["GetSessionToken DurationSeconds 129601", new GetSessionTokenCommand({ DurationSeconds: 129601 }),
    oneError(129601, "durationSeconds", "Member must have value less than or equal to 129600")],
  ["GetFederationToken Name of 1", new GetFederationTokenCommand({ Name: "a" }),
    oneError("a", "name", "Member must have length greater than or equal to 2")],
  ["GetFederationToken Name of 33", new GetFederationTokenCommand({ Name: "n".repeat(33) }),
    oneError("n".repeat(33), "name", "Member must have length less than or equal to 32")],
  ["GetFederationToken Name with a space", new GetFederationTokenCommand({ Name: "bad name" }),
    oneError("bad name", "name", `Member must satisfy regular expression pattern: ${SESSION_NAME_PATTERN}`)],
];

for (const [what, command, message] of VALIDATION) {
  test(`ValidationError with AWS's message: ${what}`, async () => {
    await expectServiceError(send(command), stsError("ValidationError", 400, { message }));
  });
}

test("Two violated constraints: one ValidationError listing both", async () => {
  await expectServiceError(
    send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "bad name", DurationSeconds: 899 })),
    stsError("ValidationError", 400, { includes: [
      "2 validation errors detected: ",
      "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      "Value 'bad name' at 'roleSessionName' failed to satisfy constraint: ", "; "] }));
});

test("Policy of 2049 characters where the model allows 2048: ValidationError on 'policy'", async () => {
  const now = Math.floor(Date.now() / 1000);
  const policy = "x".repeat(2049);
  const includes = ["1 validation error detected: Value '",
    "' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048"];
  await expectServiceError(send(new GetFederationTokenCommand({ Name: FED_NAME, Policy: policy })),
    stsError("ValidationError", 400, { includes }));
  await expectServiceError(send(new AssumeRoleWithWebIdentityCommand({
    RoleArn: WEB_ROLE_ARN, RoleSessionName: "w2", WebIdentityToken: jwt({ ...OIDC, iat: now, exp: now + 3600 }),
    Policy: policy,
  })), stsError("ValidationError", 400, { includes }));
});

test("AssumeRole: a policy too large once packed is PackedPolicyTooLarge; one not JSON is MalformedPolicyDocument", async () => {
  const resources = Array.from({ length: 110 }, () => `arn:aws:s3:::bucket-${randomBytes(12).toString("hex")}/*`);
  const big = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: resources }] });
  await expectServiceError(send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "v1", Policy: big })),
    stsError("PackedPolicyTooLarge", 400, { ErrorClass: PackedPolicyTooLargeException }));
  await expectServiceError(send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "v1", Policy: "{not json" })),
    stsError("MalformedPolicyDocument", 400, { ErrorClass: MalformedPolicyDocumentException }));
});
