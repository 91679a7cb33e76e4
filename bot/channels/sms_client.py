"""One client per SMS provider: send one text to one number, get the provider's message id.

- Africa's Talking: `POST {base}/version1/messaging` (form `username`, `to`, `message`,
  `from`; header `apiKey`), answering `{"SMSMessageData": {"Recipients": [{"statusCode",
  "status", "messageId", ...}]}}`; status codes 100-102 mean taken.
- Twilio: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json` (Basic auth, form
  `To`, `From`, `Body`, `StatusCallback`), answering the Message resource (`sid`, `status`),
  or `{"code", "message", "status"}` on error.
- A local gateway (the Android "SMS Gateway" app, local or cloud server): `POST {base}/message`
  (Basic auth, JSON `{"textMessage": {"text"}, "phoneNumbers": [...]}`), answering
  `{"id", "state"}`; delivery comes back as `sms:delivered` / `sms:failed` webhook events.

Sends are paced by the shared pacer (`reports.pacing`), one budget per sender number. A refusal
is an `SmsSendError` that says whether trying again could help.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from reports.pacing import LocalPacer, Pacer, Rate, wait_for_slot

DEFAULT_URLS = {
    "africastalking": "https://api.africastalking.com",
    "twilio": "https://api.twilio.com",
    "http": "http://127.0.0.1:8080",
}
AT_TAKEN = frozenset({100, 101, 102})
# Twilio errors no retry can fix: unsubscribed (21610), not a mobile number, blocked...
TWILIO_PERMANENT = frozenset({21211, 21408, 21610, 21612, 21614, 30003, 30004, 30005, 30006})


class SmsSendError(Exception):
    """The provider did not take the SMS; `permanent` when sending again cannot help."""

    def __init__(self, code: str, permanent: bool) -> None:
        super().__init__(f"SMS not sent: {code}")
        self.code = code
        self.permanent = permanent
        self.transient = not permanent  # read by the inbox's retry policy (bot.failures)


class SmsClient(Protocol):
    provider: str

    async def send(self, to: str, text: str) -> str: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class Credentials:
    username: str = ""
    api_key: str = ""  # Africa's Talking API key, or the gateway's password
    account_sid: str = ""
    auth_token: str = ""
    sender: str = ""
    status_callback: str | None = None  # Twilio: where delivery reports go


class _HttpClient:
    """The session, the pacing and the error mapping every provider's client shares."""

    provider = ""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        messages_per_second: float = 10.0,
        pacer: Pacer | None = None,
        timeout_seconds: float = 20.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self._pacer = pacer or LocalPacer()
        budget = f"sms:{self.provider}:{credentials.sender or credentials.username}"
        self._pace = [(budget, Rate(messages_per_second, max(1, int(messages_per_second))))]
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _post(self, url: str, **options: Any) -> tuple[int, Any]:
        await wait_for_slot(self._pacer, self._pace)
        try:
            async with self.session.post(url, **options) as response:
                try:
                    data = await response.json(content_type=None)
                except ValueError:
                    data = None
                return response.status, data
        except (aiohttp.ClientError, TimeoutError) as failure:
            raise SmsSendError(type(failure).__name__, permanent=False) from None


class AfricasTalkingClient(_HttpClient):
    provider = "africastalking"

    async def send(self, to: str, text: str) -> str:
        form = {"username": self.credentials.username, "to": to, "message": text}
        if self.credentials.sender:
            form["from"] = self.credentials.sender
        headers = {"apiKey": self.credentials.api_key, "Accept": "application/json"}
        status, data = await self._post(
            f"{self.base_url}/version1/messaging", data=form, headers=headers
        )
        if status >= 500:
            raise SmsSendError(f"http {status}", permanent=False)
        try:
            recipient = data["SMSMessageData"]["Recipients"][0]
        except (KeyError, IndexError, TypeError):
            raise SmsSendError(f"http {status}", permanent=status in (400, 401)) from None
        code = int(recipient.get("statusCode") or 0)
        if code not in AT_TAKEN:
            raise SmsSendError(str(recipient.get("status") or code), permanent=code < 500)
        return str(recipient["messageId"])


class TwilioClient(_HttpClient):
    provider = "twilio"

    async def send(self, to: str, text: str) -> str:
        credentials = self.credentials
        form = {"To": to, "From": credentials.sender, "Body": text}
        if credentials.status_callback:
            form["StatusCallback"] = credentials.status_callback
        url = f"{self.base_url}/2010-04-01/Accounts/{credentials.account_sid}/Messages.json"
        auth = {
            "Authorization": aiohttp.encode_basic_auth(
                credentials.account_sid, credentials.auth_token
            )
        }
        status, data = await self._post(url, data=form, headers=auth)
        if status in (200, 201) and isinstance(data, dict) and data.get("sid"):
            return str(data["sid"])
        code = data.get("code") if isinstance(data, dict) else None
        permanent = code in TWILIO_PERMANENT or (status < 500 and status != 429)
        raise SmsSendError(str(code or f"http {status}"), permanent=permanent)


class GatewayClient(_HttpClient):
    provider = "http"

    async def send(self, to: str, text: str) -> str:
        auth = {
            "Authorization": aiohttp.encode_basic_auth(
                self.credentials.username, self.credentials.api_key
            )
        }
        body = {"textMessage": {"text": text}, "phoneNumbers": [to]}
        status, data = await self._post(f"{self.base_url}/message", json=body, headers=auth)
        if status in (200, 201, 202) and isinstance(data, dict) and data.get("id"):
            return str(data["id"])
        raise SmsSendError(f"http {status}", permanent=400 <= status < 500 and status != 429)


CLIENTS: dict[str, type[_HttpClient]] = {
    "africastalking": AfricasTalkingClient,
    "twilio": TwilioClient,
    "http": GatewayClient,
}


def build_client(
    provider: str,
    base_url: str | None,
    credentials: Credentials,
    *,
    messages_per_second: float = 10.0,
    pacer: Pacer | None = None,
) -> _HttpClient:
    """The client of `provider`, on its real base URL unless another is configured."""
    return CLIENTS[provider](
        base_url or DEFAULT_URLS[provider],
        credentials,
        messages_per_second=messages_per_second,
        pacer=pacer,
    )
