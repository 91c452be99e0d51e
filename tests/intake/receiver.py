"""A local HTTPS endpoint standing in for an NHS team's intake service.

It serves real TLS with a certificate from a test certificate authority made for this run
(`CA_FILE`): the relay only posts over https, so the tests pass the CA to it as a deployment
with a private CA would (PHB_INTAKE_CA_BUNDLE, set for every test in tests/conftest.py).

It keeps records by Idempotency-Key (a repeat is acknowledged, not stored again)
and can be told to fail: a status for the next requests, or to drop the
connection after storing (a reply lost on the way back). With `fhir` set it expects
a FHIR Bundle (application/fhir+json) whose identifier is the key as a URN UUID.
"""

import datetime as dt
import ipaddress
import json
import pathlib
import ssl
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _make_certificates(directory: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path, pathlib.Path]:
    """A certificate authority and a server certificate for 127.0.0.1 and localhost, signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def build(subject, issuer, key, signer, ca, extra=()):
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        for extension in extra:
            builder = builder.add_extension(extension, critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PHB test CA")])
    ca = build(
        ca_name,
        ca_name,
        ca_key,
        ca_key,
        True,
        [x509.KeyUsage(False, False, False, False, False, True, True, False, False)],
    )
    server = build(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]),
        ca_name,
        server_key,
        ca_key,
        False,
        [x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")])],
    )
    pem = serialization.Encoding.PEM
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(server.public_bytes(pem))
    paths[2].write_bytes(server_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


_DIR = pathlib.Path(tempfile.mkdtemp(prefix="phb-test-tls-"))
CA_FILE, _CERT_FILE, _KEY_FILE = _make_certificates(_DIR)


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
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(_CERT_FILE, _KEY_FILE)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}/intake"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
