"""Pushes to a local fake agency API on 127.0.0.1: success, a refused request, and retries with back-off."""

import json
import socket
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.tests import freeze_time, tagged

from .common import CreditCollectionCommon


def free_port(start=18360, stop=18399):
    for port in range(start, stop):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)):
                return port
    raise RuntimeError("no free port in 18360-18399")


class FakeAgencyAPI(ThreadingHTTPServer):
    """Answers POST /claims like an agency API: 201 {"reference": ...} with the right bearer token,
    401 without it; ``script`` lists the statuses to answer first (e.g. 503 with Retry-After)."""

    daemon_threads = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), FakeAgencyHandler)
        self.script = []
        self.requests = []
        self.token = "s3cret-token"


class FakeAgencyHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.headers.get("Authorization") != f"Bearer {server.token}":
            return self._answer(401, {"error": "invalid token"})
        if server.script:
            status = server.script.pop(0)
            return self._answer(status, {"error": "unavailable"}, {"Retry-After": "120"} if status == 503 else {})
        if self.headers.get("Content-Type", "").startswith("application/json"):
            payload = json.loads(body)
            if not payload.get("invoices"):
                return self._answer(422, {"error": "no invoices"})
        return self._answer(201, {"reference": f"AG-{len(server.requests)}"})

    def _answer(self, status, payload, headers=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


@freeze_time("2026-03-02 10:00:00")
@tagged("post_install", "-at_install")
class TestPush(CreditCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeAgencyAPI(free_port())
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.agency.write(
            {
                "push_method": "json",
                "endpoint_url": f"http://127.0.0.1:{cls.server.server_port}/claims",
                "auth_type": "bearer",
                "api_secret": "s3cret-token",
                "push_retry_minutes": 5,
                "push_max_attempts": 3,
            }
        )
        cls.inv = cls._invoice(cls.debtor, 60, amount=800.0)

    def setUp(self):
        super().setUp()
        self.server.script = []
        self.server.requests = []

    def _send(self, when):
        return self.env["credit.collection.push"]._cron_send(now=when)

    def test_json_push_success(self):
        case = self.agency.with_user(self.manager).hand_over(self.inv)
        push = case.push_ids
        self.assertEqual((push.state, push.event), ("queued", "hand_over"))
        self.assertFalse(self.env["mail.mail"].search([("model", "=", case._name), ("res_id", "=", case.id)]))
        self._send(datetime(2026, 3, 2, 10, 0))
        self.assertEqual(push.state, "done")
        self.assertEqual(push.response_code, 201)
        self.assertEqual(case.agency_reference, "AG-1")
        payload = json.loads(self.server.requests[0]["body"])
        self.assertEqual(payload["case"], case.name)
        self.assertEqual(payload["invoices"][0]["number"], self.inv.name)
        self.assertEqual(payload["costs"], case.costs)
        self.assertTrue(payload["file"]["name"].endswith(".csv"))
        self.assertIn("sent to Incasso Noord", case.message_ids[0].body)
        # a recall is pushed the same way
        case.action_recall()
        self._send(datetime(2026, 3, 2, 10, 5))
        self.assertEqual(json.loads(self.server.requests[-1]["body"])["event"], "recall")

    def test_file_upload(self):
        self.agency.push_method = "file"
        case = self.agency.hand_over(self.inv)
        self._send(datetime(2026, 3, 2, 10, 0))
        self.assertEqual(case.push_ids.state, "done")
        body = self.server.requests[0]["body"]
        self.assertIn(b'name="file"; filename="', body)
        self.assertIn(self.inv.name.encode(), body)
        self.assertTrue(self.server.requests[0]["headers"]["Content-Type"].startswith("multipart/form-data"))

    def test_retry_with_back_off_then_success(self):
        self.server.script = [500, 503]
        case = self.agency.hand_over(self.inv)
        push = case.push_ids
        start = datetime(2026, 3, 2, 10, 0)
        self._send(start)
        self.assertEqual((push.state, push.attempt_count), ("queued", 1))
        self.assertEqual(push.next_attempt, start + timedelta(minutes=5))
        self.assertIn("attempt 1", case.message_ids[0].body)
        self._send(start + timedelta(minutes=4))  # not due yet: nothing sent
        self.assertEqual(len(self.server.requests), 1)
        self._send(start + timedelta(minutes=5))  # 503 with Retry-After 120 s; back-off 10 min wins
        self.assertEqual(push.attempt_count, 2)
        self.assertEqual(push.next_attempt, start + timedelta(minutes=15))
        self._send(start + timedelta(minutes=15))
        self.assertEqual((push.state, push.attempt_count), ("done", 3))
        self.assertEqual(len(self.server.requests), 3)

    def test_errors_that_are_final(self):
        self.agency.sudo().api_secret = "wrong"
        case = self.agency.hand_over(self.inv)
        self._send(datetime(2026, 3, 2, 10, 0))
        self.assertEqual(case.push_ids.state, "failed")
        self.assertEqual(case.push_ids.response_code, 401)
        self.assertIn("failed for good", case.message_ids[0].body)
        # retried by hand after fixing the token
        self.agency.sudo().api_secret = "s3cret-token"
        case.push_ids.action_retry()
        self._send(datetime(2026, 3, 2, 10, 1))
        self.assertEqual(case.push_ids.state, "done")

    def test_gives_up_after_the_attempts(self):
        self.server.script = [502, 502, 502, 502]
        case = self.agency.hand_over(self.inv)
        push = case.push_ids
        when = datetime(2026, 3, 2, 10, 0)
        for _attempt in range(3):
            self._send(when)
            when = push.next_attempt
        self.assertEqual((push.state, push.attempt_count), ("failed", 3))

    def test_unreachable_endpoint_is_retried(self):
        self.agency.sudo().endpoint_url = f"http://127.0.0.1:{free_port(18390)}/claims"  # nobody listens
        case = self.agency.hand_over(self.inv)
        self._send(datetime(2026, 3, 2, 10, 0))
        self.assertEqual((case.push_ids.state, case.push_ids.attempt_count), ("queued", 1))
        self.assertTrue(case.push_ids.last_error)
