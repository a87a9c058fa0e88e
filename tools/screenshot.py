#!/usr/bin/env python3
"""Screenshot an Odoo page of `make run` for the README: logs in, opens the URL in headless Chromium.

python3 tools/screenshot.py "/odoo/credit-followup-profiles/1" docs/profile_timeline.png
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket

BASE = f"http://localhost:{os.environ.get('ODOO_HTTP_PORT', '8069')}"
DEBUG_PORT = os.environ.get("SCREENSHOT_DEBUG_PORT", "9333")


def main(path, output, width=1400, height=900, login="admin", password="admin"):
    session = requests.Session()
    res = session.post(
        f"{BASE}/web/session/authenticate",
        timeout=30,
        json={
            "jsonrpc": "2.0",
            "params": {"db": "credit_demo", "login": login, "password": password},
        },
    )
    res.raise_for_status()
    sid = session.cookies["session_id"]
    browser = shutil.which("chromium") or shutil.which("google-chrome")
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={DEBUG_PORT}",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _i in range(50):
                try:
                    targets = requests.get(f"http://127.0.0.1:{DEBUG_PORT}/json", timeout=2).json()
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            page = next(t for t in targets if t["type"] == "page")
            ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
            ids = iter(range(1, 1000))

            def call(method, **params):
                msg_id = next(ids)
                ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
                while True:
                    msg = json.loads(ws.recv())
                    if msg.get("id") == msg_id:
                        return msg.get("result", {})

            call("Network.enable")
            call("Network.setCookie", name="session_id", value=sid, domain="localhost", path="/")
            call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
            call("Page.navigate", url=BASE + path)
            time.sleep(float(os.environ.get("SCREENSHOT_WAIT", "6")))
            if os.environ.get("SCREENSHOT_JS"):  # e.g. tick checkboxes before the picture
                call("Runtime.evaluate", expression=os.environ["SCREENSHOT_JS"])
                time.sleep(1)
            shot = call("Page.captureScreenshot", format="png")
            with open(output, "wb") as fh:
                fh.write(base64.b64decode(shot["data"]))
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main(
        sys.argv[1],
        sys.argv[2],
        width=int(os.environ.get("SCREENSHOT_WIDTH", "1400")),
        height=int(os.environ.get("SCREENSHOT_HEIGHT", "900")),
        login=os.environ.get("SCREENSHOT_LOGIN", "admin"),
        password=os.environ.get("SCREENSHOT_PASSWORD", "admin"),
    )
