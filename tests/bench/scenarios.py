"""Benchmark scenarios: one request that rime and its peers answer under load.

A scenario is a few lines: the request rime gets (method, path, headers, body, expected status and
a substring of the expected body) and, per peer server, either None (the peer gets the same request)
or its own Request. A response with another status, or without the substring, counts as an error.

`sign=(service, region)` adds a SigV4 Authorization header (and X-Amz-Date), signed for the target's
Host with the test credentials below. `setup` requests are sent once to each server before the run
(e.g. CreateQueue before SendMessage); their answers are not checked beyond "not 5xx".

Peers: "nginx" (HTTP/1.1, `return 200 'ok'`), "nghttpd" (h2c, serves a static file), "moto"
(moto_server, HTTP/1.1). Which of them is also the ceiling (the fastest answer possible on this
machine) is decided by bench.py: nginx for HTTP/1.1, nghttpd for h2c.

If rime answers one of `skip_if_rime_status` (501: service not implemented yet), the scenario is
skipped with a note instead of being measured.
"""

from dataclasses import dataclass, field
from typing import Optional

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@dataclass
class Request:
    method: str = "GET"
    path: str = "/"
    headers: dict = field(default_factory=dict)
    body: str = ""
    expect_status: int = 200
    expect_body: Optional[str] = None  # substring the body must contain
    sign: Optional[tuple] = None  # (service, region): add a SigV4 Authorization header


@dataclass
class Scenario:
    name: str
    request: Request
    peers: dict = field(default_factory=dict)  # peer name -> Request, or None for the same request
    protocols: tuple = ("h1",)  # "h1" (wrk) and/or "h2" (h2load, h2c prior knowledge)
    setup: list = field(default_factory=list)
    skip_if_rime_status: tuple = (501,)
    note: str = ""


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

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
            expect_body="GetCallerIdentityResult", sign=("sts", "us-east-1"),
        ),
        peers={"moto": None},
        note="awsQuery POST with a SigV4 Authorization header",
    ),
    # Example for later issues (SQS SendMessage, JSON protocol):
    # Scenario(
    #     name="sqs-send-message",
    #     request=Request(
    #         "POST", "/", headers={"Content-Type": "application/x-amz-json-1.0",
    #                               "X-Amz-Target": "AmazonSQS.SendMessage"},
    #         body='{"QueueUrl":"http://{host}/123456789012/bench","MessageBody":"hello"}',
    #         expect_body="MessageId", sign=("sqs", "us-east-1")),
    #     setup=[Request("POST", "/", headers={"Content-Type": "application/x-amz-json-1.0",
    #                                          "X-Amz-Target": "AmazonSQS.CreateQueue"},
    #                    body='{"QueueName":"bench"}', sign=("sqs", "us-east-1"))],
    #     peers={"moto": None},
    # ),
]
