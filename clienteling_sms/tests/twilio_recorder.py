"""A local HTTP endpoint that answers like Twilio's REST API and records what it receives.

The official ``twilio`` SDK builds real requests (paths, form bodies, basic auth);
``TwilioProvider(api_base_url=recorder.url)`` sends them here instead of to Twilio.
No ``odoo`` import: the repo-level tests use it too.
"""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class TwilioRecorder:
    """``with TwilioRecorder() as recorder:`` serves on 127.0.0.1 on a free port.

    ``recorder.requests`` lists dicts (method, path, query, form, auth user);
    ``recorder.fail_next(status, code, message)`` makes the next request fail the
    way Twilio does.
    """

    def __init__(self):
        self.requests = []
        self._failures = []
        self._lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                parts = urlsplit(self.path)
                auth = self.headers.get("Authorization", "")
                user = (
                    base64.b64decode(auth[6:]).decode().split(":")[0]
                    if auth.startswith("Basic ")
                    else ""
                )
                entry = {
                    "method": self.command,
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "form": parse_qs(body),
                    "user": user,
                }
                with recorder._lock:
                    recorder.requests.append(entry)
                    failure = recorder._failures.pop(0) if recorder._failures else None
                if failure:
                    status, payload = failure
                else:
                    status, payload = recorder._answer(entry)
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, status, code, message):
        self._failures.append((status, {"code": code, "message": message, "status": status}))

    def _answer(self, entry):
        path, form = entry["path"], {k: v[0] for k, v in entry["form"].items()}
        index = len(self.requests)
        if path.endswith("/Messages.json") and entry["method"] == "POST":
            return 201, {
                "sid": f"SM{index:032d}",
                "status": "queued",
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
            }
        if "/AvailablePhoneNumbers/" in path:
            country = path.split("/AvailablePhoneNumbers/")[1].split("/")[0]
            sample = {"US": "+1212555", "GB": "+4474001", "FR": "+336123"}.get(country, "+1415555")
            return 200, {
                "available_phone_numbers": [
                    {
                        "phone_number": f"{sample}{n:04d}"[: len(sample) + 4],
                        "region": "NY",
                        "locality": "New York",
                        "capabilities": {"sms": True, "mms": True, "voice": True},
                    }
                    for n in range(3)
                ],
                "uri": path,
            }
        if path.endswith("/IncomingPhoneNumbers.json") and entry["method"] == "POST":
            return 201, {
                "sid": f"PN{index:032d}",
                "phone_number": form.get("PhoneNumber"),
                "capabilities": {"sms": True, "mms": True, "voice": True},
            }
        if "/IncomingPhoneNumbers/" in path and entry["method"] == "DELETE":
            return 204, None
        if (
            path.startswith("/2010-04-01/Accounts/")
            and path.endswith(".json")
            and entry["method"] == "GET"
        ):
            sid = path.rsplit("/", 1)[1][: -len(".json")]
            return 200, {"sid": sid, "friendly_name": "Test Retail", "status": "active"}
        return 404, {
            "code": 20404,
            "message": "The requested resource was not found",
            "status": 404,
        }
