"""Digest test fixtures: sample leads, a real aiosmtpd server on 127.0.0.1, a throwaway TLS CA."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine, select

from dbschema import upgrade
from leads.branches_file import example_table, read_branches
from leads.branches_store import import_branches
from leads.build import build_leads
from leads.lead_row import LeadRow
from leads.models import Lead
from pipeline.db import make_engine, session_factory
from tests.leads.conftest import NOW, package, write_packages

BASE_LEAD = LeadRow(
    site="https://spse.inaproc.id/balikpapankota",
    code="10102453000",
    name="Pembangunan Jalan Lingkar Utara",
    category="Pekerjaan Konstruksi",
    agency="Pemerintah Daerah Kota Balikpapan",
    work_unit="Dinas Pekerjaan Umum",
    kabkota_code="64.71",
    kabkota="Kota Balikpapan",
    province="Kalimantan Timur",
    branch="KC-BALIKPAPAN",
    route_basis="evidence",
    route_distance_km=None,
    contractor_name="PT Maju Jaya",
    contractor_npwp="015448632009000",
    value=Decimal("1000000000"),
    value_basis="contract_value",
    jkk=Decimal("1500000"),
    jkm=Decimal("250000"),
    estimated_contribution=Decimal("1750000"),
    contract_signed_on=dt.date(2026, 11, 2),
    deadline=dt.date(2026, 11, 20),
    days_overdue=2,
    score=5.0,
    status="new",
    url="https://spse.inaproc.id/balikpapankota/lelang/10102453000/pengumumanlelang",
)


@pytest.fixture
def make_lead() -> Callable[..., LeadRow]:
    """A LeadRow like BASE_LEAD with the given fields changed."""
    return lambda **changes: replace(BASE_LEAD, **changes)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RecordingHandler:
    """aiosmtpd handler that keeps every delivered message and refuses listed recipients with 550."""

    refuse: set[str] = field(default_factory=set)
    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def received_by(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope included ``address``."""
        return [m for _, rcpts, m in self.messages if address in rcpts]


@dataclass
class SmtpServer:
    """A running aiosmtpd server: its port and what it received."""

    host: str
    port: int
    handler: RecordingHandler


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on 127.0.0.1 (a local relay: no TLS, no auth)."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()


@dataclass(frozen=True)
class TlsFiles:
    """A throwaway CA and a server certificate for 127.0.0.1/localhost signed by it."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        """Server side: the signed certificate and its key."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        """Client side: default verification, trusting only this CA."""
        return ssl.create_default_context(cafile=str(self.ca_file))


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """Generate the CA and server certificate with `cryptography` (valid for one day)."""
    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("lpse-leads test CA"))
        .issuer_name(_name("lpse-leads test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = TlsFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    files.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return files


USER = "digest@example.id"
PASSWORD = "p@ss:w/rd%s3cret"


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """Accept only USER / PASSWORD."""
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


def _tls_server(tls_files: TlsFiles, *, implicit: bool) -> Iterator[SmtpServer]:
    """An authenticating server: STARTTLS required, or implicit TLS (SMTPS)."""
    handler = RecordingHandler()
    context = tls_files.server_context()
    # aiosmtpd does not see implicit TLS as TLS for AUTH, hence auth_require_tls=False there.
    kwargs = (
        {"ssl_context": context, "auth_require_tls": False}
        if implicit
        else {"tls_context": context, "require_starttls": True}
    )
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_authenticator,
        auth_required=True,
        **kwargs,
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()


@pytest.fixture
def starttls_server(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    """SMTP on 127.0.0.1 that requires STARTTLS and AUTH."""
    yield from _tls_server(tls_files, implicit=False)


@pytest.fixture
def smtps_server(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    """SMTPS (implicit TLS) on 127.0.0.1 with AUTH."""
    yield from _tls_server(tls_files, implicit=True)


# --- A database with leads (send and command tests) ------------------------------------------

DAY = dt.date(2026, 4, 20)
FALLBACK = "kanwil-kalimantan@example.id"
BPP = "kc-balikpapan@example.invalid"
SMD = "kc-samarinda@example.invalid"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database (SQLite and PostgreSQL)."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine):
    """The session factory of ``engine``."""
    return session_factory(engine)


def build(factory, today: dt.date = DAY) -> None:
    """One leads build in its own transaction."""
    with factory.begin() as session:
        build_leads(session, today, now=NOW)


def import_example_branches(factory, *, replace: bool = True) -> None:
    """The leads room's example branch table (one address per branch), alone unless ``replace`` is
    False (then over the national starter table)."""
    with factory.begin() as session:
        import_branches(session, read_branches(example_table()), NOW, replace=replace)


@pytest.fixture
def world(engine, factory):
    """Two Balikpapan leads, one Samarinda lead, one Bontang lead (Kalimantan fallback)."""
    bigger = [{"name": "PT Dua", "npwp": "023456789012345", "offer_value": Decimal(3_000_000_000)}]
    write_packages(
        engine,
        [
            package("1"),
            package("8", winners=bigger),
            package("3", locations=["Kantor - Samarinda (Kota)"]),
            package("2", locations=["Desa X - Bontang (Kota)"]),
        ],
    )
    import_example_branches(factory)
    build(factory)


def statuses(engine) -> dict[str, str]:
    """Package code → lead status."""
    with engine.connect() as connection:
        rows = connection.execute(select(Lead.url, Lead.status)).all()
    return {url.split("/")[-2]: status for url, status in rows}
