#!/usr/bin/env python3
"""http_server.py - the HTTP server the tests of the http node talk to.

Python's standard library only; one thread per connection.  Started for
test/t/015_http.pl, 016_credentials.pl and 017_http_acceptance.pl by
test/perl/HttpTestServer.pm on 127.0.0.1 with port 0; it writes the port
it got to the file named by --port-file, serves until killed, and records
every request it receives (but those to /log and /release), with the time
it arrived.

Endpoints (any method unless said otherwise):
  /echo                 200, JSON: method, path, query, headers, body (text)
                        and json (the body parsed, when it is JSON); for a
                        multipart/form-data body, body "" and parts:
                        [{name, filename, content_type, data (text, null
                        when the bytes are no text), base64}]
  /json                 200, {"hello": "world", "n": 1}
  /array                200, [{"id": 1}, {"id": 2}, 3]
  /scalar               200, JSON 42
  /text                 200, text/plain "plain text"
  /binary               200, application/octet-stream, bytes 0 to 255
  /notjson              200, application/json that is not JSON
  /headers              200, {} with "X-One: 1" and "X-Twice: a", "X-Twice: b"
  /status/N             status N, JSON {"status": N}
  /flaky/KEY/N          500 for the first N requests with KEY, then 200
                        with {"key": KEY, "tries": count}
  /retry-after/S        503 with "Retry-After: S"; with ?status=N that
                        status instead, with ?date=1 the header as the
                        HTTP date S seconds ahead
  /pages/N/K            200, {"page": K, "next": the absolute URL of
                        /pages/N/K+1, or null when K is N}; with ?rel=1
                        the path only, "/pages/N/K+1?rel=1"
  /paged/N              items {"id": 1} to {"id": N}, ?per=P (default 2)
                        a page: page K (from 1) when "page" is in the query
                        or the JSON or form body, else from "offset"
                        (from 0); [] past the end; with ?wrap=1
                        {"items": [...], "more": true or false}
  /delay/S              200 after S seconds (fractions allowed)
  /redirect/N           302 to /redirect/N-1, and /redirect/1 to /json: N
                        redirects
  /redirect-to?url=U[&code=C]
                        C (302 unless given) to U
  /redirect-loop        302 to itself
  /large/N              200, N bytes of text, with Content-Length
  /chunked/N            200, N chunks of 1,024 bytes, chunked
  /gzip/N               200, N bytes of text sent gzip-compressed
                        ("Content-Encoding: gzip", a few hundred bytes)
  /big-header/N         200, {} with a header "X-Big" of N bytes
  /countdown/KEY/N[/...]
                        200 {"hit": K} with a relative Link rel="next"
                        (<?page=K+1>) for the first N requests with KEY,
                        then 500
  /bom-json             200, application/json {"a": 1} after a UTF-8 byte
                        order mark
  /reason-colon         200 with reason phrase "Note: all good", {}
  /garbage              not HTTP: a line of text, then the connection closes
  /linkpages/N/K?style=S
                        200, {"page": K}, with a Link header to
                        /linkpages/N/K+1 unless K is N, written as S says:
                        plain (rel="next"), multi (rel="next last"), upper
                        (REL="Next"), space (; rel = "next"), relative
                        (<K+1?style=relative>, relative to the page's URL)
  /hold/NAME            200 {"held": NAME} once gate NAME is open (see
                        /release), at the latest after 120 s
  /release/NAME         opens gate NAME: requests waiting in /hold/NAME
                        and all later ones return at once
  /log                  GET: the requests recorded so far, oldest first,
                        as JSON [{method, path, query, headers, body,
                        at}], at being the arrival as seconds since the
                        epoch; DELETE: forget them

OAuth 2.0 client credentials (test/t/016_credentials.pl):
  /oauth/token?expires_in=N
                        POST of a form with grant_type=client_credentials:
                        200, {"access_token": "token-K", "token_type":
                        "Bearer", "expires_in": N (default 3600)}, K
                        counting the tokens issued; the new token is the
                        only one /oauth/protected accepts.  Any other
                        grant_type: 400 {"error": "unsupported_grant_type"}
  /oauth/protected      200 {"ok": true, "token": the token} when the
                        request carries "Authorization: Bearer" and the
                        current token, else 401 {"error": "invalid_token"}
  /oauth/revoke         no token is current any more: 200 {}
  /oauth/stats          200 {"issued": K, "current": the current token}

AWS Signature Version 4:
  /aws/register?access_key=A&secret_key=S
                        remember S as the secret key of A: 200 {}
  /aws/check            200 {"verified": true, "access_key", "region",
                        "service", "signed_headers"} when the request's
                        Authorization header is a valid AWS4-HMAC-SHA256
                        signature of it under a registered key (its payload
                        hash the x-amz-content-sha256 header when given, as
                        S3 has it: the body's SHA-256 or UNSIGNED-PAYLOAD),
                        else 403
                        {"verified": false, "reason": ...}
As a forward proxy: a request whose target is an absolute http:// URL
(as clients send through an http proxy) is recorded with "proxied": true
and sent on to that URL; its response comes back with "Via: 1.1
test-proxy".  CONNECT (https through the proxy) is not served.
"""
import argparse
import base64
import email.parser
import email.policy
import email.utils
import http.client
import gzip
import hashlib
import hmac
import os
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

LOG = []
LOG_LOCK = threading.Lock()
FLAKY = {}
GATES = {}                  # NAME -> threading.Event, for /hold and /release
OAUTH = {"issued": 0, "current": None}
AWS_KEYS = {}


def aws_verify(method, url, headers, body):
    """Whether a request carries a valid AWS Signature Version 4: (True,
    facts) or (False, reason)."""
    auth = headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return False, "no AWS4-HMAC-SHA256 authorization"
    fields = dict(part.strip().split("=", 1)
                  for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    access_key, date, region, service, terminal = \
        fields["Credential"].split("/")
    secret = AWS_KEYS.get(access_key)
    if secret is None or terminal != "aws4_request":
        return False, "unknown access key"
    signed = fields["SignedHeaders"].split(";")
    canonical_query = "&".join(sorted(
        "%s=%s" % (quote(unquote(k), safe="-_.~"), quote(unquote(v), safe="-_.~"))
        for k, v in (p.split("=", 1) if "=" in p else (p, "")
                     for p in url.query.split("&") if p)))
    # S3's: the payload hash is x-amz-content-sha256 when the request has it
    payload = hashlib.sha256(body).hexdigest()
    claimed = headers.get("x-amz-content-sha256", payload)
    if claimed not in (payload, "UNSIGNED-PAYLOAD"):
        return False, "x-amz-content-sha256 is not the body's hash"
    canonical = "\n".join([
        method, url.path or "/", canonical_query,
        "".join("%s:%s\n" % (h, " ".join(headers.get(h, "").split()))
                for h in signed),
        ";".join(signed), claimed])
    to_sign = "\n".join([
        "AWS4-HMAC-SHA256", headers.get("x-amz-date", ""),
        "/".join([date, region, service, terminal]),
        hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, terminal):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["Signature"]):
        return False, "signature mismatch"
    return True, {"verified": True, "access_key": access_key,
                  "region": region, "service": service,
                  "signed_headers": signed}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def handle(self):
        # a client that went away (a worker killed while /hold held its
        # request) is no error of the server's
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send(self, status, body=b"", content_type="application/json",
             headers=()):
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        text = raw.decode("utf-8", "replace")
        query = {k: v[0] if len(v) == 1 else v
                 for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        received = {
            "method": self.command,
            "path": url.path,
            "query": query,
            # the standard library decodes header bytes as Latin-1
            "headers": {k.lower(): v.encode("latin-1").decode("utf-8", "replace")
                        for k, v in self.headers.items()},
            "body": text,
            "at": time.time(),
        }
        if self.path.startswith("http://"):
            received["proxied"] = True
            with LOG_LOCK:
                LOG.append(received)
            return self.forward(url, raw)
        parts = [p for p in url.path.split("/") if p]
        if parts != ["log"] and parts[:1] != ["release"]:
            with LOG_LOCK:
                LOG.append(received)
        route = parts[0] if parts else ""

        if route == "oauth":
            return self.oauth(parts[1] if len(parts) > 1 else "", query, text)
        if route == "aws":
            if parts[1:] == ["register"]:
                AWS_KEYS[query["access_key"]] = query["secret_key"]
                return self.send(200, {})
            ok, facts = aws_verify(self.command, url, received["headers"], raw)
            if not ok:
                return self.send(403, {"verified": False, "reason": facts})
            return self.send(200, facts)
        if route == "log":
            with LOG_LOCK:
                if self.command == "DELETE":
                    LOG.clear()
                    return self.send(200, [])
                return self.send(200, LOG)
        if route == "echo":
            echo = dict(received)
            try:
                echo["json"] = json.loads(text) if text else None
            except ValueError:
                echo["json"] = None
            if received["headers"].get("content-type", "").startswith(
                    "multipart/form-data"):
                echo["body"] = ""
                echo["parts"] = multipart_parts(
                    received["headers"]["content-type"], raw)
            return self.send(200, echo)
        if route == "json":
            return self.send(200, {"hello": "world", "n": 1})
        if route == "array":
            return self.send(200, [{"id": 1}, {"id": 2}, 3])
        if route == "scalar":
            return self.send(200, 42)
        if route == "text":
            return self.send(200, "plain text", "text/plain; charset=utf-8")
        if route == "binary":
            return self.send(200, bytes(range(256)), "application/octet-stream")
        if route == "notjson":
            return self.send(200, "{not json", "application/json")
        if route == "headers":
            return self.send(200, {}, headers=[("X-One", "1"), ("X-Twice", "a"),
                                               ("X-Twice", "b")])
        if route == "status":
            status = int(parts[1])
            return self.send(status, {"status": status})
        if route == "flaky":
            key, failures = parts[1], int(parts[2])
            with LOG_LOCK:
                FLAKY[key] = FLAKY.get(key, 0) + 1
                tries = FLAKY[key]
            if tries <= failures:
                return self.send(500, {"error": "flaky", "tries": tries})
            return self.send(200, {"key": key, "tries": tries})
        if route == "retry-after":
            wait = parts[1]
            if query.get("date"):
                wait = email.utils.formatdate(time.time() + int(wait),
                                              usegmt=True)
            return self.send(int(query.get("status", 503)), {"error": "later"},
                             headers=[("Retry-After", wait)])
        if route == "pages":
            last, page = int(parts[1]), int(parts[2])
            following = None
            if page < last:
                following = "http://%s:%d/pages/%d/%d" % (
                    self.server.server_address[0], self.server.server_address[1],
                    last, page + 1)
                if query.get("rel"):
                    following = "/pages/%d/%d?rel=1" % (last, page + 1)
            return self.send(200, {"page": page, "next": following})
        if route == "paged":
            return self.paged(int(parts[1]), query, text)
        if route == "delay":
            time.sleep(float(parts[1]))
            return self.send(200, {"slept": float(parts[1])})
        if route == "redirect":
            left = int(parts[1])
            target = "/json" if left <= 1 else "/redirect/%d" % (left - 1)
            return self.send(302, "", "text/plain", [("Location", target)])
        if route == "redirect-to":
            return self.send(int(query.get("code", "302")), "", "text/plain",
                             [("Location", query.get("url", "/json"))])
        if route == "redirect-loop":
            return self.send(302, "", "text/plain",
                             [("Location", "/redirect-loop")])
        if route == "gzip":
            body = gzip.compress(b"c" * int(parts[1]))
            return self.send(200, body, "text/plain",
                             [("Content-Encoding", "gzip")])
        if route == "countdown":
            with LOG_LOCK:
                FLAKY[parts[1]] = FLAKY.get(parts[1], 0) + 1
                hits = FLAKY[parts[1]]
            if hits <= int(parts[2]):
                return self.send(200, {"hit": hits},
                                 headers=[("Link", '<?page=%d>; rel="next"' % (hits + 1))])
            return self.send(500, {"hit": hits})
        if route == "bom-json":
            return self.send(200, b"\xef\xbb\xbf" + b'{"a": 1}')
        if route == "reason-colon":
            body = b"{}"
            self.send_response(200, "Note: all good")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        if route == "garbage":
            self.wfile.write(b"NOT HTTP AT ALL\r\n")
            self.close_connection = True
            return None
        if route == "linkpages":
            last, page = int(parts[1]), int(parts[2])
            headers = []
            if page < last:
                style = query.get("style", "plain")
                target = "<http://%s:%d/linkpages/%d/%d?style=%s>" % (
                    self.server.server_address[0], self.server.server_address[1],
                    last, page + 1, style)
                if style == "relative":
                    target = "<%d?style=relative>" % (page + 1)
                rel = {"plain": '; rel="next"', "multi": '; rel="next last"',
                       "upper": '; REL="Next"', "space": ' ; rel = "next"',
                       "relative": '; rel="next"'}[style]
                headers.append(("Link", target + rel))
            return self.send(200, {"page": page}, headers=headers)
        if route == "big-header":
            return self.send(200, {}, headers=[("X-Big", "h" * int(parts[1]))])
        if route in ("hold", "release"):
            with LOG_LOCK:
                gate = GATES.setdefault(parts[1], threading.Event())
            if route == "release":
                gate.set()
                return self.send(200, {"released": parts[1]})
            gate.wait(120)
            return self.send(200, {"held": parts[1]})
        if route == "large":
            return self.send(200, b"a" * int(parts[1]), "text/plain")
        if route == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(int(parts[1])):
                self.wfile.write(b"400\r\n" + b"b" * 1024 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return None
        return self.send(404, {"error": "no such endpoint"})

    def oauth(self, what, query, text):
        """The OAuth 2.0 endpoints: token, protected, revoke, stats."""
        with LOG_LOCK:
            if what == "token":
                form = {k: v[0] for k, v in parse_qs(text).items()}
                if form.get("grant_type") != "client_credentials":
                    return self.send(400, {"error": "unsupported_grant_type"})
                OAUTH["issued"] += 1
                OAUTH["current"] = "token-%d" % OAUTH["issued"]
                return self.send(200, {
                    "access_token": OAUTH["current"], "token_type": "Bearer",
                    "expires_in": int(query.get("expires_in", 3600))})
            if what == "protected":
                given = self.headers.get("Authorization", "")
                if OAUTH["current"] is None or \
                        given != "Bearer " + OAUTH["current"]:
                    return self.send(401, {"error": "invalid_token"})
                return self.send(200, {"ok": True, "token": OAUTH["current"]})
            if what == "revoke":
                OAUTH["current"] = None
                return self.send(200, {})
            if what == "stats":
                return self.send(200, OAUTH)
        return self.send(404, {"error": "no such endpoint"})
    def paged(self, total, query, text):
        fields = dict(query)
        try:
            body = json.loads(text) if text else {}
        except ValueError:
            body = {k: v[0] for k, v in parse_qs(text).items()}
        if isinstance(body, dict):
            fields.update(body)
        per = int(query.get("per", 2))
        if "page" in fields:
            first = (int(fields["page"]) - 1) * per
        else:
            first = int(fields.get("offset", 0))
        items = [{"id": i + 1} for i in range(max(first, 0), min(first + per, total))]
        if query.get("wrap"):
            return self.send(200, {"items": items, "more": first + per < total})
        return self.send(200, items)

    def forward(self, url, raw):
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("proxy-connection", "connection",
                                        "keep-alive", "host")}
        target = http.client.HTTPConnection(url.hostname, url.port or 80,
                                            timeout=30)
        path = url.path + ("?" + url.query if url.query else "")
        target.request(self.command, path or "/", body=raw or None,
                       headers=headers)
        response = target.getresponse()
        body = response.read()
        target.close()
        return self.send(response.status, body,
                         response.getheader("Content-Type", "text/plain"),
                         [("Via", "1.1 test-proxy")])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


def text_or_none(data):
    """UTF-8 bytes with no NUL as text; None for any others."""
    try:
        return None if b"\0" in data else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def multipart_parts(content_type, raw):
    """The parts of a multipart/form-data body, as /echo shows them."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    parts = []
    for part in message.iter_parts():
        data = part.get_payload(decode=True) or b""
        parts.append({
            "name": part.get_param("name", header="content-disposition"),
            "filename": part.get_filename(),
            "content_type": part.get_content_type()
            if part.get("Content-Type") else None,
            "data": text_or_none(data),
            "base64": base64.b64encode(data).decode(),
        })
    return parts


def serve(handler):
    """Serve handler on a free port of 127.0.0.1, written to --port-file
    (test/mock_services.py serves its own handler with it)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    # appears complete, or not at all
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


def main():
    serve(Handler)


if __name__ == "__main__":
    sys.exit(main())
