"""A local HTTP endpoint standing in for an NHS team's intake service.

It keeps records by Idempotency-Key (a repeat is acknowledged, not stored again)
and can be told to fail: a status for the next requests, or to drop the
connection after storing (a reply lost on the way back). With `fhir` set it expects
a FHIR Bundle (application/fhir+json) whose identifier is the key as a URN UUID.
"""
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.plan = []  # what to do with the next requests: an HTTP status, or "drop"
        self.requests = []  # (idempotency key, authorization header)
        self.stored = {}  # key -> body
        self.retry_after = None
        self.fhir = False
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key")
                with receiver.lock:
                    receiver.requests.append((key, self.headers.get("Authorization")))
                    action = receiver.plan.pop(0) if receiver.plan else 200
                    if action in (200, "drop"):
                        record = json.loads(body)
                        if receiver.fhir:
                            assert self.headers.get("Content-Type") == "application/fhir+json"
                            assert record["resourceType"] == "Bundle"
                            assert record["identifier"]["value"] == f"urn:uuid:{uuid.UUID(hex=key)}"
                        else:
                            assert record["id"] == key
                        receiver.stored.setdefault(key, record)
                if action == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.send_response(action)
                if receiver.retry_after is not None:
                    self.send_header("Retry-After", str(receiver.retry_after))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/intake"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
