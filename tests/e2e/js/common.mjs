// Shared by the *.test.mjs files: the endpoint (RIME_ENDPOINT, set by tests/e2e/test_js_sdk.py),
// client options, a middleware that records what went over the wire, and error assertions.
import assert from "node:assert/strict";

export const ENDPOINT = process.env.RIME_ENDPOINT;
if (!ENDPOINT) throw new Error("RIME_ENDPOINT is not set (run through tests/e2e/test_js_sdk.py)");

export const REGION = "us-east-1";
export const DEFAULT_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/** Client options: the rime endpoint, one attempt (a 5xx is not worth retrying here). */
export function options(extra = {}) {
  return { endpoint: ENDPOINT, region: REGION, credentials: DEFAULT_CREDENTIALS, maxAttempts: 1, ...extra };
}

/** Records each request the client sends (after signing) into the returned array. */
export function recordWire(client) {
  const sent = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const r = args.request;
      sent.push({ method: r.method, path: r.path, headers: { ...r.headers } });
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "rimeRecordWire" },
  );
  return sent;
}

/** The wire protocol of a recorded request (REST ones are told apart by the caller's expectation). */
export function protocolOf(req, service) {
  const h = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ct = h["content-type"] ?? "";
  if (h["smithy-protocol"] === "rpc-v2-cbor") return "rpcv2Cbor";
  if (ct.startsWith("application/x-amz-json-1.0")) return "awsJson1_0";
  if (ct.startsWith("application/x-amz-json-1.1")) return "awsJson1_1";
  if (ct.startsWith("application/x-www-form-urlencoded")) return service === "ec2" ? "ec2Query" : "awsQuery";
  return service === "s3" || service === "route53" ? "restXml" : "restJson1";
}

/**
 * Awaits `promise`, which must reject with the client's service exception: an instance of
 * `ServiceException` (and of `ErrorClass` when given), with `name` (and `Code`, where the protocol
 * carries one) equal to `code` and the HTTP status `status`. Returns the error.
 */
export async function expectServiceError(promise, { code, status, ServiceException, ErrorClass, message, includes }) {
  let err;
  try {
    const out = await promise;
    assert.fail(`expected ${code}, got a result: ${JSON.stringify(out)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  const describe = () => `${err?.constructor?.name} ${err?.name}: ${err?.message} ${JSON.stringify(err)}`;
  assert.ok(err instanceof ServiceException, `not a ${ServiceException.name}: ${describe()}`);
  if (ErrorClass) assert.ok(err instanceof ErrorClass, `not a ${ErrorClass.name}: ${describe()}`);
  assert.equal(err.name, ErrorClass ? ErrorClass.name : code, describe());
  if (err.Code !== undefined) assert.equal(err.Code, code, describe());
  assert.equal(err.$metadata?.httpStatusCode, status, describe());
  if (message !== undefined) assert.equal(err.message, message, describe());
  for (const part of includes ?? []) assert.ok(err.message.includes(part), `${JSON.stringify(part)} not in ${describe()}`);
  return err;
}
