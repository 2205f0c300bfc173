"""Unimplemented operations, one service per wire protocol, through real clients.

DESIGN.md: an operation that no handler implements gets HTTP 501 with the protocol's own error
shape (code `NotImplemented`, message naming the service and operation). The proof that the shape
is right is that each real client raises its ordinary service error for it (botocore's ClientError
with Error.Code "NotImplemented" and HTTP 501; the CLI's "An error occurred (NotImplemented) when
calling the X operation" and exit 254/255), never a parse or connection error.

Clients: boto3 1.26 (Debian, runs this file), boto3 1.43 (pyenv, subprocess), AWS CLI v1 (pyenv,
botocore 1.43) and v2 (Debian, 2.9.19). The JS SDK v3 does the same in js/not_implemented.test.mjs.
Which protocol each client sends is asserted too, so a change of client is noticed:
  - CloudWatch (awsQueryCompatible, like SQS, which is implemented and tested in test_sqs*.py):
    botocore 1.29 and CLI v2 2.9.19 send awsQuery; botocore 1.43 sends awsJson1_0 with
    `x-amzn-query-mode: true`. Its model lists rpcv2Cbor, awsJson1_0, awsQuery, but botocore 1.43 ranks json
    before smithy-rpc-v2-cbor, so it (and CLI v1) send awsJson1_0; botocore 1.29 and CLI v2 send
    awsQuery. rpcv2Cbor is exercised by forcing botocore 1.43's own CBOR codec (see below).
"""
import pytest

from clients import boto_protocol, cli_wire, run_aws, run_boto, run_many, start_module_server

OLD_QUERY_NEW_JSON = {"boto3-old": "awsQuery", "cli-v2": "awsQuery", "boto3-new": "awsJson1_0", "cli-v1": "awsJson1_0"}

# id, boto3 service, boto3 method, CLI args, operation name, protocol sent (one name, or per client)
CASES = [
    ("iam", "iam", "list_users", ["iam", "list-users"], "ListUsers", "awsQuery"),
    ("ec2", "ec2", "describe_regions", ["ec2", "describe-regions"], "DescribeRegions", "ec2Query"),
    ("dynamodb", "dynamodb", "list_tables", ["dynamodb", "list-tables"], "ListTables", "awsJson1_0"),
    ("kms", "kms", "list_keys", ["kms", "list-keys"], "ListKeys", "awsJson1_1"),
    ("lambda", "lambda", "list_functions", ["lambda", "list-functions"], "ListFunctions", "restJson1"),
    ("s3", "s3", "list_buckets", ["s3api", "list-buckets"], "ListBuckets", "restXml"),
    ("route53", "route53", "list_hosted_zones", ["route53", "list-hosted-zones"], "ListHostedZones", "restXml"),
    ("cloudwatch", "cloudwatch", "list_metrics", ["cloudwatch", "list-metrics"], "ListMetrics", OLD_QUERY_NEW_JSON),
]
IDS = [c[0] for c in CASES]
CASE = {c[0]: c for c in CASES}

# botocore 1.43 can speak rpcv2Cbor but never picks it while json is listed: move it to the front
# of botocore's protocol ranking for one CloudWatch client, so its real CBOR serialiser and parser
# meet rime's rpcv2Cbor error.
FORCE_CBOR = '''
import botocore.model as _model
_saved = _model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS
_model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = ("smithy-rpc-v2-cbor",) + tuple(
    p for p in _saved if p != "smithy-rpc-v2-cbor")
try:
    call("cloudwatch-cbor", client("cloudwatch"), "list_metrics")
finally:
    _model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = _saved
'''


def expected_protocol(case_id, who):
    p = CASE[case_id][5]
    return p[who] if isinstance(p, dict) else p


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_module_server(tmp_path_factory.mktemp("rime-not-implemented"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def boto_runs(srv):
    """One subprocess per boto3 flavour runs every case (and, for 1.43, the forced-CBOR call)."""
    cache = {}

    def get(flavour):
        if flavour not in cache:
            body = "\n".join(f"call({cid!r}, client({svc!r}), {op!r})" for cid, svc, op, *_ in CASES)
            if flavour == "new":
                body += "\n" + FORCE_CBOR
            cache[flavour] = run_boto(flavour, srv.url, body)
        return cache[flavour]
    return get


@pytest.fixture(scope="module")
def cli_runs(srv):
    """Every case through one AWS CLI major version, run in parallel with --debug (to see the wire)."""
    cache = {}

    def get(major):
        if major not in cache:
            results = run_many(lambda args: run_aws(major, srv.url, ["--debug", *args]), [(c[3],) for c in CASES])
            cache[major] = dict(zip(IDS, results))
        return cache[major]
    return get


def assert_not_implemented(rec, op, where):
    assert rec["kind"] == "ClientError", f"{where}: not a service error: {rec}"
    assert rec["code"] == "NotImplemented", f"{where}: {rec}"
    assert rec["status"] == 501, f"{where}: {rec}"
    assert op in (rec["message"] or ""), f"{where}: message should name the operation: {rec}"


@pytest.mark.parametrize("case_id", IDS)
@pytest.mark.parametrize("flavour", ["old", "new"])
def test_boto3_raises_client_error_501(boto_runs, flavour, case_id):
    """boto3 (1.26 and 1.43) parses rime's 501 in each protocol as ClientError NotImplemented."""
    out = boto_runs(flavour)
    assert "script_error" not in out, out["script_error"]
    rec = out["calls"][case_id]
    _, svc, _, _, op, _ = CASE[case_id]
    where = f"boto3 {out['boto3']} {svc}"
    assert_not_implemented(rec, op, where)
    assert boto_protocol(rec, svc) == expected_protocol(case_id, f"boto3-{flavour}"), (where, rec["sent"])


def test_boto3_rpcv2cbor_raises_client_error_501(boto_runs):
    """botocore 1.43's own rpcv2Cbor codec (forced for CloudWatch) gets ClientError NotImplemented, 501."""
    out = boto_runs("new")
    assert "script_error" not in out, out["script_error"]
    rec = out["calls"]["cloudwatch-cbor"]
    assert rec["sent"] and rec["sent"][-1]["headers"].get("smithy-protocol") == "rpc-v2-cbor", rec["sent"]
    assert rec["sent"][-1]["url"].endswith("/service/GraniteServiceVersion20100801/operation/ListMetrics"), rec
    assert rec["received"] and rec["received"][-1]["headers"].get("smithy-protocol") == "rpc-v2-cbor", rec
    assert_not_implemented(rec, "ListMetrics", "boto3 1.43 cloudwatch (rpcv2Cbor)")


@pytest.mark.parametrize("case_id", ["cloudwatch"])
def test_boto3_query_compatible_error_header(boto_runs, case_id):
    """awsQueryCompatible services over awsJson1_0 (botocore 1.43 marks SQS and CloudWatch so) send
    x-amzn-query-mode; the error must carry x-amzn-query-error "Code;Sender|Receiver" as AWS's does."""
    rec = boto_runs("new")["calls"][case_id]
    assert rec["sent"][-1]["headers"].get("x-amzn-query-mode") == "true", rec["sent"]
    header = rec["received"][-1]["headers"].get("x-amzn-query-error", "")
    assert header in ("NotImplemented;Sender", "NotImplemented;Receiver"), rec["received"]


# AWS CLI return codes (docs "Return codes"): v2 exits 254 when the service returned an error,
# v1 exits 255 for any failed command.
CLI_RC = {1: 255, 2: 254}


@pytest.mark.parametrize("case_id", IDS)
@pytest.mark.parametrize("major", [1, 2])
def test_cli_reports_not_implemented(cli_runs, major, case_id):
    """AWS CLI v1 and v2 report the service error NotImplemented (HTTP 501) for each protocol."""
    res = cli_runs(major)[case_id]
    _, svc, _, _, op, _ = CASE[case_id]
    assert res.rc == CLI_RC[major], res
    assert f"An error occurred (NotImplemented) when calling the {op} operation" in res.stderr, res
    protocol, headers, status = cli_wire(res.stderr, svc)
    assert status == 501, res
    assert protocol == expected_protocol(case_id, f"cli-v{major}"), (protocol, headers)
