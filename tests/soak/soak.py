#!/usr/bin/env python3
"""rime soak test: mixed concurrent clients for a given time, invariants checked as it goes.

Normally started by tests/soak/run.sh. Starts rime with --data-dir on a fixed loopback port and
drives every implemented service with raw, SigV4-signed HTTP from Python threads (standard library):

- SQS producers: SendMessage and SendMessageBatch, awsJson1_0 and awsQuery at random, to several
  queues; each body carries a unique id and its acknowledgement is recorded (MD5 checked).
- SQS consumers: ReceiveMessage (long poll 1 s, up to 10) then DeleteMessage / DeleteMessageBatch.
- SNS publisher: Publish to a topic with two SQS subscribers (one raw delivery, one JSON envelope);
  each acknowledged publish must arrive once in each queue.
- STS: GetCallerIdentity with a plain key, a 12-digit key and keys issued by AssumeRole; the
  answers must stay the same for the whole run, across restarts.

Invariants (a failure is a violation: reported, and the exit status is 1):
- every acknowledged send/publish is received, exactly once per queue, and its delete acknowledged;
  a message is never received again after its delete was acknowledged; no unknown message appears;
  MD5OfBody matches; at the end every queue is empty (visible, in flight and delayed);
- no 5xx answer, no unexpected 4xx;
- STS identities are consistent;
- a clean stop (SIGTERM, at 1/3 of the run, with the clients paused) loses nothing: the message
  counts before the stop and after the restart equal what the clients' ledger says;
- after SIGKILL (at 2/3, under load) what was lost is reported: acknowledged sends whose message
  never arrives and acknowledged deletes that come back, with their age at the kill. Only those
  younger than the persist interval + `--kill-margin-ms` are allowed; older ones are violations.

RSS of the server is sampled every few seconds and reported per server process (flat after warm-up?).
"""

import argparse
import datetime
import hashlib
import hmac
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import xml.etree.ElementTree as ET

REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
PLAIN_KEY = "AKIASOAKTESTKEY00001"
ACCOUNT_KEY = "210987654321"  # a 12-digit key is that account
SECRET = "soak-secret-key-not-checked"
ROLE_ACCOUNT = "444455556666"


def log(msg):
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- HTTP + SigV4

class ConnError(Exception):
    """No answer (connection refused, reset, timeout): the request may or may not have been applied."""


def sigv4_headers(method, host, path, headers, body, service, access_key, secret, token=None):
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    hdrs = {k.lower(): " ".join(str(v).split()) for k, v in headers.items()}
    hdrs["host"] = host
    hdrs["x-amz-date"] = amz_date
    if token:
        hdrs["x-amz-security-token"] = token
    names = sorted(hdrs)
    canonical = "\n".join([method, path, "", "".join(f"{k}:{hdrs[k]}\n" for k in names), ";".join(names),
                           hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/{REGION}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], REGION, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    out = {"X-Amz-Date": amz_date,
           "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={';'.join(names)}, "
                            f"Signature={sig}"}
    if token:
        out["X-Amz-Security-Token"] = token
    return out


def strip_ns(elem):
    for e in elem.iter():
        if "}" in e.tag:
            e.tag = e.tag.split("}", 1)[1]
    return elem


class Client:
    """One keep-alive connection (per thread), SigV4-signed requests, answers parsed."""

    def __init__(self, port, stats, access_key=PLAIN_KEY, secret=SECRET, token=None, timeout=30):
        self.port, self.stats = port, stats
        self.access_key, self.secret, self.token, self.timeout = access_key, secret, token, timeout
        self.conn = None

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def raw(self, service, headers, body):
        body = body.encode() if isinstance(body, str) else body
        h = dict(headers)
        h.update(sigv4_headers("POST", self.host, "/", headers, body, service, self.access_key, self.secret,
                               self.token))
        # No retry: a request without an answer may have been applied (the ledger says "unanswered").
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.conn.request("POST", "/", body=body, headers=h)
            r = self.conn.getresponse()
            data = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise ConnError(str(e))
        self.stats.count("requests")
        if r.status == 501:
            self.stats.count("501 (not implemented)")
        elif r.status >= 500:
            self.stats.count("5xx")
        return r.status, data.decode(errors="replace")

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    # -- SQS, in either protocol; answers normalised to dicts
    def sqs(self, action, protocol, **params):
        if protocol == "json":
            status, text = self.raw("sqs", {"Content-Type": "application/x-amz-json-1.0",
                                            "X-Amz-Target": f"AmazonSQS.{action}"}, json.dumps(params))
            try:
                doc = json.loads(text) if text.strip() else {}
            except ValueError:
                doc = {"__unparsed": text}
            return status, doc, text
        form = {"Action": action, "Version": "2012-11-05"}
        for k, v in params.items():
            if k == "Entries":
                prefix = {"SendMessageBatch": "SendMessageBatchRequestEntry",
                          "DeleteMessageBatch": "DeleteMessageBatchRequestEntry"}[action]
                for i, entry in enumerate(v, 1):
                    for ek, ev in entry.items():
                        form[f"{prefix}.{i}.{ek}"] = ev
            elif isinstance(v, list):
                for i, item in enumerate(v, 1):
                    form[f"{k[:-1] if k.endswith('s') else k}.{i}"] = item
            else:
                form[k] = v
        status, text = self.raw("sqs", {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                                urllib.parse.urlencode(form))
        return status, query_to_json(action, text), text

    def query(self, service, version, action, **params):
        form = {"Action": action, "Version": version, **params}
        status, text = self.raw(service, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                                urllib.parse.urlencode(form))
        try:
            root = strip_ns(ET.fromstring(text))
        except ET.ParseError:
            root = None
        return status, root, text


def query_to_json(action, text):
    """The awsQuery SQS answer in the shape of the JSON one (just the members the soak reads)."""
    try:
        root = strip_ns(ET.fromstring(text))
    except ET.ParseError:
        return {"__unparsed": text}
    if root.tag == "ErrorResponse":
        code = root.findtext(".//Code") or ""
        return {"__type": code, "message": root.findtext(".//Message")}
    res = root.find(f"{action}Result")
    if res is None:
        return {}
    if action == "ReceiveMessage":
        return {"Messages": [{c.tag: c.text or "" for c in m if c.tag != "Attribute" and c.tag != "MessageAttribute"}
                             for m in res.findall("Message")]}
    if action in ("SendMessageBatch", "DeleteMessageBatch"):
        ok = [{c.tag: c.text or "" for c in e} for e in res if e.tag.endswith("ResultEntry")]
        failed = [{c.tag: c.text or "" for c in e} for e in res if e.tag == "BatchResultErrorEntry"]
        return {"Successful": ok, "Failed": failed}
    if action == "GetQueueAttributes":
        return {"Attributes": {a.findtext("Name"): a.findtext("Value") for a in res.findall("Attribute")}}
    return {c.tag: c.text or "" for c in res}


# ---------------------------------------------------------------- ledger and stats

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {}

    def count(self, key, n=1):
        with self.lock:
            self.c[key] = self.c.get(key, 0) + n


class Ledger:
    """What the clients know: per (queue, id) the acknowledgement of the send, receipts, deletes."""

    def __init__(self, persist_window_s):
        self.lock = threading.Lock()
        self.pending = set()  # (queue, id): sent, no answer yet
        self.unanswered = set()  # (queue, id): the send got no answer (may or may not exist)
        self.acked = {}  # (queue, id) -> time the send was acknowledged
        self.received = {}  # (queue, id) -> [receive request start times]
        self.deleted = {}  # (queue, id) -> time the first delete was acknowledged
        self.violations = []
        self.kills = []  # times of SIGKILL
        self.persist_window_s = persist_window_s
        self.lost_deletes = []  # (key, age at the kill) deletes undone by a SIGKILL, within the window
        self.redelivered = 0  # received again before any delete was acknowledged (e.g. after a restart)

    def violate(self, msg):
        with self.lock:
            self.violations.append(msg)
        log(f"VIOLATION: {msg}")

    def expect(self, keys):
        with self.lock:
            self.pending.update(keys)

    def ack(self, keys, t):
        with self.lock:
            for k in keys:
                self.pending.discard(k)
                self.acked[k] = t

    def no_answer(self, keys):
        with self.lock:
            for k in keys:
                self.pending.discard(k)
                self.unanswered.add(k)

    def kill_before(self, t_ack, t_event):
        """The SIGKILL between t_ack and t_event, if any (the latest)."""
        for tk in reversed(self.kills):
            if t_ack <= tk <= t_event:
                return tk
        return None

    def on_receive(self, key, t_req, message_id=""):
        with self.lock:
            known = key in self.pending or key in self.acked or key in self.unanswered
            t_del = self.deleted.get(key)
            seen = self.received.setdefault(key, [])
            seen.append((t_req, message_id))
            if not known:
                msg = f"{key}: received a message no client sent"
            elif t_del is not None and t_del < t_req:
                tk = self.kill_before(t_del, t_req)
                if tk is not None and tk - t_del <= self.persist_window_s:
                    self.lost_deletes.append((key, tk - t_del))
                    return
                t0 = self.t_start
                msg = (f"{key}: received again {t_req - t_del:.3f} s after its delete was acknowledged"
                       + (f" (delete {tk - t_del:.3f} s before a SIGKILL)" if tk else "")
                       + f"; sent t={self.acked.get(key, t0) - t0:.2f} s, receipts (t, MessageId) "
                       + ", ".join(f"{t - t0:.2f} {m}" for t, m in seen)
                       + f", delete acknowledged t={t_del - t0:.2f} s; SIGKILLs at "
                       + (", ".join(f"{k - t0:.2f}" for k in self.kills) or "none"))
            else:
                if len(seen) > 1:
                    self.redelivered += 1
                return
        self.violate(msg)

    def maybe_lost(self, key):
        """Acknowledged within the persist window before a SIGKILL: it may be gone (lock held)."""
        t_ack = self.acked.get(key)
        tk = next((t for t in self.kills if t_ack is not None and t >= t_ack), None)
        return tk is not None and tk - t_ack <= self.persist_window_s

    def on_delete(self, key, t):
        with self.lock:
            self.deleted.setdefault(key, t)

    def outstanding(self):
        with self.lock:
            return len(self.acked) + len(self.pending) - len(self.deleted)

    def expected_in_queue(self, queue):
        """Messages the ledger says `queue` holds (acked or unanswered, not deleted), and how many of
        them are uncertain (sends that got no answer)."""
        with self.lock:
            sure = sum(1 for k in self.acked if k[0] == queue and k not in self.deleted)
            unsure = sum(1 for k in self.unanswered if k[0] == queue and k not in self.deleted
                         and k not in self.received)
            return sure, unsure


# ---------------------------------------------------------------- workers

class Control:
    """Pauses workers at a safe point (between iterations) and resumes them."""

    def __init__(self):
        self.cv = threading.Condition()
        self.paused = False
        self.idle = 0
        self.workers = 0
        self.stop = False
        self.producers_stop = False

    def register(self):
        with self.cv:
            self.workers += 1

    def unregister(self):
        with self.cv:
            self.workers -= 1
            self.cv.notify_all()

    def checkpoint(self):
        with self.cv:
            if self.paused:
                self.idle += 1
                self.cv.notify_all()
                while self.paused and not self.stop:
                    self.cv.wait()
                self.idle -= 1
            return not self.stop

    def pause(self, timeout=120):
        with self.cv:
            self.paused = True
            deadline = time.monotonic() + timeout
            while self.idle < self.workers and time.monotonic() < deadline:
                self.cv.wait(0.5)
            return self.idle >= self.workers

    def resume(self):
        with self.cv:
            self.paused = False
            self.cv.notify_all()


def body_for(kind, mid):
    pad = "x" * random.choice((0, 16, 200, 1000, 4000))
    return f"{kind}|{mid}|{pad}"


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


class Soak:
    def __init__(self, args, port):
        self.args, self.port = args, port
        self.stats = Stats()
        self.ledger = Ledger((args.persist_interval_ms + args.kill_margin_ms) / 1000.0)
        self.ctl = Control()
        self.queues = {}  # name -> url
        self.direct_queues = []
        self.sns_queues = []  # (name, raw)
        self.topic_arn = None
        self.server_up = threading.Event()
        self.threads = []
        self.sts_seen = {}
        self.errors_4xx = []

    def unexpected(self, what, status, text):
        if status >= 500:
            self.ledger.violate(f"{what}: HTTP {status} {text[:200]!r}")
        else:
            self.stats.count("unexpected 4xx")
            self.ledger.violate(f"{what}: unexpected HTTP {status} {text[:200]!r}")

    def wait_server(self, client):
        """Blocks while the server is down (a restart); False when the run is stopping."""
        client.close()
        while not self.server_up.wait(0.2):
            if self.ctl.stop:
                return False
        return True

    def worker(self, fn, name):
        def run():
            self.ctl.register()
            client = Client(self.port, self.stats)
            try:
                while self.ctl.checkpoint():
                    try:
                        fn(client)
                    except ConnError:
                        self.stats.count("no answer")
                        time.sleep(0.05)
                        self.wait_server(client)
            except Exception:
                self.ledger.violate(f"{name} crashed: {traceback.format_exc()}")
            finally:
                client.close()
                self.ctl.unregister()
        t = threading.Thread(target=run, name=name, daemon=True)
        self.threads.append(t)
        t.start()

    # -- producers
    def produce(self, client, idx):
        if self.ctl.producers_stop:
            time.sleep(0.1)
            return
        if self.ledger.outstanding() > self.args.max_outstanding:
            time.sleep(0.05)  # consumers are behind: keep the queues (and RSS) bounded
            return
        proto = random.choice(("json", "query"))
        q = random.choice(self.direct_queues)
        url = self.queues[q]
        self.seq[idx] += 1
        if random.random() < 0.2:  # a batch of 10
            ids = [f"p{idx}-{self.seq[idx]}-{j}" for j in range(10)]
            bodies = {f"e{j}": body_for("soak", mid) for j, mid in enumerate(ids)}
            keys = [(q, m) for m in ids]
            self.ledger.expect(keys)
            try:
                status, doc, text = client.sqs("SendMessageBatch", proto, QueueUrl=url,
                                               Entries=[{"Id": k, "MessageBody": v} for k, v in bodies.items()])
            except ConnError:
                self.ledger.no_answer(keys)
                raise
            now = time.time()
            if status != 200:
                self.ledger.no_answer(keys)
                return self.unexpected(f"SendMessageBatch ({proto})", status, text)
            ok = {e.get("Id"): e for e in doc.get("Successful", [])}
            if doc.get("Failed") or len(ok) != 10:
                self.ledger.violate(f"SendMessageBatch ({proto}): {len(ok)} of 10 succeeded: {text[:300]!r}")
            for j, mid in enumerate(ids):
                e = ok.get(f"e{j}")
                if e and e.get("MD5OfMessageBody") != md5(bodies[f"e{j}"]):
                    self.ledger.violate(f"SendMessageBatch ({proto}): wrong MD5OfMessageBody for {mid}")
            self.ledger.ack([(q, m) for j, m in enumerate(ids) if f"e{j}" in ok], now)
            self.ledger.no_answer([(q, m) for j, m in enumerate(ids) if f"e{j}" not in ok])
            self.stats.count("sent", len(ok))
        else:
            mid = f"p{idx}-{self.seq[idx]}"
            body = body_for("soak", mid)
            self.ledger.expect([(q, mid)])
            try:
                status, doc, text = client.sqs("SendMessage", proto, QueueUrl=url, MessageBody=body)
            except ConnError:
                self.ledger.no_answer([(q, mid)])
                raise
            now = time.time()
            if status != 200 or not doc.get("MessageId"):
                self.ledger.no_answer([(q, mid)])
                return self.unexpected(f"SendMessage ({proto})", status, text)
            if doc.get("MD5OfMessageBody") != md5(body):
                self.ledger.violate(f"SendMessage ({proto}): wrong MD5OfMessageBody for {mid}")
            self.ledger.ack([(q, mid)], now)
            self.stats.count("sent")

    def publish(self, client, idx):
        if self.ctl.producers_stop:
            time.sleep(0.1)
            return
        if self.ledger.outstanding() > self.args.max_outstanding:
            time.sleep(0.05)
            return
        self.seq[idx] += 1
        mid = f"n{idx}-{self.seq[idx]}"
        body = body_for("sns", mid)
        keys = [(q, mid) for q, _ in self.sns_queues]
        self.ledger.expect(keys)
        try:
            status, root, text = client.query("sns", "2010-03-31", "Publish", TopicArn=self.topic_arn, Message=body)
        except ConnError:
            self.ledger.no_answer(keys)
            raise
        now = time.time()
        if status != 200 or root is None or not root.findtext(".//MessageId"):
            self.ledger.no_answer(keys)
            return self.unexpected("Publish", status, text)
        self.ledger.ack(keys, now)
        self.stats.count("published")

    # -- consumers
    def consume(self, client, idx):
        names = list(self.queues)
        q = names[self.seq[idx] % len(names)]  # consumer k keeps to queue k (mod the number of queues)
        url = self.queues[q]
        proto = random.choice(("json", "query"))
        t_req = time.time()
        status, doc, text = client.sqs("ReceiveMessage", proto, QueueUrl=url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=1, VisibilityTimeout=self.args.visibility_timeout)
        if status != 200:
            return self.unexpected(f"ReceiveMessage ({proto})", status, text)
        msgs = doc.get("Messages") or []
        handles = []
        for m in msgs:
            body = m.get("Body", "")
            if m.get("MD5OfBody") != md5(body):
                self.ledger.violate(f"ReceiveMessage ({proto}) on {q}: MD5OfBody does not match the body")
            mid = self.message_id_of(q, body)
            if mid is None:
                self.ledger.violate(f"ReceiveMessage on {q}: unexpected body {body[:120]!r}")
                continue
            self.ledger.on_receive((q, mid), t_req, m.get("MessageId", ""))
            handles.append((mid, m.get("ReceiptHandle", "")))
        self.stats.count("received", len(handles))
        if not handles:
            return
        if len(handles) > 1 and random.random() < 0.5:
            entries = [{"Id": f"d{j}", "ReceiptHandle": h} for j, (_, h) in enumerate(handles)]
            status, doc, text = client.sqs("DeleteMessageBatch", proto, QueueUrl=url, Entries=entries)
            now = time.time()
            if status != 200:
                return self.unexpected(f"DeleteMessageBatch ({proto})", status, text)
            ok = {e.get("Id") for e in doc.get("Successful", [])}
            for j, (mid, _) in enumerate(handles):
                if f"d{j}" in ok:
                    self.ledger.on_delete((q, mid), now)
                else:  # a handle from before a restart: the message comes back, then is deleted
                    self.stats.count("delete refused (stale handle)")
            self.stats.count("deleted", len(ok))
        else:
            for mid, h in handles:
                status, doc, text = client.sqs("DeleteMessage", proto, QueueUrl=url, ReceiptHandle=h)
                now = time.time()
                if status == 200:
                    self.ledger.on_delete((q, mid), now)
                    self.stats.count("deleted")
                elif status == 400 and "ReceiptHandleIsInvalid" in text:
                    self.stats.count("delete refused (stale handle)")
                else:
                    self.unexpected(f"DeleteMessage ({proto})", status, text)

    def message_id_of(self, queue, body):
        raw = dict(self.sns_queues).get(queue)
        if raw is False:  # JSON envelope
            try:
                env = json.loads(body)
            except ValueError:
                return None
            if env.get("Type") != "Notification" or env.get("TopicArn") != self.topic_arn:
                return None
            body = env.get("Message", "")
        parts = body.split("|")
        want = "sns" if queue in dict(self.sns_queues) else "soak"
        return parts[1] if len(parts) == 3 and parts[0] == want else None

    # -- STS
    def sts_identity(self, client, key, secret=SECRET, token=None):
        c = Client(self.port, self.stats, access_key=key, secret=secret, token=token)
        try:
            status, root, text = c.query("sts", "2011-06-15", "GetCallerIdentity")
        finally:
            c.close()
        if status != 200 or root is None:
            self.unexpected(f"GetCallerIdentity ({key})", status, text)
            return None
        return tuple(root.findtext(f".//{f}") for f in ("Account", "Arn", "UserId"))

    def sts(self, client, idx):
        checks = [("plain key", PLAIN_KEY, SECRET, None), ("12-digit key", ACCOUNT_KEY, SECRET, None)]
        with self.ledger.lock:
            issued = list(self.issued)
        checks += [(f"assumed {i}", *creds) for i, creds in enumerate(issued)]
        for label, key, secret, token in checks:
            ident = self.sts_identity(client, key, secret, token)
            if ident is None:
                continue
            first = self.sts_seen.setdefault(label, ident)
            if ident != first:
                self.ledger.violate(f"STS identity of the {label} changed: {first} -> {ident}")
            self.stats.count("sts checks")
        if len(issued) < 3 and random.random() < 0.05:
            self.assume_role(client, len(issued))
        time.sleep(0.2)

    def assume_role(self, client, n):
        status, root, text = client.query("sts", "2011-06-15", "AssumeRole",
                                          RoleArn=f"arn:aws:iam::{ROLE_ACCOUNT}:role/soak",
                                          RoleSessionName=f"soak-{n}", DurationSeconds="43200")
        if status != 200 or root is None:
            return self.unexpected("AssumeRole", status, text)
        creds = tuple(root.findtext(f".//Credentials/{f}") for f in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
        ident = self.sts_identity(client, *creds)
        if ident and not (ident[0] == ROLE_ACCOUNT and f"assumed-role/soak/soak-{n}" in (ident[1] or "")):
            self.ledger.violate(f"AssumeRole credentials act as {ident}, not the assumed role")
        with self.ledger.lock:
            self.issued.append(creds)
            self.issued_at.append(time.time())
        self.sts_seen[f"assumed {n}"] = ident


# ---------------------------------------------------------------- server

class Server:
    def __init__(self, args, port, data_dir):
        self.args, self.port, self.data_dir = args, port, data_dir
        self.proc = None
        self.generation = 0
        self.logs = []

    def start(self, timeout=30):
        self.generation += 1
        logpath = os.path.join(self.args.work, f"rime-{self.generation}.log")
        self.logs.append(logpath)
        self.logf = open(logpath, "wb")
        argv = [self.args.rime, "--port", str(self.port), "--data-dir", self.data_dir, "--log-level", "warn",
                "--persist-interval-ms", str(self.args.persist_interval_ms)] + self.args.rime_arg
        t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.logf, stderr=self.logf)
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"rime exited with {self.proc.returncode} at start; log: {logpath}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/_rime/health")
                ok = c.getresponse().status == 200
                c.close()
                if ok:
                    return time.monotonic() - t0
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.02)
        raise SystemExit(f"rime did not answer within {timeout} s; log: {logpath}")

    def rss_kib(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None

    def sigterm(self, timeout=60):
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "killed after timeout"
        return rc, time.monotonic() - t0

    def sigkill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop_quietly(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--rime", required=True)
    ap.add_argument("--rime-arg", action="append", default=[], help="extra rime argument (repeatable)")
    ap.add_argument("--producers", type=int, default=3)
    ap.add_argument("--consumers", type=int, default=0, help="SQS consumers (default: one per queue)")
    ap.add_argument("--queues", type=int, default=4, help="SQS queues for direct sends")
    ap.add_argument("--max-outstanding", type=int, default=2000,
                    help="producers wait while more messages than this are not yet deleted")
    ap.add_argument("--visibility-timeout", type=int, default=20)
    ap.add_argument("--persist-interval-ms", type=int, default=1000)
    ap.add_argument("--kill-margin-ms", type=int, default=1000,
                    help="after SIGKILL, losses younger than the persist interval + this are allowed")
    ap.add_argument("--rss-interval", type=float, default=5.0, help="seconds between RSS samples")
    ap.add_argument("--drain-timeout", type=float, default=60.0,
                    help="the drain at the end gives up after this long without progress")
    ap.add_argument("--no-restarts", action="store_true")
    ap.add_argument("--out", default=None, help="write the report here too")
    args = ap.parse_args()
    args.work = tempfile.mkdtemp(prefix="rime-soak-")
    data_dir = os.path.join(args.work, "data")
    os.makedirs(data_dir)
    port = free_port()
    server = Server(args, port, data_dir)
    soak = Soak(args, port)
    ledger, stats, ctl = soak.ledger, soak.stats, soak.ctl
    notes, events, rss = [], [], []  # rss: (t, generation, KiB)
    soak.seq = {}
    soak.issued, soak.issued_at = [], []
    t_start = time.time()
    soak.t_start = ledger.t_start = t_start
    total_s = args.minutes * 60

    def event(msg):
        events.append((time.time() - t_start, msg))
        log(msg)

    try:
        startup = server.start()
        event(f"rime started on 127.0.0.1:{port} with --data-dir {data_dir} ({startup * 1000:.0f} ms)")
        soak.server_up.set()
        c = Client(port, stats)

        # What is implemented? (501: skip that part)
        status, doc, text = c.sqs("CreateQueue", "json", QueueName="soak-probe")
        sqs_ok = status == 200
        if status == 501:
            notes.append("SQS not implemented (501): SQS and SNS->SQS parts skipped")
        elif not sqs_ok:
            soak.unexpected("CreateQueue", status, text)
        sns_ok = False
        if sqs_ok:
            c.sqs("DeleteQueue", "json", QueueUrl=doc["QueueUrl"])
            status, root, text = c.query("sns", "2010-03-31", "CreateTopic", Name="soak-topic")
            sns_ok = status == 200
            if status == 501:
                notes.append("SNS not implemented (501): SNS->SQS part skipped")
            elif not sns_ok:
                soak.unexpected("CreateTopic", status, text)
            else:
                soak.topic_arn = root.findtext(".//TopicArn")

        if sqs_ok:
            for i in range(args.queues):
                name = f"soak-q{i}"
                status, doc, text = c.sqs("CreateQueue", random.choice(("json", "query")), QueueName=name)
                if status != 200:
                    raise SystemExit(f"CreateQueue {name}: {status} {text[:200]}")
                soak.queues[name] = doc["QueueUrl"]
                soak.direct_queues.append(name)
        if sns_ok:
            for name, raw in (("soak-sns-raw", True), ("soak-sns-envelope", False)):
                status, doc, text = c.sqs("CreateQueue", "json", QueueName=name)
                soak.queues[name] = doc["QueueUrl"]
                status, doc, text = c.sqs("GetQueueAttributes", "json", QueueUrl=doc["QueueUrl"],
                                          AttributeNames=["QueueArn"])
                arn = doc["Attributes"]["QueueArn"]
                params = {"TopicArn": soak.topic_arn, "Protocol": "sqs", "Endpoint": arn}
                if raw:
                    params.update({"Attributes.entry.1.key": "RawMessageDelivery", "Attributes.entry.1.value": "true"})
                status, root, text = c.query("sns", "2010-03-31", "Subscribe", **params)
                if status != 200:
                    raise SystemExit(f"Subscribe {name}: {status} {text[:200]}")
                soak.sns_queues.append((name, raw))
        soak.assume_role(c, 0)  # long-lived credentials: they must act as the role for the whole run
        c.close()

        # workers
        idx = 0
        if sqs_ok:
            for _ in range(args.producers):
                soak.seq[idx] = 0
                soak.worker(lambda cl, i=idx: soak.produce(cl, i), f"producer-{idx}")
                idx += 1
            for k in range(args.consumers or len(soak.queues)):
                soak.seq[idx] = k
                soak.worker(lambda cl, i=idx: soak.consume(cl, i), f"consumer-{idx}")
                idx += 1
        if sns_ok:
            soak.seq[idx] = 0
            soak.worker(lambda cl, i=idx: soak.publish(cl, i), f"publisher-{idx}")
            idx += 1
        soak.seq[idx] = 0
        soak.worker(lambda cl, i=idx: soak.sts(cl, i), f"sts-{idx}")

        restarts = [] if args.no_restarts else [(total_s / 3, "SIGTERM"), (2 * total_s / 3, "SIGKILL")]
        next_rss = time.time()
        last_progress = time.time()
        while time.time() - t_start < total_s:
            now = time.time()
            if now >= next_rss:
                rss.append((now - t_start, server.generation, server.rss_kib()))
                next_rss = now + args.rss_interval
            if now - last_progress >= 30:
                last_progress = now
                s = dict(stats.c)
                log(f"t={now - t_start:.0f}s requests {s.get('requests', 0):,} sent {s.get('sent', 0):,} "
                    f"published {s.get('published', 0):,} received {s.get('received', 0):,} "
                    f"deleted {s.get('deleted', 0):,} violations {len(ledger.violations)} "
                    f"RSS {(server.rss_kib() or 0) / 1024:.1f} MiB")
            if restarts and now - t_start >= restarts[0][0]:
                _, kind = restarts.pop(0)
                if kind == "SIGTERM":
                    clean_restart(soak, server, ledger, event, notes)
                else:
                    event("SIGKILL under load")
                    soak.server_up.clear()
                    server.sigkill()
                    with ledger.lock:  # after the process is gone: an answer may arrive up to then
                        ledger.kills.append(time.time())
                    startup = server.start()
                    soak.server_up.set()
                    event(f"restarted after SIGKILL in {startup * 1000:.0f} ms")
                    check_sts_after_kill(soak, event)
            time.sleep(0.05)

        # drain: producers stop, consumers go on until every acknowledged message is received
        ctl.producers_stop = True
        event("producers stopped; draining")
        last, last_progress_t = None, time.time()
        while time.time() - last_progress_t < args.drain_timeout:
            with ledger.lock:
                missing = sum(1 for k in ledger.acked if k not in ledger.received and not ledger.maybe_lost(k))
                undeleted = sum(1 for k in ledger.received if k not in ledger.deleted and not ledger.maybe_lost(k))
                settled = (not ledger.kills or not soak.queues
                           or time.time() > ledger.kills[-1] + args.visibility_timeout + 5)
            if not missing and not undeleted and settled:
                break
            if (missing, undeleted) != last:
                last, last_progress_t = (missing, undeleted), time.time()
            time.sleep(0.5)
        event(f"drain ended: {missing} acknowledged messages not received, {undeleted} received not deleted")
        ctl.pause()
        event("clients paused")
        rss.append((time.time() - t_start, server.generation, server.rss_kib()))

        # final checks
        final_checks(soak, server, ledger, notes, event)
        rc, secs = server.sigterm()
        event(f"final SIGTERM: exit {rc} after {secs:.2f} s")
        if rc != 0:
            ledger.violate(f"rime exited {rc} on SIGTERM")
        if sqs_ok:  # the saved state loads and is what it was: queues exist, all empty
            server.start()
            c = Client(port, stats)
            for q, url in soak.queues.items():
                n = queue_counts(c, url)
                if n is None or sum(n) != 0:
                    ledger.violate(f"after the final restart, {q} holds {n} (want 0 0 0)")
            c.close()
            rc, _ = server.sigterm()
            event(f"final restart loads the saved state; exit {rc}")
    finally:
        ctl.stop = True
        ctl.resume()
        server.stop_quietly()

    report(args, soak, server, notes, events, rss, t_start, data_dir)
    if args.work and os.environ.get("RIME_SOAK_KEEP") != "1":
        shutil.rmtree(args.work, ignore_errors=True)
    return 1 if ledger.violations else 0


def queue_counts(client, url):
    status, doc, text = client.sqs("GetQueueAttributes", "json", QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"])
    if status != 200:
        return None
    a = doc.get("Attributes", {})
    return tuple(int(a.get(k, "-1")) for k in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                               "ApproximateNumberOfMessagesDelayed"))


def clean_restart(soak, server, ledger, event, notes):
    """Pause the clients, compare the server's counts with the ledger, SIGTERM, restart, compare again."""
    if not soak.ctl.pause():
        notes.append("clean restart: not every client paused within 120 s")
    event("clients paused for the clean restart")
    c = Client(soak.port, soak.stats)
    before = {}
    deadline = time.time() + 10  # SNS deliveries may still be on their way: wait for the counts to settle
    while True:
        mismatch = []
        for q, url in soak.queues.items():
            sure, unsure = ledger.expected_in_queue(q)
            n = queue_counts(c, url)
            before[q] = n
            if n is None or not (sure <= n[0] + n[1] <= sure + unsure) or n[2] != 0:
                mismatch.append(f"{q} holds {n} (visible, in flight, delayed); the ledger says {sure}"
                                + (f" (+{unsure} unanswered sends)" if unsure else ""))
        if not mismatch or time.time() > deadline:
            break
        time.sleep(0.5)
    for m in mismatch:
        ledger.violate(f"before SIGTERM, {m}")
    ids_before = {k: soak.sts_identity(c, *v) for k, v in
                  {"plain key": (PLAIN_KEY, SECRET, None), **{f"assumed {i}": cr for i, cr in enumerate(soak.issued)}}.items()}
    c.close()
    soak.server_up.clear()
    rc, secs = server.sigterm()
    event(f"SIGTERM: exit {rc} after {secs:.2f} s")
    if rc != 0:
        ledger.violate(f"rime exited {rc} on SIGTERM")
    startup = server.start()
    event(f"restarted after SIGTERM in {startup * 1000:.0f} ms")
    c = Client(soak.port, soak.stats)
    for q, url in soak.queues.items():
        n = queue_counts(c, url)
        # in-flight messages are saved as visible (a receipt handle does not outlive the process)
        if n is None or before[q] is None or n[0] != before[q][0] + before[q][1] or n[1] != 0 or n[2] != before[q][2]:
            ledger.violate(f"after SIGTERM + restart, {q} holds {n}; before the stop {before[q]}")
    for k, ident in ids_before.items():
        creds = (PLAIN_KEY, SECRET, None) if k == "plain key" else soak.issued[int(k.split()[1])]
        after = soak.sts_identity(c, *creds)
        if after != ident:
            ledger.violate(f"STS identity of the {k} changed across the clean restart: {ident} -> {after}")
    c.close()
    soak.server_up.set()
    soak.ctl.resume()
    event("clients resumed")


def check_sts_after_kill(soak, event):
    """Credentials issued long before the kill must still act as the assumed role."""
    c = Client(soak.port, soak.stats)
    window = soak.ledger.persist_window_s
    tk = soak.ledger.kills[-1]
    for i, creds in enumerate(list(soak.issued)):
        ident = soak.sts_identity(c, *creds)
        first = soak.sts_seen.get(f"assumed {i}")
        if ident != first:
            age = tk - soak.issued_at[i]
            if age <= window:
                event(f"STS credentials issued {age:.2f} s before the SIGKILL were lost (within the window)")
                soak.sts_seen[f"assumed {i}"] = ident
            else:
                soak.ledger.violate(f"STS credentials issued {age:.1f} s before the SIGKILL act as {ident}, "
                                    f"not {first}")
    c.close()


def server_view(port, queue):
    """The admin snapshot of one SQS queue (for diagnostics), or None."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("GET", "/_rime/state?service=sqs")
        doc = json.loads(c.getresponse().read())
        c.close()
        for acct in doc["services"]["sqs"].values():
            for view in acct.values():
                for q in view.get("queues", []):
                    if q.get("name") == queue:
                        return q
    except (OSError, http.client.HTTPException, ValueError, KeyError):
        return None
    return None


def final_checks(soak, server, ledger, notes, event):
    c = Client(soak.port, soak.stats)
    for q, url in soak.queues.items():
        n = queue_counts(c, url)
        if n is None or sum(n) != 0:
            status, doc, text = c.sqs("ReceiveMessage", "json", QueueUrl=url, MaxNumberOfMessages=10,
                                      WaitTimeSeconds=0, VisibilityTimeout=0)
            view = server_view(soak.port, q) or {}
            sample = [{k: (v[:40] if isinstance(v, str) else v) for k, v in m.items()}
                      for m in view.get("messages", [])[:3]]
            ledger.violate(f"at the end {q} holds {n} messages (visible, in flight, delayed); want none. "
                           f"A ReceiveMessage now gets {len(doc.get('Messages') or [])} (HTTP {status}); "
                           f"the admin view has {len(view.get('messages', []))} messages, first: {sample}")
    c.close()
    with ledger.lock:
        lost = []
        for k, t_ack in ledger.acked.items():
            if k in ledger.received:
                continue
            tk = next((t for t in ledger.kills if t >= t_ack), None)
            if tk is not None and tk - t_ack <= ledger.persist_window_s:
                lost.append((k, tk - t_ack))
            else:
                lost.append((k, None))
        not_deleted = []
        for k in ledger.received:
            if k in ledger.deleted:
                continue
            # received just before a SIGKILL, the delete got no answer, and the message did not
            # survive the kill (its send was not persisted yet): lost, within the window
            t_ack = ledger.acked.get(k)
            tk = next((t for t in ledger.kills if t_ack is not None and t >= t_ack), None)
            if tk is not None and tk - t_ack <= ledger.persist_window_s:
                lost.append((k, tk - t_ack))
            else:
                not_deleted.append(k)
    allowed = [x for x in lost if x[1] is not None]
    bad = [x for x in lost if x[1] is None]
    soak.lost_sends = allowed
    t0 = soak.t_start
    for k, _ in bad[:20]:
        t_ack = ledger.acked[k]
        kill = "".join(f", {t_ack - tk:+.2f} s from the SIGKILL" for tk in ledger.kills)
        ledger.violate(f"{k}: acknowledged at t={t_ack - t0:.2f} s{kill}, never received")
    if len(bad) > 20:
        ledger.violate(f"... {len(bad) - 20} more acknowledged messages never received")
    for k in not_deleted[:20]:
        ledger.violate(f"{k}: received, its delete never acknowledged")
    if len(not_deleted) > 20:
        ledger.violate(f"... {len(not_deleted) - 20} more received messages never deleted")


def report(args, soak, server, notes, events, rss, t_start, data_dir):
    ledger, stats = soak.ledger, soak.stats
    s = dict(stats.c)
    elapsed = time.time() - t_start
    lines = [f"# rime soak — {datetime.datetime.fromtimestamp(t_start):%Y-%m-%d %H:%M:%S}", "",
             f"{elapsed / 60:.1f} minutes; {os.cpu_count()} CPUs; rime {args.rime}; --persist-interval-ms "
             f"{args.persist_interval_ms}; clients: {args.producers} SQS producers, "
             f"{args.consumers or len(soak.queues)} consumers (one per queue), "
             f"1 SNS publisher (2 SQS subscribers: raw and envelope), 1 STS checker; Python threads, raw "
             f"SigV4-signed HTTP/1.1 keep-alive, awsJson1_0 and awsQuery at random.", "", "## Events", ""]
    lines += [f"- {t:7.1f} s  {m}" for t, m in events]
    lines += ["", "## Counts", "", "| what | count |", "|---|---|"]
    for k in ("requests", "sent", "published", "received", "deleted", "sts checks", "no answer",
              "delete refused (stale handle)", "5xx", "unexpected 4xx", "501 (not implemented)"):
        lines.append(f"| {k} | {s.get(k, 0):,} |")
    with ledger.lock:
        acked = len(ledger.acked)
        received = len(ledger.received)
        unanswered = len(ledger.unanswered)
    lines += [f"| acknowledged messages (per queue) | {acked:,} |", f"| distinct messages received | {received:,} |",
              f"| sends without an answer (restarts) | {unanswered:,} |",
              f"| redelivered before a delete was acknowledged | {ledger.redelivered:,} |",
              f"| requests/s (whole run) | {s.get('requests', 0) / max(1, elapsed):,.0f} |", ""]
    lost = getattr(soak, "lost_sends", [])
    lines += ["## Lost at SIGKILL (allowed: younger than the persist interval + margin = "
              f"{ledger.persist_window_s * 1000:.0f} ms)", ""]
    if not ledger.kills:
        lines.append("No SIGKILL in this run.")
    else:
        ages = sorted(a for _, a in lost)
        dages = sorted(a for _, a in ledger.lost_deletes)
        lines.append(f"- acknowledged sends/publishes lost (never received, or received just before the kill "
                     f"and gone after it): {len(lost)}"
                     + (f" (age at the kill {ages[0] * 1000:.0f}–{ages[-1] * 1000:.0f} ms)" if ages else ""))
        lines.append(f"- acknowledged deletes undone (message came back): {len(dages)}"
                     + (f" (age {dages[0] * 1000:.0f}–{dages[-1] * 1000:.0f} ms)" if dages else ""))
    lines += ["", "## RSS (sampled every %g s)" % args.rss_interval, ""]
    lines += ["| server process | samples | first | after warm-up (min) | max | last | growth after warm-up |",
              "|---|---|---|---|---|---|---|"]
    flat = True
    for gen in sorted({g for _, g, _ in rss}):
        xs = [(t, k) for t, g, k in rss if g == gen and k]
        if not xs:
            continue
        t0 = xs[0][0]
        warm = [k for t, k in xs if t - t0 >= min(60.0, (xs[-1][0] - t0) / 4)] or [xs[-1][1]]
        growth = warm[-1] - min(warm)
        if growth > max(8 * 1024, 0.1 * min(warm)):
            flat = False
        lines.append(f"| #{gen} | {len(xs)} | {xs[0][1] / 1024:.1f} MiB | {min(warm) / 1024:.1f} MiB | "
                     f"{max(k for _, k in xs) / 1024:.1f} MiB | {xs[-1][1] / 1024:.1f} MiB | {growth / 1024:+.1f} MiB |")
    lines += ["", f"RSS after warm-up (the first quarter of each process's life, at most 60 s): "
                  f"{'flat (grew less than max(8 MiB, 10%))' if flat else '**grows**'}.", ""]
    series = [f"{t:.0f}s:{k / 1024:.0f}" for t, _, k in rss if k][:: max(1, len(rss) // 40)]
    lines += ["Series (s:MiB): " + " ".join(series), ""]
    lines += [f"data dir at the end: {dir_size(data_dir) / 1024:.0f} KiB", ""]
    lines += ["## Result", ""]
    if ledger.violations:
        lines.append(f"**{len(ledger.violations)} invariant violations**:")
        lines += [f"- {v[:400]}" for v in ledger.violations[:50]]
    else:
        lines.append("All invariants held.")
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    lines.append("")
    text = "\n".join(lines)
    print(text)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
