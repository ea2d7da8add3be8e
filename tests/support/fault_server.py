"""A fault-injecting OpenAI-compatible server on loopback, for tests and benchmarks.

It answers `POST /v1/chat/completions` like llama.cpp's server does: a schema-valid
instance of the requested response schema (`tests.support.schema_instance`), with
`usage` and llama.cpp `timings`. Faults make it misbehave on the first k calls or on all::

    with FaultServer(latency=0.1, slots=2) as server:
        server.inject("429", times=2, retry_after=1)     # then answer normally
        ...  # point a client at server.base_url
        assert server.stats().calls == 3

    python -m tests.support.fault_server --port 8099 --latency 0.5 --slots 2 --fault '503*2'

Faults (`Fault.kind`), taken in order: a rule with `times=k` serves the next k calls and
is then used up; `times=None` serves every call from then on.

    ok                 a normal answer (use `ok*3` to let calls through before a fault)
    hang               no answer until the client gives up (or the server stops)
    429                HTTP 429 with `Retry-After: retry_after` (default 1 s)
    500, 503           HTTP 500 / 503 (503 sends `Retry-After` only when `retry_after` is set)
    reset              the socket is closed with RST and no response
    malformed_body     HTTP 200 whose body is cut-off JSON
    malformed_content  a normal envelope whose message content is prose, not JSON
    schema_invalid     valid JSON content of the wrong shape (wrong types)
    truncated          `finish_reason: "length"`, the JSON content cut in half
    outage             the server stops listening (connection refused) for `seconds`, or
                       until `restore()`; refused calls never reach it, so an outage is
                       measured in time, not calls: it starts as soon as it is the next rule

Latency (`latency` seconds, on the first `latency_times` calls or all) is waited inside a
slot before any answer; with `slots=N` calls beyond N queue, as in llama.cpp. Calls are
handled concurrently, one thread per connection; every response closes its connection.

Control and counts: the Python API (`inject`, `set_faults`, `clear`, `set_latency`,
`set_slots`, `outage`, `restore`, `stats`, `requests`, `arrivals`) or HTTP on the same port:
`GET|POST|DELETE /admin/faults`, `GET|DELETE /admin/stats`, `GET /admin/requests`,
`POST /admin/outage {"seconds": S}`. `GET /health` and `GET /v1/models` answer as llama.cpp.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, cast, get_args

from tests.support.schema_instance import SchemaInstanceError, instance, wrong_shape

FaultKind = Literal[
    "ok",
    "hang",
    "429",
    "500",
    "503",
    "reset",
    "malformed_body",
    "malformed_content",
    "schema_invalid",
    "truncated",
    "outage",
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

_POLL_S = 0.02
"""How often waits look at the stop flag and at whether the client has gone."""


def _fault_kind(value: str) -> FaultKind:
    if value not in FAULT_KINDS:
        raise ValueError(f"unknown fault {value!r}; use one of {', '.join(FAULT_KINDS)}")
    return cast(FaultKind, value)


@dataclass(frozen=True)
class Fault:
    """One rule: `kind` on the next `times` calls (None: on every call from now on)."""

    kind: FaultKind
    times: int | None = None
    retry_after: float | None = None
    seconds: float | None = None

    def __post_init__(self) -> None:
        _fault_kind(self.kind)
        if self.times is not None and self.times < 1:
            raise ValueError(f"times must be >= 1 or None, not {self.times}")

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """'429', '429*2', '429*2=5' (Retry-After 5 s), '503=3', 'ok*3', 'outage=2.5' (s)."""
        head, _, arg = spec.strip().partition("=")
        kind, _, times = head.partition("*")
        value = float(arg) if arg else None
        outage = kind == "outage"
        return cls(
            _fault_kind(kind),
            int(times) if times else None,
            retry_after=None if outage else value,
            seconds=value if outage else None,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        """The inverse of `as_dict` (the admin endpoint's form)."""
        return cls(
            _fault_kind(str(data["kind"])),
            data.get("times"),
            retry_after=data.get("retry_after"),
            seconds=data.get("seconds"),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CallStats:
    """What the server has seen. `calls` counts chat-completion requests only."""

    calls: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    """Calls per fault kind served ('ok' for normal answers)."""
    in_flight: int = 0
    max_in_flight: int = 0
    queued: int = 0
    max_queued: int = 0
    abandoned: int = 0
    """Calls whose client went away before the answer (time-outs)."""
    other_requests: int = 0
    """Health, model-listing and admin requests."""
    listening: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Rule:
    fault: Fault
    left: int | None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # handler threads are joined by server_close()
    allow_reuse_address = True  # rebind the same port after an outage

    def __init__(self, address: tuple[str, int], owner: FaultServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "fault-server/1"

    def do_GET(self) -> None:
        self.server.owner._route(self, "GET")

    def do_POST(self) -> None:
        self.server.owner._route(self, "POST")

    def do_DELETE(self) -> None:
        self.server.owner._route(self, "DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and benchmarks read `stats()` instead

    # -- replies ------------------------------------------------------------------------

    def send_body(self, status: int, data: bytes, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send_body(status, json.dumps(payload).encode(), headers)

    def send_error_json(self, status: int, message: str, kind: str, **extra: str) -> None:
        body = {"error": {"code": status, "message": message, "type": kind}}
        self.send_json(status, body, extra.items())

    def reset(self) -> None:
        """Close with RST and no response: SO_LINGER 0, then close (finish() drops the fd)."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def client_gone(self) -> bool:
        """True when the client has closed its end (e.g. after its time-out)."""
        try:
            return bool(self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"")
        except BlockingIOError:
            return False
        except OSError:
            return True

    def read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else {}


class FaultServer:
    """An OpenAI-compatible chat-completions server on loopback with switchable faults."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        latency_times: int | None = None,
        slots: int | None = None,
        faults: Sequence[Fault] = (),
        model: str = "fault-server",
    ) -> None:
        self.host = host
        self.model = model
        self._port = port
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._started = False
        self._httpd: _HTTPServer | None = None
        self._serve_thread: threading.Thread | None = None
        self._retired: list[tuple[_HTTPServer, threading.Thread]] = []
        self._timers: list[threading.Timer] = []
        self._rules = [_Rule(f, f.times) for f in faults]
        self._latency = latency
        self._latency_left = latency_times
        self._slots = slots
        self._busy = 0
        self._recent_prompts: deque[str] = deque(maxlen=8)
        self._calls = self._in_flight = self._max_in_flight = 0
        self._queued = self._max_queued = self._abandoned = self._other = 0
        self._outcomes: dict[str, int] = {}
        self._bodies: list[Any] = []
        self._arrivals: list[float] = []

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FaultServer:
        """Bind a port (a free one unless given) and serve in a background thread."""
        if self._started:
            raise RuntimeError("FaultServer already started")
        self._go_up()
        self._started = True
        self._check_outage()
        return self

    def stop(self) -> None:
        """Stop serving, release hung calls, and join every thread and socket it made."""
        self._stopping.set()
        with self._lock:
            self._lock.notify_all()
            timers = list(self._timers)
        for timer in timers:
            timer.cancel()
            if timer is not threading.current_thread():
                timer.join()
        self._go_down()
        with self._lock:
            retired, self._retired = self._retired, []
        for httpd, thread in retired:
            httpd.server_close()
            thread.join()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:41234 (health and admin live here)."""
        return f"http://{self.host}:{self._port}"

    @property
    def base_url(self) -> str:
        """The OpenAI base URL (…/v1) to give a client."""
        return f"{self.url}/v1"

    # -- configuration --------------------------------------------------------------------

    def set_faults(self, faults: Iterable[Fault]) -> None:
        """Replace the fault rules."""
        with self._lock:
            self._rules = [_Rule(f, f.times) for f in faults]
        self._check_outage()

    def inject(
        self,
        kind: FaultKind,
        times: int | None = None,
        *,
        retry_after: float | None = None,
        seconds: float | None = None,
    ) -> None:
        """Append one rule: `kind` on the next `times` calls after the earlier rules."""
        fault = Fault(kind, times, retry_after=retry_after, seconds=seconds)
        with self._lock:
            self._rules.append(_Rule(fault, fault.times))
        self._check_outage()

    def clear(self) -> None:
        """No more faults: every call is answered normally (latency stays)."""
        self.set_faults(())

    def faults(self) -> list[Fault]:
        """The rules still to serve, with their remaining counts as `times`."""
        with self._lock:
            return [
                Fault(r.fault.kind, r.left, r.fault.retry_after, r.fault.seconds)
                for r in self._rules
            ]

    def set_latency(self, seconds: float, times: int | None = None) -> None:
        """Wait `seconds` in a slot before answering the next `times` calls (None: all)."""
        with self._lock:
            self._latency, self._latency_left = seconds, times

    def set_slots(self, slots: int | None) -> None:
        """At most `slots` calls are served at once; the rest queue (None: no limit)."""
        with self._lock:
            self._slots = slots
            self._lock.notify_all()

    def outage(self, seconds: float | None = None) -> None:
        """Stop listening now (connection refused); listen again after `seconds` or `restore()`."""
        self._go_down()
        if seconds is not None:
            timer = threading.Timer(seconds, self.restore)
            timer.name = f"fault-server-restore:{self._port}"
            with self._lock:
                self._timers.append(timer)
            timer.start()

    def restore(self) -> None:
        """Listen again on the same port after an outage."""
        current = threading.current_thread()
        with self._lock:
            timers = [t for t in self._timers if t is not current]
            self._timers = [t for t in self._timers if t is current]  # stop() joins it
        for timer in timers:
            timer.cancel()
            timer.join()
        self._go_up()
        self._check_outage()

    # -- counts ---------------------------------------------------------------------------

    def stats(self) -> CallStats:
        """A snapshot of the counts."""
        with self._lock:
            return CallStats(
                calls=self._calls,
                outcomes=dict(self._outcomes),
                in_flight=self._in_flight,
                max_in_flight=self._max_in_flight,
                queued=self._queued,
                max_queued=self._max_queued,
                abandoned=self._abandoned,
                other_requests=self._other,
                listening=self._httpd is not None,
            )

    def reset_stats(self) -> None:
        """Zero the counts and forget the recorded requests (in-flight counts stay)."""
        with self._lock:
            in_flight, queued = self._in_flight, self._queued
            self._reset_counts()
            self._in_flight, self._queued = in_flight, queued

    def requests(self) -> list[Any]:
        """The JSON bodies of the chat-completion calls, in arrival order."""
        with self._lock:
            return list(self._bodies)

    def arrivals(self) -> list[float]:
        """`time.monotonic()` at the arrival of each chat-completion call, in order."""
        with self._lock:
            return list(self._arrivals)

    def wait_for(self, predicate: Callable[[CallStats], bool], timeout: float = 5.0) -> CallStats:
        """Poll `stats()` until `predicate` holds; raise TimeoutError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if predicate(stats):
                return stats
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout} s: {stats}")
            threading.Event().wait(_POLL_S)  # not time.sleep: tests may patch it

    # -- internals: listening -------------------------------------------------------------

    def _reset_counts(self) -> None:
        self._calls = self._in_flight = self._max_in_flight = 0
        self._queued = self._max_queued = self._abandoned = self._other = 0
        self._outcomes = {}
        self._bodies = []
        self._arrivals = []

    def _go_up(self) -> None:
        with self._lock:
            if self._httpd is not None or self._stopping.is_set():
                return
            httpd = _HTTPServer((self.host, self._port), self)
            self._port = int(httpd.server_address[1])
            thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": _POLL_S},
                name=f"fault-server:{self._port}",
                daemon=True,
            )
            self._httpd, self._serve_thread = httpd, thread
        thread.start()

    def _go_down(self) -> None:
        with self._lock:
            httpd, thread = self._httpd, self._serve_thread
            self._httpd = self._serve_thread = None
            if httpd is None or thread is None:
                return
            self._retired.append((httpd, thread))
        httpd.shutdown()  # ends serve_forever; calls already accepted go on
        httpd.socket.close()  # from now on: connection refused

    def _check_outage(self) -> None:
        """Enter the outage at the head of the rules, if it is there and we are up."""
        with self._lock:
            if not (self._started and self._httpd is not None and self._rules):
                return
            if self._rules[0].fault.kind != "outage":
                return
            seconds = self._rules.pop(0).fault.seconds
        self.outage(seconds)

    # -- internals: requests --------------------------------------------------------------

    def _route(self, handler: _Handler, method: str) -> None:
        path = handler.path.split("?", 1)[0].rstrip("/")
        try:
            if method == "POST" and path in ("/v1/chat/completions", "/chat/completions"):
                self._chat(handler)
                return
            with self._lock:
                self._other += 1
            self._admin(handler, method, path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client left; nothing to answer

    def _admin(self, handler: _Handler, method: str, path: str) -> None:
        if method == "GET" and path == "/health":
            handler.send_json(200, {"status": "ok"})
        elif method == "GET" and path in ("/v1/models", "/models"):
            model = {"id": self.model, "object": "model", "created": 0, "owned_by": "fault-server"}
            handler.send_json(200, {"object": "list", "data": [model]})
        elif method == "GET" and path == "/admin/stats":
            handler.send_json(200, self.stats().as_dict())
        elif method == "DELETE" and path == "/admin/stats":
            self.reset_stats()
            handler.send_json(200, self.stats().as_dict())
        elif method == "GET" and path == "/admin/requests":
            handler.send_json(200, self.requests())
        elif path == "/admin/faults" and method in ("GET", "POST", "DELETE"):
            if method == "POST":
                self._configure(handler.read_json())
            elif method == "DELETE":
                self.clear()
            with self._lock:
                latency, times, slots = self._latency, self._latency_left, self._slots
            faults = [f.as_dict() for f in self.faults()]
            handler.send_json(
                200, {"faults": faults, "latency": latency, "latency_times": times, "slots": slots}
            )
        elif method == "POST" and path == "/admin/outage":
            seconds = handler.read_json().get("seconds")
            handler.send_json(200, {"outage": True, "seconds": seconds})
            handler.wfile.flush()
            self.outage(None if seconds is None else float(seconds))
        else:
            handler.send_error_json(404, f"no route {method} {path}", "not_found_error")

    def _configure(self, body: Mapping[str, Any]) -> None:
        """The admin form: {"faults": [...], "latency": s, "latency_times": k, "slots": n}."""
        if "latency" in body:
            self.set_latency(float(body["latency"]), body.get("latency_times"))
        if "slots" in body:
            self.set_slots(body["slots"])
        if "faults" in body:
            self.set_faults(Fault.from_dict(f) for f in body["faults"])

    def _take(self) -> tuple[Fault, float]:
        """The fault and latency for the call now arriving (under the lock)."""
        fault = Fault("ok")
        if self._rules:
            rule = self._rules[0]
            fault = rule.fault
            if rule.left is not None and fault.kind != "outage":
                rule.left -= 1
                if rule.left <= 0:
                    self._rules.pop(0)
        latency = 0.0
        if self._latency > 0 and self._latency_left != 0:
            latency = self._latency
            if self._latency_left is not None:
                self._latency_left -= 1
        return fault, latency

    def _chat(self, handler: _Handler) -> None:
        try:
            body = handler.read_json()
        except ValueError:
            handler.send_error_json(400, "request body is not JSON", "invalid_request_error")
            return
        with self._lock:
            self._calls += 1
            self._bodies.append(body)
            self._arrivals.append(time.monotonic())
            fault, latency = self._take()
            self._outcomes[fault.kind] = self._outcomes.get(fault.kind, 0) + 1
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        try:
            if fault.kind == "outage":  # arrived as the outage began
                handler.reset()
                self._check_outage()
                return
            self._check_outage()  # e.g. 'ok*3, outage': the third call is the last accepted
            if not self._acquire_slot(handler):
                self._count_abandoned(handler)
                return
            try:
                if not self._wait(latency, handler):
                    self._count_abandoned(handler)
                    return
                self._answer(handler, fault, body, latency)
            finally:
                with self._lock:
                    self._busy -= 1
                    self._lock.notify_all()
        finally:
            with self._lock:
                self._in_flight -= 1

    def _count_abandoned(self, handler: _Handler) -> None:
        if handler.client_gone():
            with self._lock:
                self._abandoned += 1

    def _acquire_slot(self, handler: _Handler) -> bool:
        with self._lock:
            if self._slots is None or self._busy < self._slots:
                self._busy += 1
                return True
            self._queued += 1
            self._max_queued = max(self._max_queued, self._queued)
            try:
                while self._slots is not None and self._busy >= self._slots:
                    self._lock.wait(_POLL_S)
                    if self._stopping.is_set() or handler.client_gone():
                        return False
                self._busy += 1
                return True
            finally:
                self._queued -= 1

    def _wait(self, seconds: float, handler: _Handler) -> bool:
        """Wait `seconds`; False if the server stops or the client leaves first."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if self._stopping.wait(min(left, _POLL_S)) or handler.client_gone():
                return False

    def _answer(self, handler: _Handler, fault: Fault, body: Any, latency: float) -> None:
        kind = fault.kind
        if kind == "hang":
            self._wait(math.inf, handler)
            self._count_abandoned(handler)
            handler.close_connection = True
        elif kind == "reset":
            handler.reset()
        elif kind == "429":
            retry = f"{fault.retry_after if fault.retry_after is not None else 1:g}"
            handler.send_error_json(
                429, "fault server: rate limited", "rate_limit_error", **{"Retry-After": retry}
            )
        elif kind in ("500", "503"):
            headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
            kinds = {"500": "server_error", "503": "unavailable_error"}
            handler.send_error_json(int(kind), f"fault server: {kind}", kinds[kind], **headers)
        elif kind == "malformed_body":
            handler.send_body(200, b'{"id": "chatcmpl-fault", "object": "chat.completion", "cho')
        else:
            self._complete(handler, kind, body, latency)

    def _complete(self, handler: _Handler, kind: FaultKind, body: Any, latency: float) -> None:
        try:
            where, name, schema = requested_schema(body)
            text = "OK" if schema is None else json.dumps(instance(schema))
            if kind == "schema_invalid":
                text = json.dumps(wrong_shape(schema) if schema is not None else ["wrong shape"])
        except SchemaInstanceError as exc:
            handler.send_error_json(400, f"fault server: {exc}", "invalid_request_error")
            return
        finish = "stop"
        if kind == "malformed_content":
            text = "Sure! I could not write JSON for that, sorry."
        elif kind == "truncated":
            text, finish = text[: max(1, len(text) // 2)], "length"
        handler.send_json(200, self._completion(body, text, finish, where, name, latency))

    def _completion(
        self, body: Any, text: str, finish: str, where: str, name: str, latency: float
    ) -> dict[str, Any]:
        prompt = _prompt_text(body)
        with self._lock:
            cached = max((_common_prefix(prompt, p) for p in self._recent_prompts), default=0)
            self._recent_prompts.append(prompt)
            call = self._calls
        prompt_tokens = _tokens(prompt)
        cache_n = min(cached // 4, prompt_tokens - 1)  # llama.cpp re-reads the last token
        completion_tokens = _tokens(text)
        if finish == "length" and isinstance(body.get("max_tokens"), int):
            completion_tokens = body["max_tokens"]
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if where == "tool":
            message["content"] = None
            arguments = {"name": name, "arguments": text}
            message["tool_calls"] = [
                {"id": f"call_{call}", "type": "function", "function": arguments}
            ]
            finish = "tool_calls" if finish == "stop" else finish
        predicted_ms = latency * 1000
        return {
            "id": f"chatcmpl-fault-{call}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(body.get("model") or self.model),
            "system_fingerprint": "fault-server",
            "choices": [{"index": 0, "finish_reason": finish, "message": message}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "timings": {
                "cache_n": cache_n,
                "prompt_n": prompt_tokens - cache_n,
                "prompt_ms": 0.0,
                "predicted_n": completion_tokens,
                "predicted_ms": predicted_ms,
                "predicted_per_second": (completion_tokens / latency if latency > 0 else 0.0),
            },
        }


# -- request reading --------------------------------------------------------------------------


def requested_schema(body: Any) -> tuple[Literal["content", "tool"], str, Mapping[str, Any] | None]:
    """Where the answer goes, its name and the JSON schema a chat request asks for.

    instructor's JSON_SCHEMA mode sends `response_format.json_schema.schema`; TOOLS mode
    sends `tools[].function.parameters` (answered as a tool call); JSON mode writes the
    schema into the system message after 'json_schema:'.
    """
    fmt = body.get("response_format") if isinstance(body, Mapping) else None
    if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        return "content", str(spec.get("name", "response")), spec.get("schema") or {}
    tools = body.get("tools") if isinstance(body, Mapping) else None
    if isinstance(tools, list) and tools:
        choice = body.get("tool_choice")
        wanted = choice.get("function", {}).get("name") if isinstance(choice, Mapping) else None
        functions = [t.get("function", {}) for t in tools if isinstance(t, Mapping)]
        chosen = next((f for f in functions if f.get("name") == wanted), functions[0])
        return "tool", str(chosen.get("name", "tool")), chosen.get("parameters") or {}
    if isinstance(fmt, Mapping) and fmt.get("type") == "json_object":
        return "content", "response", _schema_in_messages(body.get("messages") or []) or {}
    return "content", "response", None


def _schema_in_messages(messages: Sequence[Any]) -> Mapping[str, Any] | None:
    decoder = json.JSONDecoder()
    for message in messages:
        text = message.get("content") if isinstance(message, Mapping) else None
        if not isinstance(text, str) or "json_schema" not in text:
            continue
        start = text.find("{", text.index("json_schema"))
        try:
            schema, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(schema, Mapping):
            return schema
    return None


def _prompt_text(body: Any) -> str:
    parts: list[str] = []
    messages = body.get("messages") if isinstance(body, Mapping) else None
    for message in messages if isinstance(messages, list) else []:
        content = message.get("content") if isinstance(message, Mapping) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
    return "\n".join(parts)


def _tokens(text: str) -> int:
    """A stand-in tokenizer: about four characters a token, at least one."""
    return max(1, math.ceil(len(text) / 4))


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


# -- command line -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run a fault server in the foreground until SIGINT/SIGTERM; print its counts on exit."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.fault_server", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = a free port (printed)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per call")
    parser.add_argument("--latency-times", type=int, default=None, help="only the first k calls")
    parser.add_argument("--slots", type=int, default=None, help="calls served at once")
    parser.add_argument("--model", default="fault-server", help="name in /v1/models")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="KIND[*TIMES][=ARG], repeatable, in order: 429*2=5, 503, ok*3, outage=2.5",
    )
    args = parser.parse_args(argv)
    server = FaultServer(
        host=args.host,
        port=args.port,
        latency=args.latency,
        latency_times=args.latency_times,
        slots=args.slots,
        faults=[Fault.parse(spec) for spec in args.fault],
        model=args.model,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with server:
        print(f"fault server listening on {server.base_url}", flush=True)
        try:
            while not done.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
    print(json.dumps(server.stats().as_dict()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
