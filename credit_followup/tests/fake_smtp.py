"""A small SMTP server on 127.0.0.1 for tests: answers as a real MTA does, 550 for addresses that bounce."""

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server = self.server
        self.reply("220 mx.example.test ESMTP ready")
        recipients = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-mx.example.test")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 mx.example.test")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>").split(">")[0].lower()
                if address in server.bouncing:
                    self.reply(f"550 5.1.1 <{address}>: Recipient address rejected: User unknown")
                else:
                    recipients.append(address)
                    self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data.append(chunk)
                server.received.append((list(recipients), b"".join(data)))
                self.reply("250 2.0.0 queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not recognized")


class FakeSmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, bouncing=()):
        super().__init__(("127.0.0.1", port), _Handler)
        self.bouncing = {address.lower() for address in bouncing}
        self.received = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

    def recipients(self):
        return [address for rcpts, _data in self.received for address in rcpts]
