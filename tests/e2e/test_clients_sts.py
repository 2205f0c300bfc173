"""STS end to end with real clients: boto3 1.26 and 1.43, AWS CLI v1 and v2 (the JS SDK v3 runs the
same scenarios in js/sts.test.mjs).

What is asserted is what AWS documents for STS (API reference, IAM user guide):
  - GetCallerIdentity reports the caller: a 12-digit access key id is its account; credentials that
    STS issued report the identity they were issued for (assumed-role, federated-user, root) and
    land in that identity's account.
  - AssumeRole / AssumeRoleWithWebIdentity / AssumeRoleWithSAML return temporary credentials
    (AccessKeyId "ASIA" + 16, 40-character secret, session token, Expiration = now + DurationSeconds,
    default 3600) and AssumedRoleUser {Arn arn:aws:sts::<role account>:assumed-role/<role>/<session>,
    AssumedRoleId "AROA...:<session>"}.
  - Validation as the model's constraints say, with AWS's message style
    ("1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: ...").
Every client must get the same results; one batch of calls per client keeps this file quick.

Notes on the model (../shared/aws-models/sts.json): AssumeRole's Policy is
`unrestrictedSessionPolicyDocumentType` (length >= 1, no maximum), unlike GetFederationToken's and
AssumeRoleWith*'s (1..2048); so the 2,048-character limit is tested on GetFederationToken and
AssumeRoleWithWebIdentity, and an oversized AssumeRole policy must fail on the packed size
(PackedPolicyTooLarge). botocore validates minimum lengths and ranges itself, so calls meant to
reach the server with such values use a client with parameter_validation off; the CLI cannot turn
that off, so it gets only the maximum and pattern cases.
"""
import base64
import datetime
import hashlib
import json
import re
import secrets
import time

import pytest

from clients import cli_outcome, parse_time, run_aws, run_boto, run_many, start_module_server

DEFAULT_ACCOUNT = "123456789012"
ROLE_ACCOUNT = "111122223333"
ROOT_TARGET = "444455556666"
ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/demo"
ASSUMED_ARN = f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/demo/s1"
WEB_ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/web"
SAML_ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/saml"
SAML_PROVIDER_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:saml-provider/idp"
SAML_ISSUER = "https://idp.example.com/saml"
SAML_SUBJECT = "saml-subject-42"
SAML_SESSION = "saml-user@example.com"
SAML_RECIPIENT = "https://signin.aws.amazon.com/saml"
OIDC_ISS = "https://oidc.example.com"
OIDC_SUB = "user-123"
OIDC_AUD = "client-abc"
FED_NAME = "feduser"
ROOT_TASK_POLICY = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
SMALL_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]})
SESSION_NAME_PATTERN = r"[\w+=,.@-]*"
SLACK = 120  # seconds of tolerance on Expiration (a loaded machine, CLI start-up)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims):
    """An OpenID Connect ID token as a client holds it: header.payload.signature (unverifiable here)."""
    header = {"alg": "RS256", "typ": "JWT", "kid": "rime-e2e"}
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()),
                     b64url(b"signature-not-checked")])


def make_saml_assertion(duration_attr=None):
    """A minimal SAML 2.0 Response, base64 as an IdP posts it: Issuer, NameID (persistent), the
    Recipient AWS reports as Audience, and AWS's Role and RoleSessionName attributes."""
    now = datetime.datetime.now(datetime.timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    issued, until = now.strftime(fmt), (now + datetime.timedelta(minutes=5)).strftime(fmt)
    extra = ""
    if duration_attr:
        extra = (f'<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">'
                 f'<saml:AttributeValue>{duration_attr}</saml:AttributeValue></saml:Attribute>')
    xml = f'''<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
    ID="_resp1" Version="2.0" IssueInstant="{issued}" Destination="{SAML_RECIPIENT}">
  <saml:Issuer>{SAML_ISSUER}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ID="_assert1" Version="2.0" IssueInstant="{issued}">
    <saml:Issuer>{SAML_ISSUER}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{SAML_SUBJECT}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{SAML_RECIPIENT}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{issued}" NotOnOrAfter="{until}">
      <saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="{issued}" SessionIndex="_session1">
      <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
    </saml:AuthnStatement>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml:AttributeValue>{SAML_ROLE_ARN},{SAML_PROVIDER_ARN}</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml:AttributeValue>{SAML_SESSION}</saml:AttributeValue>
      </saml:Attribute>{extra}
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>'''
    return base64.b64encode(xml.encode()).decode()


def name_qualifier(issuer, account, provider_arn):
    """AWS: NameQualifier = BASE64(SHA1(Issuer + account id + "/" + SAML provider's friendly name))."""
    return base64.b64encode(hashlib.sha1((issuer + account + "/" + provider_arn.rsplit("/", 1)[1]).encode())
                            .digest()).decode()


# An authorization-failure message as DecodeAuthorizationMessage returns it (AWS's documented JSON).
# AWS's encoded form is opaque; rime's is this JSON in base64, which is what the test hands in.
AUTH_MESSAGE = {"allowed": False, "explicitDeny": False, "matchedStatements": {"items": []},
                "failures": {"items": []},
                "context": {"principal": {"id": "AIDAEXAMPLE", "name": "alice",
                                          "arn": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/alice"},
                            "action": "ec2:RunInstances",
                            "resource": f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:instance/*",
                            "conditions": {"items": []}}}


def big_policy():
    """A valid JSON policy of ~6,000 characters of high-entropy ARNs: no packing fits it in AWS's limit."""
    resources = [f"arn:aws:s3:::bucket-{secrets.token_hex(12)}/*" for _ in range(110)]
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}]})


def params():
    now = int(time.time())
    return {
        "role_arn": ROLE_ARN, "web_role_arn": WEB_ROLE_ARN, "saml_role_arn": SAML_ROLE_ARN,
        "saml_provider_arn": SAML_PROVIDER_ARN, "saml": make_saml_assertion(),
        "jwt": make_jwt({"iss": OIDC_ISS, "sub": OIDC_SUB, "aud": OIDC_AUD, "iat": now, "exp": now + 3600}),
        "small_policy": SMALL_POLICY, "big_policy": big_policy(), "policy_2049": "x" * 2049,
        "fed_name": FED_NAME, "long_name": "n" * 33, "role_account": ROLE_ACCOUNT,
        "root_target": ROOT_TARGET, "root_task_policy": ROOT_TASK_POLICY,
        "auth_message": base64.b64encode(json.dumps(AUTH_MESSAGE).encode()).decode(),
    }


# ----------------------------------------------------------------------------------------------
# The batches: one boto3 subprocess per flavour, two parallel waves of CLI processes per CLI
# ----------------------------------------------------------------------------------------------

BOTO_BODY = r'''
P = json.loads(PARAMS)
T0 = time.time()
OUT["t0"] = T0
sts = client("sts")
raw = client("sts", validate=False)   # lets out-of-range values reach the server

call("caller_default", sts, "get_caller_identity")
call("caller_12digit", client("sts", key=P["role_account"]), "get_caller_identity")

def as_client(rec):
    c = rec["result"]["Credentials"]
    return client("sts", key=c["AccessKeyId"], secret=c["SecretAccessKey"], token=c["SessionToken"])

def after(dep, label):
    if not OUT["calls"][dep]["ok"]:
        OUT["calls"][label] = {"ok": False, "kind": "dependency-failed", "message": dep + " failed"}
        return False
    return True

r = call("assume_role", sts, "assume_role", RoleArn=P["role_arn"], RoleSessionName="s1")
if after("assume_role", "caller_as_role"):
    role = as_client(r)
    call("caller_as_role", role, "get_caller_identity")
    call("role_chaining_7200", role, "assume_role", RoleArn=P["role_arn"], RoleSessionName="s2",
         DurationSeconds=7200)
if after("assume_role", "access_key_info_role"):
    call("access_key_info_role", sts, "get_access_key_info",
         AccessKeyId=r["result"]["Credentials"]["AccessKeyId"])
call("assume_role_900_policy", sts, "assume_role", RoleArn=P["role_arn"], RoleSessionName="s3",
     DurationSeconds=900, Policy=P["small_policy"])
call("assume_role_43200", sts, "assume_role", RoleArn=P["role_arn"], RoleSessionName="s4", DurationSeconds=43200)

r = call("session_token", sts, "get_session_token", DurationSeconds=900)
if after("session_token", "caller_as_session"):
    call("caller_as_session", as_client(r), "get_caller_identity")

r = call("federation", sts, "get_federation_token", Name=P["fed_name"], DurationSeconds=900)
if after("federation", "caller_as_federated"):
    call("caller_as_federated", as_client(r), "get_caller_identity")

r = call("web_identity", sts, "assume_role_with_web_identity", RoleArn=P["web_role_arn"],
         RoleSessionName="w1", WebIdentityToken=P["jwt"])
if after("web_identity", "caller_as_web"):
    call("caller_as_web", as_client(r), "get_caller_identity")

r = call("saml", sts, "assume_role_with_saml", RoleArn=P["saml_role_arn"], PrincipalArn=P["saml_provider_arn"],
         SAMLAssertion=P["saml"], DurationSeconds=1800)
if after("saml", "caller_as_saml"):
    call("caller_as_saml", as_client(r), "get_caller_identity")

call("decode", sts, "decode_authorization_message", EncodedMessage=P["auth_message"])
call("decode_invalid", sts, "decode_authorization_message", EncodedMessage="not an encoded message!\n")

if hasattr(sts, "assume_root"):
    r = call("assume_root", sts, "assume_root", TargetPrincipal=P["root_target"],
             TaskPolicyArn={"arn": P["root_task_policy"]})
    if after("assume_root", "caller_as_root"):
        call("caller_as_root", as_client(r), "get_caller_identity")
else:
    for label in ("assume_root", "caller_as_root"):
        unavailable(label, "botocore %s has no AssumeRoot" % botocore.__version__)

# Validation (the server's, not botocore's: `raw` skips botocore's minimum checks).
call("ar_duration_899", raw, "assume_role", RoleArn=P["role_arn"], RoleSessionName="v1", DurationSeconds=899)
call("ar_duration_43201", sts, "assume_role", RoleArn=P["role_arn"], RoleSessionName="v1", DurationSeconds=43201)
call("ar_session_space", sts, "assume_role", RoleArn=P["role_arn"], RoleSessionName="bad name")
call("ar_two_errors", raw, "assume_role", RoleArn=P["role_arn"], RoleSessionName="bad name", DurationSeconds=899)
call("ar_policy_packed", sts, "assume_role", RoleArn=P["role_arn"], RoleSessionName="v1", Policy=P["big_policy"])
call("ar_policy_malformed", sts, "assume_role", RoleArn=P["role_arn"], RoleSessionName="v1", Policy="{not json")
call("gst_duration_899", raw, "get_session_token", DurationSeconds=899)
call("gst_duration_129601", sts, "get_session_token", DurationSeconds=129601)
call("gft_name_short", raw, "get_federation_token", Name="a")
call("gft_name_long", sts, "get_federation_token", Name=P["long_name"])
call("gft_name_pattern", sts, "get_federation_token", Name="bad name")
call("gft_policy_2049", sts, "get_federation_token", Name=P["fed_name"], Policy=P["policy_2049"])
call("web_policy_2049", sts, "assume_role_with_web_identity", RoleArn=P["web_role_arn"], RoleSessionName="w2",
     WebIdentityToken=P["jwt"], Policy=P["policy_2049"])
'''


def cli_jobs_wave1(p):
    """label -> (CLI args, access key) for the CLI's calls that need nothing from another call.

    Each CLI process costs 1-2 s of CPU, so the CLIs get every operation once and a few server-side
    validation errors; the other limits are the same server code, covered by both boto3s and JS."""
    role, web, saml = p["role_arn"], p["web_role_arn"], p["saml_role_arn"]
    return {
        "caller_default": (["sts", "get-caller-identity"], None),
        "caller_12digit": (["sts", "get-caller-identity"], ROLE_ACCOUNT),
        "assume_role": (["sts", "assume-role", "--role-arn", role, "--role-session-name", "s1"], None),
        "assume_role_900_policy": (["sts", "assume-role", "--role-arn", role, "--role-session-name", "s3",
                                    "--duration-seconds", "900", "--policy", p["small_policy"]], None),
        "session_token": (["sts", "get-session-token", "--duration-seconds", "900"], None),
        "federation": (["sts", "get-federation-token", "--name", FED_NAME, "--duration-seconds", "900"], None),
        "web_identity": (["sts", "assume-role-with-web-identity", "--role-arn", web, "--role-session-name", "w1",
                          "--web-identity-token", p["jwt"]], None),
        "saml": (["sts", "assume-role-with-saml", "--role-arn", saml, "--principal-arn", p["saml_provider_arn"],
                  "--saml-assertion", p["saml"], "--duration-seconds", "1800"], None),
        "decode": (["sts", "decode-authorization-message", "--encoded-message", p["auth_message"]], None),
        "decode_invalid": (["sts", "decode-authorization-message", "--encoded-message", "not an encoded message!"],
                           None),
        "assume_root": (["sts", "assume-root", "--target-principal", ROOT_TARGET,
                         "--task-policy-arn", f"arn={ROOT_TASK_POLICY}"], None),
        "ar_duration_43201": (["sts", "assume-role", "--role-arn", role, "--role-session-name", "v1",
                               "--duration-seconds", "43201"], None),
        "ar_session_space": (["sts", "assume-role", "--role-arn", role, "--role-session-name", "bad name"], None),
        "gft_policy_2049": (["sts", "get-federation-token", "--name", FED_NAME, "--policy", p["policy_2049"]], None),
    }


# label -> the wave-1 call whose credentials it uses (None: default credentials) and its CLI args
CLI_WAVE2 = {
    "caller_as_role": ("assume_role", ["sts", "get-caller-identity"]),
    "access_key_info_role": (None, None),  # built from assume_role's key below
    "caller_as_session": ("session_token", ["sts", "get-caller-identity"]),
    "caller_as_federated": ("federation", ["sts", "get-caller-identity"]),
    "caller_as_web": ("web_identity", ["sts", "get-caller-identity"]),
    "caller_as_saml": ("saml", ["sts", "get-caller-identity"]),
    "caller_as_root": ("assume_root", ["sts", "get-caller-identity"]),
}


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_module_server(tmp_path_factory.mktemp("rime-sts"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def p():
    return params()


@pytest.fixture(scope="module")
def runs(srv, p):
    """client name -> {"t0": start time, "calls": {label: outcome}}, each client run once, lazily."""
    cache = {}

    def boto(flavour):
        body = "import time\nPARAMS = " + repr(json.dumps(p)) + "\n" + BOTO_BODY
        out = run_boto(flavour, srv.url, body, timeout=120)
        assert "script_error" not in out, f"boto3 {flavour} script raised:\n{out['script_error']}"
        return out

    def cli(major):
        t0 = time.time()
        wave1 = cli_jobs_wave1(p)
        labels = list(wave1)
        results = run_many(lambda args, key: run_aws(major, srv.url, args, key=key or "test"),
                           [wave1[label] for label in labels])
        calls = {label: cli_outcome(res) for label, res in zip(labels, results)}
        calls["assume_root_raw"] = results[labels.index("assume_root")]
        jobs, labels2 = [], []
        for label, (dep, args) in CLI_WAVE2.items():
            if label == "access_key_info_role":
                dep_rec = calls["assume_role"]
                if dep_rec["ok"]:
                    key = dep_rec["result"]["Credentials"]["AccessKeyId"]
                    jobs.append((["sts", "get-access-key-info", "--access-key-id", key], {}))
                    labels2.append(label)
                else:
                    calls[label] = {"ok": False, "kind": "dependency-failed", "message": "assume_role failed"}
                continue
            dep_rec = calls[dep]
            if not dep_rec["ok"]:
                calls[label] = {"ok": False, "kind": "dependency-failed", "message": f"{dep} failed"}
                continue
            c = dep_rec["result"]["Credentials"]
            jobs.append((args, {"key": c["AccessKeyId"], "secret": c["SecretAccessKey"], "token": c["SessionToken"]}))
            labels2.append(label)
        results2 = run_many(lambda args, creds: run_aws(major, srv.url, args, **creds), jobs)
        calls.update({label: cli_outcome(res) for label, res in zip(labels2, results2)})
        return {"t0": t0, "calls": calls}

    def get(name):
        if name not in cache:
            kind, _, version = name.partition("-")
            cache[name] = boto(version) if kind == "boto3" else cli(int(version[1:]))
        return cache[name]
    return get


CLIENTS = ["boto3-old", "boto3-new", "cli-v1", "cli-v2"]
BOTO3 = ["boto3-old", "boto3-new"]
# The CLIs run a subset (see cli_jobs_wave1). Some calls they cannot make at all: their botocore
# checks minimum lengths and ranges itself, with no switch to turn that off (ar_duration_899 etc.).
CLI_LABELS = set(cli_jobs_wave1(params())) | set(CLI_WAVE2)


def clients_for(*labels):
    """The clients that make every one of these calls."""
    return [c for c in CLIENTS if c.startswith("boto3") or all(lb in CLI_LABELS for lb in labels)]


def client_label_params(labels):
    return [pytest.param(c, lb, id=f"{c}-{lb}") for lb in labels for c in clients_for(lb)]


def outcome(runs, client, label):
    run = runs(client)
    rec = run["calls"].get(label)
    assert rec is not None, f"{client} did not run {label}"
    if rec.get("kind") == "unavailable":
        pytest.skip(rec["message"])
    if client == "cli-v2" and label in ("assume_root", "caller_as_root") and not rec["ok"] and \
            "Invalid choice" in runs(client)["calls"]["assume_root_raw"].stderr:
        pytest.skip("AWS CLI 2.9.19 has no `sts assume-root` (added in 2.22)")
    return run, rec


def ok(rec, what):
    assert rec["ok"], f"{what} failed: {json.dumps({k: v for k, v in rec.items() if k != 'sent'}, default=str)[:3000]}"
    return rec["result"]


def assert_credentials(creds, t0, duration):
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["AccessKeyId"]), creds
    assert len(creds["SecretAccessKey"]) == 40, creds
    assert creds["SessionToken"], creds
    expires = parse_time(creds["Expiration"]).timestamp()
    assert abs(expires - (t0 + duration)) <= SLACK, (creds["Expiration"], t0, duration)


def assert_error(rec, code, status, message=None, contains=()):
    assert not rec["ok"], f"expected {code}, got success: {rec.get('result')}"
    assert rec["kind"] == "ClientError", f"not a service error: {rec}"
    assert rec["code"] == code, rec
    if rec.get("status") is not None:
        assert rec["status"] == status, rec
    if message is not None:
        assert rec["message"] == message, rec
    for part in contains:
        assert part in rec["message"], (part, rec)


# ----------------------------------------------------------------------------------------------
# Identity
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", CLIENTS)
def test_caller_identity_default_account(runs, client):
    """Default credentials (test/test) are the default account 123456789012."""
    _, rec = outcome(runs, client, "caller_default")
    res = ok(rec, "GetCallerIdentity")
    assert res["Account"] == DEFAULT_ACCOUNT
    assert res["Arn"].startswith("arn:aws:") and f"::{DEFAULT_ACCOUNT}:" in res["Arn"], res
    assert res["UserId"], res


@pytest.mark.parametrize("client", CLIENTS)
def test_caller_identity_twelve_digit_key(runs, client):
    """A 12-digit access key id is that account (DESIGN.md)."""
    _, rec = outcome(runs, client, "caller_12digit")
    res = ok(rec, "GetCallerIdentity")
    assert res["Account"] == ROLE_ACCOUNT
    assert f"::{ROLE_ACCOUNT}:" in res["Arn"] and res["UserId"], res


# ----------------------------------------------------------------------------------------------
# AssumeRole and the identity its credentials carry
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", CLIENTS)
def test_assume_role(runs, client):
    """AssumeRole returns ASIA credentials for 3600 s and the assumed-role user of the role's account."""
    run, rec = outcome(runs, client, "assume_role")
    res = ok(rec, "AssumeRole")
    assert_credentials(res["Credentials"], run["t0"], 3600)
    assert res["AssumedRoleUser"]["Arn"] == ASSUMED_ARN
    assert re.fullmatch(r"AROA[A-Z0-9]{17}:s1", res["AssumedRoleUser"]["AssumedRoleId"]), res["AssumedRoleUser"]


@pytest.mark.parametrize("client", CLIENTS)
def test_assumed_role_credentials_are_the_role(runs, client):
    """A call signed with AssumeRole's credentials is the assumed role, in the role's account."""
    run, rec = outcome(runs, client, "caller_as_role")
    res = ok(rec, "GetCallerIdentity with the role's credentials")
    assumed = run["calls"]["assume_role"]["result"]["AssumedRoleUser"]
    assert res == {**res, "Account": ROLE_ACCOUNT, "Arn": ASSUMED_ARN, "UserId": assumed["AssumedRoleId"]}


def test_assumed_role_calls_land_in_the_role_account(rime):
    """A call signed with assumed-role credentials is scoped to the role's account (admin state shows it)."""
    import boto3  # Debian's boto3 1.26, in process: this test needs its own fresh server
    from conftest import RIME_BIN, get_state

    server = rime(binary=RIME_BIN)
    account = "222233334444"

    def sts(**creds):
        return boto3.session.Session().client(
            "sts", endpoint_url=server.url, region_name="eu-west-1",
            aws_access_key_id=creds.get("key", "test"), aws_secret_access_key=creds.get("secret", "test"),
            aws_session_token=creds.get("token"))

    c = sts().assume_role(RoleArn=f"arn:aws:iam::{account}:role/lander", RoleSessionName="first")["Credentials"]
    role = sts(key=c["AccessKeyId"], secret=c["SecretAccessKey"], token=c["SessionToken"])
    chained = role.assume_role(RoleArn=f"arn:aws:iam::{account}:role/lander", RoleSessionName="second")
    assert chained["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/lander/second"
    assert role.get_caller_identity()["Account"] == account
    scopes = get_state(server, service="sts")["services"].get("sts", {})
    assert "eu-west-1" in scopes.get(account, {}), json.dumps(scopes)[:2000]


@pytest.mark.parametrize("client", CLIENTS)
def test_access_key_info_of_assumed_role_key(runs, client):
    """GetAccessKeyInfo of a key AssumeRole issued names the role's account."""
    _, rec = outcome(runs, client, "access_key_info_role")
    assert ok(rec, "GetAccessKeyInfo")["Account"] == ROLE_ACCOUNT


@pytest.mark.parametrize("client", CLIENTS)
def test_assume_role_duration_and_session_policy(runs, client):
    """DurationSeconds sets Expiration; a session policy makes the response report PackedPolicySize."""
    run, rec = outcome(runs, client, "assume_role_900_policy")
    res = ok(rec, "AssumeRole 900 s with a policy")
    assert_credentials(res["Credentials"], run["t0"], 900)
    assert res["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/demo/s3"
    assert isinstance(res.get("PackedPolicySize"), int) and 0 < res["PackedPolicySize"] <= 100, res


@pytest.mark.parametrize("client", clients_for("assume_role_43200"))
def test_assume_role_maximum_duration(runs, client):
    """43200 s, the model's maximum, is accepted (no IAM role limits it in rime)."""
    run, rec = outcome(runs, client, "assume_role_43200")
    assert_credentials(ok(rec, "AssumeRole 43200 s")["Credentials"], run["t0"], 43200)


@pytest.mark.parametrize("client", clients_for("role_chaining_7200"))
def test_role_chaining_limited_to_one_hour(runs, client):
    """AWS: with role chaining, a DurationSeconds over one hour fails (ValidationError)."""
    _, rec = outcome(runs, client, "role_chaining_7200")
    assert_error(rec, "ValidationError", 400)


# ----------------------------------------------------------------------------------------------
# GetSessionToken, GetFederationToken
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", CLIENTS)
def test_session_token_acts_as_caller(runs, client):
    """GetSessionToken returns credentials for DurationSeconds that act as the caller itself."""
    run, rec = outcome(runs, client, "session_token")
    assert_credentials(ok(rec, "GetSessionToken")["Credentials"], run["t0"], 900)
    _, rec = outcome(runs, client, "caller_as_session")
    res = ok(rec, "GetCallerIdentity with session-token credentials")
    caller = ok(run["calls"]["caller_default"], "GetCallerIdentity")
    assert (res["Account"], res["Arn"], res["UserId"]) == (caller["Account"], caller["Arn"], caller["UserId"])


@pytest.mark.parametrize("client", CLIENTS)
def test_federation_token(runs, client):
    """GetFederationToken returns the federated user arn:aws:sts::<acct>:federated-user/<name>, id <acct>:<name>."""
    run, rec = outcome(runs, client, "federation")
    res = ok(rec, "GetFederationToken")
    assert_credentials(res["Credentials"], run["t0"], 900)
    assert res["FederatedUser"] == {"FederatedUserId": f"{DEFAULT_ACCOUNT}:{FED_NAME}",
                                    "Arn": f"arn:aws:sts::{DEFAULT_ACCOUNT}:federated-user/{FED_NAME}"}
    _, rec = outcome(runs, client, "caller_as_federated")
    res = ok(rec, "GetCallerIdentity with federation credentials")
    assert res == {**res, "Account": DEFAULT_ACCOUNT, "UserId": f"{DEFAULT_ACCOUNT}:{FED_NAME}",
                   "Arn": f"arn:aws:sts::{DEFAULT_ACCOUNT}:federated-user/{FED_NAME}"}


# ----------------------------------------------------------------------------------------------
# Web identity and SAML (unsigned requests: AWS clients send them without SigV4)
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", CLIENTS)
def test_assume_role_with_web_identity(runs, client):
    """AssumeRoleWithWebIdentity reports the token's sub, aud and iss, and credentials of the role."""
    run, rec = outcome(runs, client, "web_identity")
    res = ok(rec, "AssumeRoleWithWebIdentity")
    assert_credentials(res["Credentials"], run["t0"], 3600)
    assert res["SubjectFromWebIdentityToken"] == OIDC_SUB
    assert res["Audience"] == OIDC_AUD
    assert res["Provider"] == OIDC_ISS
    assert res["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/web/w1"
    assert re.fullmatch(r"AROA[A-Z0-9]{17}:w1", res["AssumedRoleUser"]["AssumedRoleId"]), res
    _, rec = outcome(runs, client, "caller_as_web")
    res2 = ok(rec, "GetCallerIdentity with web-identity credentials")
    assert (res2["Account"], res2["Arn"], res2["UserId"]) == (
        ROLE_ACCOUNT, res["AssumedRoleUser"]["Arn"], res["AssumedRoleUser"]["AssumedRoleId"])


@pytest.mark.parametrize("client", BOTO3)
def test_web_identity_and_saml_are_sent_unsigned(runs, client):
    """These two calls reach rime without SigV4 (the SDKs send them unauthenticated), so only the
    form body (Action=AssumeRoleWith...&Version=2011-06-15) can route them to STS."""
    run = runs(client)
    for label in ("web_identity", "saml"):
        sent = run["calls"][label]["sent"][-1]
        assert sent["credential"] is None and "Action=AssumeRoleWith" in (sent["body"] or ""), sent


@pytest.mark.parametrize("client", CLIENTS)
def test_assume_role_with_saml(runs, client):
    """AssumeRoleWithSAML reports Subject, SubjectType, Issuer, Audience (Recipient), NameQualifier as documented."""
    run, rec = outcome(runs, client, "saml")
    res = ok(rec, "AssumeRoleWithSAML")
    assert_credentials(res["Credentials"], run["t0"], 1800)
    assert res["Subject"] == SAML_SUBJECT
    assert res["SubjectType"] == "persistent"
    assert res["Issuer"] == SAML_ISSUER
    assert res["Audience"] == SAML_RECIPIENT
    assert res["NameQualifier"] == name_qualifier(SAML_ISSUER, ROLE_ACCOUNT, SAML_PROVIDER_ARN)
    assert res["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/saml/{SAML_SESSION}"
    _, rec = outcome(runs, client, "caller_as_saml")
    res2 = ok(rec, "GetCallerIdentity with SAML credentials")
    assert (res2["Account"], res2["Arn"]) == (ROLE_ACCOUNT, res["AssumedRoleUser"]["Arn"])


# ----------------------------------------------------------------------------------------------
# DecodeAuthorizationMessage, AssumeRoot
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", CLIENTS)
def test_decode_authorization_message(runs, client):
    """DecodeAuthorizationMessage returns the decoded JSON; garbage is InvalidAuthorizationMessageException (400)."""
    _, rec = outcome(runs, client, "decode")
    assert json.loads(ok(rec, "DecodeAuthorizationMessage")["DecodedMessage"]) == AUTH_MESSAGE
    _, rec = outcome(runs, client, "decode_invalid")
    assert_error(rec, "InvalidAuthorizationMessageException", 400)


@pytest.mark.parametrize("client", CLIENTS)
def test_assume_root(runs, client):
    """AssumeRoot returns credentials for 900 s (default) that are the target account's root user."""
    run, rec = outcome(runs, client, "assume_root")
    assert_credentials(ok(rec, "AssumeRoot")["Credentials"], run["t0"], 900)
    _, rec = outcome(runs, client, "caller_as_root")
    res = ok(rec, "GetCallerIdentity with AssumeRoot credentials")
    assert (res["Account"], res["Arn"], res["UserId"]) == (ROOT_TARGET, f"arn:aws:iam::{ROOT_TARGET}:root",
                                                           ROOT_TARGET)


# ----------------------------------------------------------------------------------------------
# Validation: the model's constraints, AWS's error code and message
# ----------------------------------------------------------------------------------------------

def one_error(value, member, constraint):
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"


VALIDATION = [
    ("ar_duration_899", one_error(899, "durationSeconds", "Member must have value greater than or equal to 900")),
    ("ar_duration_43201", one_error(43201, "durationSeconds", "Member must have value less than or equal to 43200")),
    ("ar_session_space", one_error("bad name", "roleSessionName",
                                   f"Member must satisfy regular expression pattern: {SESSION_NAME_PATTERN}")),
    ("gst_duration_899", one_error(899, "durationSeconds", "Member must have value greater than or equal to 900")),
    ("gst_duration_129601", one_error(129601, "durationSeconds",
                                      "Member must have value less than or equal to 129600")),
    ("gft_name_short", one_error("a", "name", "Member must have length greater than or equal to 2")),
    ("gft_name_long", one_error("n" * 33, "name", "Member must have length less than or equal to 32")),
    ("gft_name_pattern", one_error("bad name", "name",
                                   f"Member must satisfy regular expression pattern: {SESSION_NAME_PATTERN}")),
]


@pytest.mark.parametrize("client,label", client_label_params([v[0] for v in VALIDATION]))
def test_validation_error(runs, client, label):
    """Out-of-range DurationSeconds, bad names: ValidationError (400) with AWS's exact message."""
    message = dict(VALIDATION)[label]
    _, rec = outcome(runs, client, label)
    assert_error(rec, "ValidationError", 400, message=message)


@pytest.mark.parametrize("client,label", client_label_params(["gft_policy_2049", "web_policy_2049"]))
def test_policy_longer_than_2048_is_validation_error(runs, client, label):
    """A 2,049-character Policy where the model allows 2,048 is a ValidationError on 'policy'."""
    _, rec = outcome(runs, client, label)
    assert_error(rec, "ValidationError", 400, contains=(
        "1 validation error detected: Value '",
        "' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048"))


def test_two_validation_errors_in_one_message(runs):
    """Several violated constraints are counted and listed in one message, separated by '; '."""
    for client in clients_for("ar_two_errors"):
        _, rec = outcome(runs, client, "ar_two_errors")
        assert_error(rec, "ValidationError", 400, contains=(
            "2 validation errors detected: ",
            "Value '899' at 'durationSeconds' failed to satisfy constraint: "
            "Member must have value greater than or equal to 900",
            "Value 'bad name' at 'roleSessionName' failed to satisfy constraint: ", "; "))


@pytest.mark.parametrize("client", clients_for("ar_policy_packed"))
def test_assume_role_policy_too_large_when_packed(runs, client):
    """AssumeRole's Policy has no plaintext maximum in the model: ~6 KB of policy fails as PackedPolicyTooLarge."""
    _, rec = outcome(runs, client, "ar_policy_packed")
    assert_error(rec, "PackedPolicyTooLarge", 400)


@pytest.mark.parametrize("client", clients_for("ar_policy_malformed"))
def test_assume_role_policy_not_json(runs, client):
    """A session policy that is not JSON is MalformedPolicyDocument (the query error code of the model)."""
    _, rec = outcome(runs, client, "ar_policy_malformed")
    assert_error(rec, "MalformedPolicyDocument", 400)


# ----------------------------------------------------------------------------------------------
# Fidelity: every client sees the same thing
# ----------------------------------------------------------------------------------------------

SAME = ["caller_default", "caller_12digit", "ar_duration_43201", "ar_session_space", "gst_duration_129601",
        "gft_name_long", "gft_name_pattern", "gft_policy_2049", "web_policy_2049", "decode_invalid",
        "ar_policy_packed", "ar_policy_malformed"]


def stable_view(rec):
    if rec["ok"]:
        return {"ok": True, "result": {k: v for k, v in rec["result"].items() if k != "ResponseMetadata"}}
    return {"ok": False, "code": rec.get("code"), "message": rec.get("message")}


@pytest.mark.parametrize("label", SAME)
def test_same_result_in_every_client(runs, label):
    """Old and new boto3 and both CLIs get identical identities and identical error codes and messages."""
    views = {}
    for client in clients_for(label):
        try:
            views[client] = stable_view(outcome(runs, client, label)[1])
        except pytest.skip.Exception:
            continue
    first = next(iter(views.values()))
    assert all(v == first for v in views.values()), json.dumps(views, indent=1, default=str)[:4000]
