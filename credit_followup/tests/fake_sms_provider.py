"""Odoo's SMS service (IAP, JSON-RPC ``/api/sms/3/send``) as a local server on 127.0.0.1 for tests.

It answers as the documented API does: one result per number, ``success`` or an error state such as
``wrong_number_format``, ``insufficient_credit`` or ``server_error``."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, payload))
        if self.path != "/api/sms/3/send":
            self.send_error(404)
            return
        results = [
            {"uuid": number["uuid"], "state": self.server.states.get(number["number"], "success"), "credit": 1}
            for message in payload["params"]["messages"]
            for number in message["numbers"]
        ]
        body = json.dumps({"jsonrpc": "2.0", "id": payload.get("id"), "result": results}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FakeSmsProvider(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, states=None):
        super().__init__(("127.0.0.1", port), _Handler)
        self.states = states or {}  # number -> IAP state
        self.requests = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
