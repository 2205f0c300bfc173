"""Benchmark scenarios: what rime and its peers answer under load.

A scenario is a few lines: the request rime gets (method, path, headers, body, expected status and
a substring of the expected body) and, per peer server, either None (the peer gets the same request)
or its own Request. A response with another status, or without the substring, counts as an error.

`sign=(service, region)` adds a SigV4 Authorization header (and X-Amz-Date), signed for the target's
Host with the test credentials below, as an SDK sends it. `setup` requests are sent once to each
server before the run (CreateQueue before SendMessage); a setup request that answers 5xx, or whose
`capture` finds nothing, leaves that server out of the scenario. `teardown` requests run after it.

Templates: `{name}` in a path, header or body is replaced by a value: `host` (127.0.0.1:port of the
server), `port`, or one that an earlier request captured (`capture=Capture("queue_url", ...)`).
`{name:url}` is the value percent-encoded (for form bodies). A value captured inside a chain
(below) is filled in per connection while the load runs.

`request` may also be a list of Requests: a chain. Each wrk connection sends them in turn (send,
receive, delete), a capture in one step feeds the next ones (the receipt handle), and a step whose
answer is wrong counts as an error and restarts the chain. The figure is requests/s of the mix;
`chains/s` in the report counts completed chains. Chains run over HTTP/1.1 only (h2load cannot chain).

`prepare(ctx)` runs per server after setup (e.g. fill a queue with 1,000,000 messages); it returns
None, or a reason to leave that server out of the scenario.

Peers: "nginx" (HTTP/1.1, `return 200 'ok'`), "nghttpd" (h2c, serves a static file), "moto"
(moto_server, HTTP/1.1), and npm emulators from tests/bench/peers ("dynalite", "kinesalite",
"s3rver"; installed and started only when a scenario that rime answers names them). Which of them is
also the ceiling (the fastest answer possible on this machine) is decided by bench.py: nginx for
HTTP/1.1, nghttpd for h2c.

If rime answers one of `skip_if_rime_status` (501: service not implemented yet), the scenario is
skipped with a note instead of being measured.
"""

import json
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCOUNT = "123456789012"  # what rime (and moto) make of a non-numeric access key
REGION = "us-east-1"


@dataclass
class Capture:
    """A value read from an answer: after the first `key`, then after the next `open` (empty: right
    after the key), up to the next `close`. Plain substring search, the same in Python and in wrk's Lua."""
    name: str
    key: str
    open: str
    close: str


@dataclass
class Request:
    method: str = "GET"
    path: str = "/"
    headers: dict = field(default_factory=dict)
    body: str = ""
    expect_status: int = 200
    expect_body: Optional[str] = None  # substring the body must contain
    sign: Optional[tuple] = None  # (service, region): add a SigV4 Authorization header
    capture: Optional[Capture] = None


@dataclass
class Scenario:
    name: str
    request: Union[Request, list]  # a list is a chain (see above)
    peers: dict = field(default_factory=dict)  # peer name -> Request (or chain), or None for the same
    protocols: tuple = ("h1",)  # "h1" (wrk) and/or "h2" (h2load, h2c prior knowledge)
    setup: list = field(default_factory=list)
    teardown: list = field(default_factory=list)
    prepare: Optional[Callable] = None
    skip_if_rime_status: tuple = (501,)
    note: str = ""


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
JSON10 = "application/x-amz-json-1.0"


def _form(params):
    """A form body; a value that is exactly a template `{name}` is sent percent-encoded when filled."""
    out = []
    for k, v in params.items():
        v = str(v)
        if v.startswith("{") and v.endswith("}") and v[1:-1].replace("_", "").isalnum():
            out.append(f"{k}={v[:-1]}:url}}")
        else:
            out.append(f"{k}={urllib.parse.quote(v, safe='-_.~')}")
    return "&".join(out)


def _flatten_query(prefix, value, out):
    """awsQuery serialisation of lists and maps as botocore does it (flattened SQS lists)."""
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten_query(f"{prefix}.{k}", v, out)
    elif isinstance(value, list):
        for i, v in enumerate(value, 1):
            _flatten_query(f"{prefix}.{i}", v, out)
    else:
        out[prefix] = value


def field_capture(name, member, protocol):
    """Capture of a string member of a JSON (`"Member": "value"`) or XML (`<Member>value<`) answer."""
    if protocol == "json":
        return Capture(name, f'"{member}"', '"', '"')
    return Capture(name, f"<{member}>", "", "<")


def sqs(action, protocol, expect=None, capture=None, **params):
    """An SQS request in awsJson1_0 (`protocol="json"`, X-Amz-Target AmazonSQS.<action>, what today's
    SDKs send) or awsQuery (`"query"`, the form POST older SDKs send). `expect` is a member name that
    the answer must contain (JSON key or XML element)."""
    if protocol == "json":
        headers = {"Content-Type": JSON10, "X-Amz-Target": f"AmazonSQS.{action}"}
        body = json.dumps(params, separators=(",", ":"))
        want = f'"{expect}"' if expect else None
    else:
        flat = {}
        for k, v in params.items():
            if k == "Entries":  # SendMessageBatch: SendMessageBatchRequestEntry.N.Member
                for i, entry in enumerate(v, 1):
                    _flatten_query(f"SendMessageBatchRequestEntry.{i}", entry, flat)
            elif k == "AttributeNames":
                _flatten_query("AttributeName", v, flat)
            else:
                _flatten_query(k, v, flat)
        headers = dict(FORM)
        body = _form({"Action": action, "Version": "2012-11-05", **flat})
        want = f"<{expect}>" if expect else f"<{action}Response"
    return Request("POST", "/", headers=headers, body=body, expect_body=want, sign=("sqs", REGION),
                   capture=capture)


def sns(action, expect=None, capture=None, **params):
    """An SNS request (awsQuery, the only protocol SNS clients send)."""
    flat = {}
    for k, v in params.items():
        _flatten_query(k, v, flat)
    body = _form({"Action": action, "Version": "2010-03-31", **flat})
    return Request("POST", "/", headers=dict(FORM), body=body,
                   expect_body=f"<{expect}>" if expect else f"<{action}Response", sign=("sns", REGION),
                   capture=capture)


# A realistic small message: an application's JSON event, ~200 bytes. The token is what a receive
# checks for (it survives JSON and XML escaping of the body).
TOKEN = "rime-bench-payload"
MESSAGE = json.dumps({"type": "order.created", "token": TOKEN, "orderId": "0f8fad5b-d9cb-469f-a165-70867728950e",
                      "customer": {"id": 4711, "tier": "gold"}, "items": [{"sku": "A-100", "qty": 2},
                                                                          {"sku": "B-200", "qty": 1}],
                      "total": "59.90", "currency": "EUR"}, separators=(",", ":"))


def sqs_create(queue, protocol):
    return sqs("CreateQueue", protocol, expect="QueueUrl", QueueName=queue,
               capture=field_capture("queue_url", "QueueUrl", protocol))


def sqs_count(ctx, protocol="json"):
    """ApproximateNumberOfMessages of the scenario's queue on ctx's server, or None."""
    cap = (field_capture("n", "ApproximateNumberOfMessages", "json") if protocol == "json" else
           Capture("n", "<Name>ApproximateNumberOfMessages</Name>", "<Value>", "<"))
    req = sqs("GetQueueAttributes", protocol, QueueUrl="{queue_url}",
              AttributeNames=["ApproximateNumberOfMessages"], capture=cap)
    status, body, got = ctx.send(req)
    return int(got["n"]) if status == 200 and got.get("n", "").isdigit() else None


def fill_queue(n, batch_conns=16):
    """prepare(): make the scenario's queue (`{queue_url}`) hold at least n messages, on rime through
    the admin API (PATCH /_rime/state merges messages into the live queue), else with
    SendMessageBatch over several keep-alive connections. moto is left out: at its ~1,000 requests/s
    it would take minutes."""
    def prepare(ctx):
        if ctx.server == "moto":
            return f"filling a queue with {n:,} messages at moto's speed takes minutes"
        have = sqs_count(ctx)
        if have is None:
            return "could not read the queue's ApproximateNumberOfMessages"
        if have < n and ctx.server == "rime":
            t0 = time.monotonic()
            name = ctx.vars["queue_url"].rsplit("/", 1)[1]
            # rime takes admin documents up to 8 MiB (larger bodies spill to disk and get 413)
            run, now_ms, chunk, i = uuid.uuid4().hex[:8], int(time.time() * 1000), 15_000, have
            while i < n:
                k = min(chunk, n - i)
                msgs = [{"messageId": f"{run}-0000-4000-8000-{j:012x}", "body": MESSAGE,
                         "senderId": ACCESS_KEY, "sentTimestamp": now_ms} for j in range(i, i + k)]
                doc = {"format": "rime-state/1",
                       "services": {"sqs": {ACCOUNT: {REGION: {"queues": [{"name": name, "messages": msgs}]}}}}}
                status, body = ctx.admin("PATCH", "/_rime/state", json.dumps(doc, separators=(",", ":")))
                if status != 200:
                    ctx.log(f"admin PATCH answered {status} {body[:120]!r}; falling back to SendMessageBatch")
                    break
                i += k
            have = sqs_count(ctx) or 0
            ctx.log(f"admin fill: {have:,} messages after {time.monotonic() - t0:.1f} s")
        if have < n:
            t0 = time.monotonic()
            entries = [{"Id": f"m{j}", "MessageBody": MESSAGE} for j in range(10)]
            batch = sqs("SendMessageBatch", "json", expect="Successful", QueueUrl="{queue_url}", Entries=entries)
            ctx.load_count(batch, (n - have + 9) // 10, batch_conns)
            have = sqs_count(ctx) or 0
            ctx.log(f"SendMessageBatch fill: {have:,} messages after {time.monotonic() - t0:.1f} s")
        if have < n:
            return f"the queue holds only {have:,} of {n:,} messages"
        return None
    return prepare


def sqs_scenarios(protocol, million=False):
    """SendMessage, and Send+Receive+Delete as a per-connection chain, in one SQS protocol. Each
    scenario gets its own queue, deleted afterwards; with `million`, they share one queue that holds
    1,000,000 messages (filled once, kept: a send adds one, a chain is net zero)."""
    p = protocol
    suffix = f":{p}" + (":1M" if million else "")

    def common(kind):
        queue = "bench-1m" if million else f"bench-{kind}-{p}"
        return dict(setup=[sqs_create(queue, p)], peers={"moto": None},
                    prepare=fill_queue(1_000_000) if million else None,
                    teardown=[] if million else [sqs("DeleteQueue", p, QueueUrl="{queue_url}")])

    send = sqs("SendMessage", p, expect="MessageId", QueueUrl="{queue_url}", MessageBody=MESSAGE)
    receive = sqs("ReceiveMessage", p, QueueUrl="{queue_url}", MaxNumberOfMessages=1, WaitTimeSeconds=0,
                  capture=field_capture("receipt", "ReceiptHandle", p))
    receive.expect_body = TOKEN  # a message with our body, not an empty answer
    delete = sqs("DeleteMessage", p, QueueUrl="{queue_url}", ReceiptHandle="{receipt}")
    if p == "json":
        delete.expect_body = None  # an empty JSON object
    return [
        Scenario(name="sqs-send" + suffix, request=send, protocols=("h1", "h2"), **common("send")),
        Scenario(name="sqs-send-receive-delete" + suffix, request=[send, receive, delete],
                 note="req/s of the 1:1:1 mix", **common("srd")),
    ]


def sns_publish_scenario():
    """SNS Publish to a topic with one SQS subscriber (the default JSON envelope is delivered)."""
    return Scenario(
        name="sns-publish:sqs-subscriber",
        request=sns("Publish", expect="MessageId", TopicArn="{topic_arn}", Message=MESSAGE),
        setup=[sqs_create("bench-sns-target", "json"),
               sqs("GetQueueAttributes", "json", expect="QueueArn", QueueUrl="{queue_url}",
                   AttributeNames=["QueueArn"], capture=field_capture("queue_arn", "QueueArn", "json")),
               sns("CreateTopic", expect="TopicArn", Name="bench-topic",
                   capture=field_capture("topic_arn", "TopicArn", "query")),
               sns("Subscribe", expect="SubscriptionArn", TopicArn="{topic_arn}", Protocol="sqs",
                   Endpoint="{queue_arn}")],
        teardown=[sns("DeleteTopic", TopicArn="{topic_arn}"), sqs("DeleteQueue", "json", QueueUrl="{queue_url}")],
        peers={"moto": None},
    )


SCENARIOS = [
    Scenario(
        name="health",
        request=Request("GET", "/_rime/health", expect_body='"status":"running"'),
        peers={
            "nginx": Request("GET", "/", expect_body="ok"),
            "nghttpd": Request("GET", "/health"),
            # moto has no health endpoint; its small config document is the closest thing
            # (moto 5 answers it with 201).
            "moto": Request("GET", "/moto-api/config", expect_status=201, expect_body="{"),
        },
        protocols=("h1", "h2"),
    ),
    Scenario(
        name="sts-get-caller-identity",
        request=Request(
            "POST", "/", headers=FORM, body="Action=GetCallerIdentity&Version=2011-06-15",
            expect_body="GetCallerIdentityResult", sign=("sts", REGION),
        ),
        peers={"moto": None},
        note="awsQuery POST with a SigV4 Authorization header",
    ),
    *sqs_scenarios("json"),
    *sqs_scenarios("query"),
    sns_publish_scenario(),
    *sqs_scenarios("json", million=True),
    *sqs_scenarios("query", million=True),
    # A later service is a few more lines here, e.g. DynamoDB against dynalite (an npm peer):
    # Scenario(name="dynamodb-get-item",
    #          request=Request("POST", "/", headers={"Content-Type": "application/x-amz-json-1.0",
    #                                                "X-Amz-Target": "DynamoDB_20120810.GetItem"},
    #                          body='{"TableName":"bench","Key":{"pk":{"S":"k1"}}}',
    #                          expect_body='"Item"', sign=("dynamodb", REGION)),
    #          setup=[...CreateTable, PutItem...], peers={"moto": None, "dynalite": None}),
]
