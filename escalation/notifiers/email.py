"""E-mail pings through SMTP with aiosmtplib: plain text and HTML, STARTTLS by default.

`TOCSIN_SMTP_URL` is `smtp://user:pass@host:587` (STARTTLS required), `smtp://host:25`
(STARTTLS when the server offers it), or `smtps://host:465` (TLS from the start). Query
parameters: `starttls=false` to refuse STARTTLS, `cafile=/path/ca.pem` to trust a private CA.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlparse

import aiosmtplib

from escalation.notifiers import Job, PermanentFailure
from escalation.render import email_subject, render_html, render_text


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool | None
    cafile: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
            raise ValueError("TOCSIN_SMTP_URL must look like smtp://user:pass@host:587")
        query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        implicit = parsed.scheme == "smtps"
        port = parsed.port or (465 if implicit else 587)
        username = unquote(parsed.username) if parsed.username else None
        start_tls: bool | None = None
        if not implicit and (port == 587 or username):
            start_tls = True
        if query.get("starttls", "").lower() in ("false", "0", "no"):
            start_tls = False
        elif query.get("starttls", "").lower() in ("true", "1", "yes"):
            start_tls = True
        return cls(
            host=parsed.hostname,
            port=port,
            username=username,
            password=unquote(parsed.password) if parsed.password else None,
            use_tls=implicit,
            start_tls=None if implicit else start_tls,
            cafile=query.get("cafile"),
        )

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)


class EmailNotifier:
    kind = "email"

    def __init__(self, server: SmtpServer, sender: str, timeout: float = 20) -> None:
        self.server = server
        self.sender = sender
        self.timeout = timeout

    def compose(self, job: Job) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = job.address
        if job.card is not None:
            reminder = job.payload.get("reminder_after")
            text = render_text(job.card, job.language, reminder_after=reminder)
            message["Subject"] = email_subject(job.card, job.language)
        elif job.text is not None:
            text = job.text
            message["Subject"] = "[Tocsin] " + text.splitlines()[0][:120]
        else:
            raise PermanentFailure(f"nothing to send for {job.purpose}")
        message["Message-ID"] = make_msgid(domain="tocsin")
        message.set_content(text)
        message.add_alternative(render_html(text), subtype="html")
        return message

    async def send(self, job: Job) -> str | None:
        if job.purpose in ("edit", "update"):
            return None  # e-mail is not edited; the next mail shows the new state
        message = self.compose(job)
        server = self.server
        await aiosmtplib.send(
            message,
            hostname=server.host,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.use_tls,
            start_tls=server.start_tls,
            tls_context=server.tls_context(),
            timeout=self.timeout,
        )
        return str(message["Message-ID"])

    async def close(self) -> None:
        return None
