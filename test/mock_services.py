#!/usr/bin/env python3
"""mock_services.py - Slack, GitHub, Stripe and OpenAI, just enough of them for the
tests of the shipped connectors (test/t/027_connectors.pl).

Python's standard library only; one thread per connection.  Listens on
127.0.0.1 with port 0, writes the port it got to the file named by
--port-file, serves until killed, and records every request but those to
/log: GET /log returns them, oldest first, as JSON [{method, path, query,
headers (names in lower case), body (text), at}]; DELETE /log forgets them.
Each service lives under its own prefix, which is the base URL a test gives
the connector node (base_url):

Slack, /slack/api (answers 200 with {"ok": false, "error": ...} for errors,
as Slack does):
  POST chat.postMessage   JSON body {channel, text, ...}; "not_authed" without
                          "Authorization: Bearer xoxb-...",
                          "invalid_form_data" when the body is no JSON object,
                          "channel_not_found" for channel C404, "no_text"
                          without text and blocks; channel FLAKY answers 503
                          the first time for each Idempotency-Key; else
                          {"ok": true, "channel", "ts", "message": {"text"}}
  POST /slack/hooks/services/T/B/hook...
                          an incoming webhook (no API prefix, text answers):
                          JSON {text or blocks}: 200 "ok"; 400
                          "invalid_payload" else; 404 "no_service" when the
                          last part does not start with "hook"
  GET conversations.list  channels C1 to C5, "limit" a page (default 2), the
                          page after the one "cursor" names; the next page's
                          cursor in response_metadata.next_cursor ("" after
                          the last)

GitHub, /github (errors are a status and {"message": ...}):
  every request without "Authorization: Bearer ghp_..." is 401
  {"message": "Bad credentials"}
  POST /repos/O/R/issues  JSON {title, body, labels}: 201 the issue, numbered
                          from 1; 422 {"message": "Validation Failed"}
                          without a title
  GET /repos/O/R/issues   issues 1 to 5, "per_page" a page (default 2),
                          "page" (default 1), with a Link header naming the
                          next and last pages (absolute URLs)
  POST /repos/O/R/issues/N/comments
                          JSON {body}: 201 {"id", "issue_number", "body"}
  GET /repos/O/R          200 the repository; 404 {"message": "Not Found"}
                          for repository "missing"

Stripe, /stripe (form-encoded bodies; errors are a status and {"error":
{"type", "message", "param"}}; "Authorization: Bearer sk_test_..." or 401):
  POST /v1/customers      {email, name, ...}: 200 the customer "cus_N"; email
                          without "@" is 400; email "flaky@example.com" is
                          500 the first time for each Idempotency-Key
  POST /v1/payment_intents
                          {amount, currency, ...}: 200 the intent "pi_N";
                          400 without amount or currency; amount 402 is 402
                          card_declined "Your card was declined."
  GET /v1/charges         charges ch_1 to ch_5, "limit" a page (default 2),
                          those after "starting_after"; "has_more"
  A POST repeated with an Idempotency-Key already answered gets the first
  answer again, with "Idempotent-Replayed: true", as Stripe does.

OpenAI, /openai/v1 (errors are a status and {"error": {"message", "type"}};
"Authorization: Bearer sk-..." or 401):
  POST /chat/completions  JSON {model, messages, ...}: 200 a chat.completion
                          whose answer is "echo: " and the last message's
                          content, with usage; model "missing" is 404
  POST /embeddings        JSON {model, input (a string or strings)}: 200
                          {"data": [{"index", "embedding": [length, 0.5]}]}
  POST /scripts           (no key needed) JSON {model: [reply, ...]}: from
                          then on, chat completions of that model replay the
                          script (test/t/033_ai_agent.pl): the reply to a
                          conversation with N assistant messages is reply N
                          (the last one past the end), either {"content"}
                          (the answer) or {"tool_calls": [{"name",
                          "arguments"}]} (ids "call_N_K"); usage
                          prompt_tokens 10 per message, completion_tokens 5;
                          a reply with "hold": true is held (2 minutes, or
                          until the client is gone) the first time it is
                          asked for, so that a test can kill the client

S3, /s3 (S3Service below; errors are a status and XML <Error><Code>
<Message>): every request must carry an AWS Signature Version 4 that
checks out under a key the test registered (POST /s3-keys?access_key=A&
secret_key=S, not recorded), else 403 SignatureDoesNotMatch, and an
x-amz-content-sha256 header (the payload hash signed), else 400.  Path-style
(/s3/BUCKET/KEY) or virtual-hosted (Host: BUCKET.localhost:port, then
/s3/KEY) addressing:
  PUT KEY                 stores the body (any bytes; the log shows them
                          decoded as UTF-8 with replacements) and its
                          Content-Type: 200, an ETag
                          (the body's MD5, quoted) and no body
  GET KEY                 the object with its Content-Type and ETag; 404
                          NoSuchKey
  GET ?list-type=2        ListObjectsV2 XML of the bucket's keys (bucket
                          "listing" holds five), "prefix", "max-keys" a page
                          (default 1000), "continuation-token" the opaque
                          token of the page before (NextContinuationToken
                          while IsTruncated); 400 InvalidArgument without
                          list-type=2
  bucket "photos" holds the binary "pixel.png"; bucket "broken" answers
  every list with XML that is not well-formed; an unknown bucket is 404
  NoSuchBucket

acme, /acme (the made-up API of a tenant's own connector; "X-Acme-Key:
acme-..." or 403 {"problem": ...}):
  GET /widgets/N          200 {"widget": {"id": N, "colour": the query's
                          colour}}; 404 {"problem": ...} for widget 0
"""
import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from http_server import AWS_KEYS, aws_verify, serve

LOG = []
LOCK = threading.Lock()
SEEN_KEYS = set()           # Idempotency-Keys of first attempts that failed
STRIPE_REPLAYS = {}         # Idempotency-Key -> (status, body)
CHAT_SCRIPTS = {}           # model -> the replies of a scripted conversation
CHAT_HELD = set()           # (model, reply number) held once already
COUNTERS = {"issue": 0, "comment": 0, "customer": 0, "intent": 0}
CHANNELS = [{"id": "C%d" % i, "name": "channel-%d" % i} for i in range(1, 6)]
CHARGES = [{"id": "ch_%d" % i, "object": "charge", "amount": 100 * i}
           for i in range(1, 6)]


def next_number(kind):
    with LOCK:
        COUNTERS[kind] += 1
        return COUNTERS[kind]


def first_attempt(key):
    """Whether this is the first request with this Idempotency-Key."""
    with LOCK:
        if key in SEEN_KEYS:
            return False
        SEEN_KEYS.add(key)
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def send(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        text = raw.decode("utf-8", "replace")
        query = {k: v[0] for k, v in
                 parse_qs(url.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        parts = [p for p in url.path.split("/") if p]
        if parts == ["s3-keys"]:
            AWS_KEYS[query["access_key"]] = query["secret_key"]
            return self.send(200, {})
        if parts == ["log"]:
            with LOCK:
                if self.command == "DELETE":
                    LOG.clear()
                return self.send(200, LOG)
        with LOCK:
            LOG.append({"method": self.command, "path": url.path,
                        "query": query, "headers": headers, "body": text,
                        "at": time.time()})
        service = parts[0] if parts else ""
        request = (self.command, parts[1:], query, headers, text)
        if service == "slack":
            return self.slack(*request)
        if service == "github":
            return self.github(*request)
        if service == "stripe":
            return self.stripe(*request)
        if service == "acme":
            return self.acme(*request)
        if service == "openai":
            return self.openai(*request)
        if service == "s3":
            return S3Service(self, url, headers, raw).answer()
        return self.send(404, {"message": "no such service"})

    # ---------- Slack ----------

    def send_text(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def slack(self, method, parts, query, headers, text):
        if parts[:2] == ["hooks", "services"] and method == "POST":
            if len(parts) != 5 or not parts[4].startswith("hook"):
                return self.send_text(404, "no_service")
            try:
                body = json.loads(text)
                assert "text" in body or "blocks" in body
            except (ValueError, AssertionError, TypeError):
                return self.send_text(400, "invalid_payload")
            return self.send_text(200, "ok")
        if not headers.get("authorization", "").startswith("Bearer xoxb-"):
            return self.send(200, {"ok": False, "error": "not_authed"})
        if parts == ["api", "chat.postMessage"] and method == "POST":
            try:
                body = json.loads(text)
                assert isinstance(body, dict)
            except (ValueError, AssertionError):
                return self.send(200, {"ok": False,
                                       "error": "invalid_form_data"})
            channel = body.get("channel")
            if channel == "FLAKY" and \
                    first_attempt(headers.get("idempotency-key")):
                return self.send(503, {"ok": False,
                                       "error": "service_unavailable"})
            if channel == "C404":
                return self.send(200, {"ok": False,
                                       "error": "channel_not_found"})
            if "text" not in body and "blocks" not in body:
                return self.send(200, {"ok": False, "error": "no_text"})
            return self.send(200, {"ok": True, "channel": channel,
                                   "ts": "1700000000.%06d" % len(LOG),
                                   "message": {"text": body.get("text")}})
        if parts == ["api", "conversations.list"] and method == "GET":
            limit = int(query.get("limit", 2))
            start = int(query["cursor"][1:]) if query.get("cursor") else 0
            page = CHANNELS[start:start + limit]
            more = start + limit < len(CHANNELS)
            return self.send(200, {
                "ok": True, "channels": page,
                "response_metadata": {
                    "next_cursor": "c%d" % (start + limit) if more else ""}})
        return self.send(200, {"ok": False, "error": "unknown_method"})

    # ---------- GitHub ----------

    def github(self, method, parts, query, headers, text):
        if not headers.get("authorization", "").startswith("Bearer ghp_"):
            return self.send(401, {"message": "Bad credentials"})
        if len(parts) < 3 or parts[0] != "repos":
            return self.send(404, {"message": "Not Found"})
        owner, repo, rest = parts[1], parts[2], parts[3:]
        if repo == "missing":
            return self.send(404, {"message": "Not Found"})
        if rest == [] and method == "GET":
            return self.send(200, {"full_name": "%s/%s" % (owner, repo),
                                   "name": repo, "private": False})
        if rest == ["issues"] and method == "POST":
            body = json.loads(text or "{}")
            if not body.get("title"):
                return self.send(422, {"message": "Validation Failed"})
            number = next_number("issue")
            return self.send(201, {"number": number, "title": body["title"],
                                   "body": body.get("body"),
                                   "labels": body.get("labels", [])})
        if rest == ["issues"] and method == "GET":
            per = int(query.get("per_page", 2))
            page = int(query.get("page", 1))
            issues = [{"number": i, "title": "issue %d" % i}
                      for i in range(1, 6)]
            last = (len(issues) + per - 1) // per
            base = "http://%s/github/repos/%s/%s/issues" % (
                headers["host"], owner, repo)
            links = []
            if page < last:
                links.append('<%s?per_page=%d&page=%d>; rel="next"' %
                             (base, per, page + 1))
            links.append('<%s?per_page=%d&page=%d>; rel="last"' %
                         (base, per, last))
            return self.send(200, issues[(page - 1) * per:page * per],
                             [("Link", ", ".join(links))])
        if len(rest) == 3 and rest[0] == "issues" and \
                rest[2] == "comments" and method == "POST":
            body = json.loads(text or "{}")
            return self.send(201, {"id": next_number("comment"),
                                   "issue_number": int(rest[1]),
                                   "body": body.get("body")})
        return self.send(404, {"message": "Not Found"})

    # ---------- Stripe ----------

    def stripe_error(self, status, kind, message, param=None):
        return status, {"error": {"type": kind, "message": message,
                                  "param": param}}

    def stripe(self, method, parts, query, headers, text):
        if not headers.get("authorization", "").startswith("Bearer sk_test_"):
            return self.send(401, {"error": {
                "type": "invalid_request_error",
                "message": "Invalid API Key provided"}})
        key = headers.get("idempotency-key")
        if method == "POST" and key in STRIPE_REPLAYS:
            status, body = STRIPE_REPLAYS[key]
            return self.send(status, body, [("Idempotent-Replayed", "true")])
        form = {k: v[0] for k, v in parse_qs(text).items()}
        if method == "POST" and not headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"):
            status, body = self.stripe_error(400, "invalid_request_error",
                                             "Bodies must be form-encoded")
        elif parts == ["v1", "customers"] and method == "POST":
            email = form.get("email", "")
            if email == "flaky@example.com" and first_attempt(key):
                return self.send(500, {"error": {
                    "type": "api_error",
                    "message": "An unknown error occurred"}})
            if email and "@" not in email:
                status, body = self.stripe_error(
                    400, "invalid_request_error",
                    "Invalid email address: %s" % email, "email")
            else:
                status, body = 200, {"id": "cus_%d" % next_number("customer"),
                                     "object": "customer", "email": email,
                                     "name": form.get("name")}
        elif parts == ["v1", "payment_intents"] and method == "POST":
            if "amount" not in form or "currency" not in form:
                missing = "amount" if "amount" not in form else "currency"
                status, body = self.stripe_error(
                    400, "invalid_request_error",
                    "Missing required param: %s." % missing, missing)
            elif form["amount"] == "402":
                status, body = self.stripe_error(
                    402, "card_error", "Your card was declined.")
            else:
                status, body = 200, {
                    "id": "pi_%d" % next_number("intent"),
                    "object": "payment_intent",
                    "amount": int(form["amount"]),
                    "currency": form["currency"],
                    "customer": form.get("customer"),
                    "status": "requires_payment_method"}
        elif parts == ["v1", "charges"] and method == "GET":
            limit = int(query.get("limit", 2))
            after = query.get("starting_after")
            start = 0
            if after:
                start = [c["id"] for c in CHARGES].index(after) + 1
            page = CHARGES[start:start + limit]
            return self.send(200, {"object": "list", "url": "/v1/charges",
                                   "data": page,
                                   "has_more": start + limit < len(CHARGES)})
        else:
            status, body = self.stripe_error(404, "invalid_request_error",
                                             "Unrecognized request URL")
        if method == "POST" and key:
            STRIPE_REPLAYS[key] = (status, body)
        return self.send(status, body)

    # ---------- OpenAI ----------

    def openai(self, method, parts, query, headers, text):
        if parts == ["v1", "scripts"] and method == "POST":
            return self.openai_script(text)
        if not headers.get("authorization", "").startswith("Bearer sk-"):
            return self.send(401, {"error": {
                "message": "Incorrect API key provided",
                "type": "invalid_request_error"}})
        body = json.loads(text or "{}")
        model = body.get("model")
        if model == "missing":
            return self.send(404, {"error": {
                "message": "The model `missing` does not exist",
                "type": "invalid_request_error"}})
        if parts == ["v1", "chat", "completions"] and method == "POST" \
                and model in CHAT_SCRIPTS:
            return self.openai_scripted(body)
        if parts == ["v1", "chat", "completions"] and method == "POST":
            last = body["messages"][-1]["content"]
            return self.send(200, {
                "id": "chatcmpl-%d" % len(LOG), "object": "chat.completion",
                "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant",
                                         "content": "echo: %s" % last}}],
                "usage": {"prompt_tokens": len(last.split()),
                          "completion_tokens": len(last.split()) + 1,
                          "total_tokens": 2 * len(last.split()) + 1}})
        if parts == ["v1", "embeddings"] and method == "POST":
            inputs = body["input"]
            if isinstance(inputs, str):
                inputs = [inputs]
            return self.send(200, {
                "object": "list", "model": model,
                "data": [{"object": "embedding", "index": i,
                          "embedding": [float(len(t)), 0.5]}
                         for i, t in enumerate(inputs)]})
        return self.send(404, {"error": {"message": "Unknown request URL"}})

    def openai_script(self, text):
        with LOCK:
            CHAT_SCRIPTS.update(json.loads(text))
        return self.send(200, {"scripts": sorted(CHAT_SCRIPTS)})

    def openai_scripted(self, body):
        messages = body["messages"]
        turn = sum(1 for m in messages if m.get("role") == "assistant")
        script = CHAT_SCRIPTS[body["model"]]
        reply = script[min(turn, len(script) - 1)]
        if reply.get("hold"):
            with LOCK:
                first = (body["model"], turn) not in CHAT_HELD
                CHAT_HELD.add((body["model"], turn))
            if first:
                time.sleep(120)
        message = {"role": "assistant", "content": reply.get("content")}
        if "tool_calls" in reply:
            message["tool_calls"] = [
                {"id": "call_%d_%d" % (turn, k), "type": "function",
                 "function": {"name": call["name"],
                              "arguments": json.dumps(call["arguments"])}}
                for k, call in enumerate(reply["tool_calls"])]
        return self.send(200, {
            "id": "chatcmpl-%d" % len(LOG), "object": "chat.completion",
            "model": body["model"],
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if "tool_calls" in reply
                         else "stop"}],
            "usage": {"prompt_tokens": 10 * len(messages),
                      "completion_tokens": 5,
                      "total_tokens": 10 * len(messages) + 5}})

    # ---------- acme, the made-up API of a tenant's own connector ----------

    def acme(self, method, parts, query, headers, text):
        if not headers.get("x-acme-key", "").startswith("acme-"):
            return self.send(403, {"problem": "no key"})
        if parts[:1] == ["widgets"] and len(parts) == 2 and method == "GET":
            if parts[1] == "0":
                return self.send(404, {"problem": "no widget 0"})
            return self.send(200, {"widget": {"id": int(parts[1]),
                                              "colour": query.get("colour")}})
        return self.send(404, {"problem": "no such thing"})

    do_GET = do_POST = do_DELETE = do_PATCH = do_PUT = handle_any


class S3Service:
    """Just enough of S3 for the aws_s3 connector: SigV4 checked, objects put
    and got, ListObjectsV2 with continuation tokens, errors as S3's XML."""

    # bucket -> key -> (body bytes, content type, etag)
    BUCKETS = {"listing": {"k%d.txt" % i: (b"x" * i, "text/plain",
                                          '"%s"' % hashlib.md5(b"x" * i).hexdigest())
                           for i in range(1, 6)},
               "photos": {"pixel.png": (b"\x89PNG\r\n\x1a\n\x00\xff", "image/png",
                                        '"0f1e2d3c4b5a69788796a5b4c3d2e1f0"')},
               "broken": {}}
    NS = "http://s3.amazonaws.com/doc/2006-03-01/"

    def __init__(self, handler, url, headers, raw):
        self.handler, self.url, self.headers, self.raw = handler, url, headers, raw
        self.query = {k: v[0] for k, v in
                      parse_qs(url.query, keep_blank_values=True).items()}

    def send_xml(self, status, xml, extra=()):
        data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xml).encode()
        self.send_bytes(status, data, "application/xml", extra)

    def send_bytes(self, status, data, content_type, extra=()):
        h = self.handler
        h.send_response(status)
        if content_type:
            h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(data)

    def error(self, status, code, message):
        return self.send_xml(status, "<Error><Code>%s</Code><Message>%s</Message>"
                             "<RequestId>4442587FB7D0A2F9</RequestId></Error>"
                             % (code, escape(message)))

    def address(self):
        """(bucket, key): from Host (virtual-hosted) or the path."""
        host = self.headers.get("host", "").split(":")[0]
        path = self.url.path[len("/s3"):]
        if host.endswith(".localhost"):
            return host[:-len(".localhost")], unquote(path.lstrip("/"))
        bucket, _, key = path.lstrip("/").partition("/")
        return bucket, unquote(key)

    def answer(self):
        method = self.handler.command
        ok, facts = aws_verify(method, self.url, self.headers, self.raw)
        if not ok:
            return self.error(403, "SignatureDoesNotMatch",
                              "The request signature we calculated does not "
                              "match the signature you provided (%s)." % facts)
        if "x-amz-content-sha256" not in self.headers:
            return self.error(400, "InvalidRequest",
                              "Missing required header for this request: "
                              "x-amz-content-sha256")
        if facts["service"] != "s3":
            return self.error(400, "AuthorizationHeaderMalformed",
                              "The service in the credential must be s3.")
        bucket, key = self.address()
        if bucket not in self.BUCKETS:
            return self.error(404, "NoSuchBucket",
                              "The specified bucket does not exist")
        objects = self.BUCKETS[bucket]
        if method == "PUT" and key:
            etag = '"%s"' % hashlib.md5(self.raw).hexdigest()
            objects[key] = (self.raw, self.headers.get("content-type"), etag)
            return self.send_bytes(200, b"", None, [("ETag", etag)])
        if method == "GET" and key:
            if key not in objects:
                return self.error(404, "NoSuchKey",
                                  "The specified key does not exist.")
            body, content_type, etag = objects[key]
            return self.send_bytes(200, body, content_type, [("ETag", etag)])
        if method == "GET":
            return self.list(bucket, objects)
        return self.error(405, "MethodNotAllowed",
                          "The specified method is not allowed.")

    def list(self, bucket, objects):
        if self.query.get("list-type") != "2":
            return self.error(400, "InvalidArgument", "list-type must be 2")
        if bucket == "broken":
            return self.send_xml(200, "<ListBucketResult><Name>broken</Name>"
                                 "<Contents></ListBucketResult>")
        keys = sorted(k for k in objects
                      if k.startswith(self.query.get("prefix", "")))
        token = self.query.get("continuation-token")
        start = int(base64.b64decode(token).decode()[4:]) if token else 0
        size = int(self.query.get("max-keys", 1000))
        page = keys[start:start + size]
        more = start + size < len(keys)
        xml = ['<ListBucketResult xmlns="%s"><Name>%s</Name><Prefix>%s</Prefix>'
               '<KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys>'
               '<IsTruncated>%s</IsTruncated>'
               % (self.NS, bucket, escape(self.query.get("prefix", "")),
                  len(page), size, "true" if more else "false")]
        if token:
            xml.append("<ContinuationToken>%s</ContinuationToken>" % token)
        if more:
            xml.append("<NextContinuationToken>%s</NextContinuationToken>" %
                       base64.b64encode(b"next%d" % (start + size)).decode())
        for key in page:
            body, _, etag = objects[key]
            xml.append("<Contents><Key>%s</Key>"
                       "<LastModified>2024-05-01T12:00:00.000Z</LastModified>"
                       "<ETag>%s</ETag><Size>%d</Size>"
                       "<StorageClass>STANDARD</StorageClass></Contents>"
                       % (escape(key), escape(etag, {'"': "&quot;"}), len(body)))
        xml.append("</ListBucketResult>")
        return self.send_xml(200, "".join(xml))


if __name__ == "__main__":
    serve(Handler)
