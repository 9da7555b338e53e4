"""One re-actions-emulator process for a test suite, and typed helpers over
its control API.

`Emulator` starts the binary on 127.0.0.1 with `--http-port 0 --https-port 0
--ports-file <tmp>`, waits for the ports file the server writes once every
listener accepts (never for a log line), and stops it with SIGTERM. The
helpers speak plain HTTP to `/emulator/v1` with the admin's Basic
credentials; `request()` speaks to the emulated API as a tool would.

Standard library only, Python >= 3.9. Thread safety: an `Emulator` may be
used from several threads at once (every request opens its own connection);
`start()` and `stop()` are not meant to race each other.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

BINARY_NAME = "re-actions-emulator"
DEFAULT_USER = "admin@redis.local"
DEFAULT_PASSWORD = "Redis123!"

# Statuses after which an action never changes again (v1 words of both kinds).
TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled", "aborted"})
# What wait_for_action() accepts for "the action answers 404 now".
GONE = "gone"


class EmulatorError(Exception):
    """Base of every error this kit raises."""


class StartError(EmulatorError):
    """The binary could not be found, exited, or wrote no ports file in time.
    The message carries the tail of its standard error."""


class StopError(EmulatorError):
    """The process exited with a non-zero status (a sanitizer report, a
    crash); `returncode` and `stderr` say which."""

    def __init__(self, message: str, returncode: int, stderr: str):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


class ControlError(EmulatorError):
    """A control-API or emulated-API call answered an unexpected status."""

    def __init__(self, method: str, path: str, status: int, body: bytes):
        self.method, self.path, self.status, self.body = method, path, status, body
        self.error_code: Optional[str] = None
        self.description: Optional[str] = None
        try:
            doc = json.loads(body)
            if isinstance(doc, dict):
                self.error_code = doc.get("error_code")
                self.description = doc.get("description")
        except ValueError:
            pass
        detail = self.error_code or body[:200].decode("utf-8", "replace")
        super().__init__(f"{method} {path} answered {status}: {detail}"
                         + (f" ({self.description})" if self.description else ""))


class ActionError(EmulatorError):
    """wait_for_action() saw the action end otherwise than asked (`action`
    is its last body, None when it answered 404)."""

    def __init__(self, message: str, action: Optional[dict]):
        super().__init__(message)
        self.action = action


class ActionTimeout(ActionError):
    """wait_for_action() ran out of time; `action` is the last body seen."""


@dataclasses.dataclass(frozen=True)
class Response:
    """An HTTP answer: status, headers (case-insensitive) and the raw body."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclasses.dataclass(frozen=True)
class Clock:
    mode: str  # "manual" or "real"
    now: float  # epoch seconds


@dataclasses.dataclass(frozen=True)
class JournalEntry:
    """One request the emulator received (GET /emulator/v1/requests)."""

    seq: int
    time: float
    method: str
    target: str
    user: str
    status: int  # 0 when a fault dropped the connection
    duration_us: int
    fault: Optional[int] = None  # the fault rule that answered, if any
    dropped: bool = False
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @property
    def path(self) -> str:
        """The target without its query string."""
        return self.target.split("?", 1)[0]

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "JournalEntry":
        return cls(seq=doc["seq"], time=doc["time"], method=doc["method"], target=doc["target"],
                   user=doc.get("user", ""), status=doc["status"],
                   duration_us=doc.get("duration_us", 0), fault=doc.get("fault"),
                   dropped=bool(doc.get("dropped", False)), raw=doc)


@dataclasses.dataclass(frozen=True)
class Ports:
    """The server's ports file (format 1)."""

    pid: int
    ports: Mapping[str, int]
    urls: Mapping[str, str]
    tls_sha256: Optional[str]

    @classmethod
    def read(cls, path: str) -> "Ports":
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("format") != 1:
            raise StartError(f"ports file {path}: unsupported format {doc.get('format')!r}")
        return cls(pid=doc["pid"], ports=doc.get("ports", {}), urls=doc.get("urls", {}),
                   tls_sha256=doc.get("tls_sha256"))


# Flags the kit owns: ephemeral ports on loopback, announced by the ports file.
_KIT_FLAGS = ("--bind", "--http-port", "--https-port", "--ports-file", "--tls-cert-out", "--no-https")


def _has_flag(args: Sequence[str], *names: str) -> bool:
    return any(a == n or a.startswith(n + "=") for a in args for n in names)


def find_binary(binary: Optional[str] = None) -> str:
    """The emulator binary: `binary`, else $REEMU_BIN, else re-actions-emulator
    on $PATH. Raises StartError naming the three places when none is there."""
    candidate = binary or os.environ.get("REEMU_BIN")
    if candidate:
        path = shutil.which(candidate) or (candidate if os.path.isfile(candidate) else None)
        if path is None or not os.access(path, os.X_OK):
            raise StartError(f"emulator binary {candidate!r} is not an executable file")
        return os.path.abspath(path)
    path = shutil.which(BINARY_NAME)
    if path is None:
        raise StartError(f"no emulator binary: pass binary=, set REEMU_BIN, or put {BINARY_NAME} on PATH")
    return path


def find_config(binary: str) -> Optional[str]:
    """config/default.json of the source tree the binary was built in (it sits
    in build/<preset>/), or the image's /etc/re-actions-emulator/config.json;
    None when neither exists."""
    # Not through symlinks: a link placed elsewhere names its own tree.
    here = os.path.dirname(os.path.abspath(binary))
    for up in (here, os.path.dirname(here), os.path.dirname(os.path.dirname(here))):
        path = os.path.join(up, "config", "default.json")
        if os.path.isfile(path):
            return path
    image = "/etc/re-actions-emulator/config.json"
    return image if os.path.isfile(image) else None


class Emulator:
    """A re-actions-emulator process on ephemeral ports.

        with Emulator() as emu:
            emu.request("GET", "/v1/bdbs").json()
            emu.advance(5)

    binary      path or name; default $REEMU_BIN, then PATH
    config      JSON config file; default $REEMU_CONFIG, then the source
                tree's config/default.json next to the binary, then the
                image's; else a config with only the admin user
    clock       "manual" (default: time moves only by advance()) or "real"
    https       also start the HTTPS listener (default True)
    args        extra command-line flags (e.g. ["--seed", "7"])
    user, password
                the admin the helpers authenticate as (the default config's)
    start_timeout
                seconds to wait for the ports file
    log_level   the server's --log-level (its standard error goes to a file
                whose tail start and stop errors quote)
    env         extra environment variables for the process
    """

    def __init__(self, binary: Optional[str] = None, *, config: Optional[str] = None,
                 clock: str = "manual", https: bool = True, args: Sequence[str] = (),
                 user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD,
                 start_timeout: float = 20.0, log_level: str = "warn",
                 env: Optional[Mapping[str, str]] = None):
        if clock not in ("manual", "real"):
            raise ValueError(f"clock must be 'manual' or 'real', got {clock!r}")
        self.binary = binary
        self.config = config
        self.clock_mode = clock
        self.https = https
        self.args = list(args)
        self.user, self.password = user, password
        self.start_timeout = start_timeout
        self.log_level = log_level
        self.env = dict(env or {})
        self.process: Optional[subprocess.Popen] = None
        self.ports: Optional[Ports] = None
        self.returncode: Optional[int] = None
        self._dir: Optional[tempfile.TemporaryDirectory] = None
        self._stderr = None
        self._ssl_context: Optional[ssl.SSLContext] = None
        self._attached = False
        self._ca_file: Optional[str] = None
        self.ports_file: Optional[str] = None  # in a directory removed at stop()

    @classmethod
    def attach(cls, url: str, *, https_url: Optional[str] = None, ca_file: Optional[str] = None,
               user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD) -> "Emulator":
        """An Emulator for a server someone else started (a CI service
        container, a shared dev stack): the same helpers, no process to
        stop. `ca_file` is the PEM the server serves (--tls-cert-out), for
        https_url; without it, HTTPS uses the system's trust store."""
        emu = cls(user=user, password=password, https=https_url is not None)
        urls = {"http": url.rstrip("/")}
        if https_url:
            urls["https"] = https_url.rstrip("/")
        emu.ports = Ports(pid=0, ports={}, urls=urls, tls_sha256=None)
        emu._attached = True
        if https_url:
            emu._ca_file = ca_file
            emu._ssl_context = ssl.create_default_context(cafile=ca_file)
        return emu

    # ---- life cycle -------------------------------------------------------

    def start(self) -> "Emulator":
        """Starts the process and returns once its listeners accept. Raises
        StartError (with the process's standard error) if it exits first or
        writes no ports file within start_timeout."""
        if self.process is not None:
            raise EmulatorError("already started")
        binary = find_binary(self.binary)
        for flag in _KIT_FLAGS:
            if _has_flag(self.args, flag):
                raise ValueError(f"{flag} is the kit's to set (use https=, or read ports/urls)")
        self._dir = tempfile.TemporaryDirectory(prefix="reemu-")
        work = self._dir.name
        ports_file = self.ports_file = os.path.join(work, "ports.json")
        cmd = [binary, "--bind", "127.0.0.1", "--http-port", "0", "--ports-file", ports_file]
        # A flag given in args wins (the server refuses one given twice).
        if not _has_flag(self.args, "--clock"):
            cmd += ["--clock", self.clock_mode]
        if not _has_flag(self.args, "--log-level"):
            cmd += ["--log-level", self.log_level]
        cmd += ["--https-port", "0", "--tls-cert-out", os.path.join(work, "cert.pem")] if self.https \
            else ["--no-https"]
        env = dict(os.environ)
        env.update(self.env)
        config = self.config or env.get("REEMU_CONFIG") or find_config(binary)
        if config is None:
            # Nothing to seed from: only the admin the helpers authenticate as.
            config = os.path.join(work, "config.json")
            with open(config, "w", encoding="utf-8") as f:
                json.dump({"users": [{"email": self.user, "password": self.password, "role": "admin"}]}, f)
        if not _has_flag(self.args, "--config", "-c"):
            cmd += ["--config", config]
        cmd += self.args
        self._stderr = open(os.path.join(work, "stderr.log"), "w+b")
        try:
            self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._stderr,
                                            stderr=self._stderr, env=env)
        except OSError as e:
            self._cleanup()
            raise StartError(f"cannot run {binary}: {e}") from e
        try:
            self._wait_for(ports_file, binary)
            self.ports = Ports.read(ports_file)  # written by rename: complete when it exists
            if self.ports.pid != self.process.pid:
                raise StartError(f"{ports_file} names pid {self.ports.pid}, not {self.process.pid}")
            if self.https:
                self._ssl_context = self._trusting_context(os.path.join(work, "cert.pem"))
        except BaseException:
            self._kill()
            self.process = None
            self._cleanup()
            raise
        return self

    def _wait_for(self, ports_file: str, binary: str) -> None:
        deadline = time.monotonic() + self.start_timeout
        while not os.path.exists(ports_file):
            code = self.process.poll()
            if code is not None:
                raise StartError(f"{binary} exited with status {code} before it was ready:\n{self.stderr()}")
            if time.monotonic() > deadline:
                self._kill()
                raise StartError(f"{binary} wrote no ports file within {self.start_timeout} s:\n{self.stderr()}")
            time.sleep(0.002)

    def stop(self, *, check: bool = True, timeout: float = 30.0) -> int:
        """SIGTERM, then waits for the exit (SIGKILL after timeout). Returns the
        exit status; with check, raises StopError when it is not 0 (a
        sanitizer's report ends this way). Idempotent."""
        if self.process is None:  # never started, already stopped, or attached
            return self.returncode if self.returncode is not None else 0
        proc = self.process
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.returncode = proc.returncode
        log = self.stderr()
        self.process = None
        self._cleanup()
        if check and self.returncode != 0:
            raise StopError(f"the emulator exited with status {self.returncode}:\n{log}",
                            self.returncode, log)
        return self.returncode

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, exc_type, exc, tb) -> None:
        # An exception already on its way out wins over a bad exit status.
        self.stop(check=exc_type is None)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        return self._started().pid

    def stderr(self, limit: int = 8000) -> str:
        """The last `limit` characters the process wrote to its standard error."""
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace")
        return text[-limit:]

    def _started(self) -> Ports:
        if self.ports is None or (self.process is None and not self._attached):
            raise EmulatorError("the emulator is not running: call start() or use it as a context manager")
        return self.ports

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _cleanup(self) -> None:
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
        self.ports = None

    def _trusting_context(self, pem_path: str) -> ssl.SSLContext:
        """A context that trusts exactly the certificate the server serves:
        the PEM it wrote (--tls-cert-out), checked against the ports file's
        SHA-256 so a stale or foreign file cannot slip in."""
        with open(pem_path, encoding="ascii") as f:
            pem = f.read()
        der = ssl.PEM_cert_to_DER_cert(pem)
        expected = (self.ports.tls_sha256 or "") if self.ports else ""
        if hashlib.sha256(der).hexdigest() != expected:
            raise StartError(f"{pem_path} is not the certificate of the ports file ({expected or 'none'})")
        ctx = ssl.create_default_context(cadata=pem)
        return ctx

    # ---- addresses --------------------------------------------------------

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        return self._started().urls["http"]

    @property
    def https_url(self) -> str:
        """https://127.0.0.1:PORT (StartError-free only when started with https)."""
        urls = self._started().urls
        if "https" not in urls:
            raise EmulatorError("started without HTTPS")
        return urls["https"]

    @property
    def tls_sha256(self) -> Optional[str]:
        """The served certificate's DER SHA-256, lowercase hex."""
        return self._started().tls_sha256

    @property
    def ca_file(self) -> str:
        """The served certificate as a PEM file (valid while the emulator
        runs), for tools that take one: curl --cacert, REQUESTS_CA_BUNDLE."""
        self._started()
        if self._attached and self._ca_file:
            return self._ca_file
        if self._dir is None or self._ssl_context is None:
            raise EmulatorError("started without HTTPS (or attached without ca_file)")
        return os.path.join(self._dir.name, "cert.pem")

    @property
    def ssl_context(self) -> ssl.SSLContext:
        """An SSLContext that trusts the emulator's certificate (verification
        and host name checks stay on: the certificate names 127.0.0.1)."""
        self._started()
        if self._ssl_context is None:
            raise EmulatorError("started without HTTPS")
        return self._ssl_context

    # ---- raw HTTP ---------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, *,
                auth: Union[Tuple[str, str], None, bool] = True,
                headers: Optional[Mapping[str, str]] = None, https: bool = False,
                timeout: float = 30.0) -> Response:
        """One request to the emulator, emulated API or control API alike.

        body    a JSON value (sent as application/json), bytes or str (sent as
                is), or None
        auth    True: the admin's Basic credentials; (user, password): those;
                None or False: no Authorization header
        https   over the HTTPS listener, verified with ssl_context
        Returns the Response whatever its status; raises OSError (e.g.
        RemoteDisconnected) when the connection fails or is dropped."""
        ports = self._started()
        hdrs = dict(headers or {})
        if auth is True:
            auth = (self.user, self.password)
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            hdrs.setdefault("Authorization", f"Basic {token}")
        data: Optional[bytes] = None
        if body is not None:
            if isinstance(body, (bytes, bytearray)):
                data = bytes(body)
            elif isinstance(body, str):
                data = body.encode()
            else:
                data = json.dumps(body).encode()
                hdrs.setdefault("Content-Type", "application/json")
        base = urllib.parse.urlsplit(self.https_url if https else ports.urls["http"])
        if https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                base.hostname, base.port, timeout=timeout, context=self.ssl_context)
        else:
            conn = http.client.HTTPConnection(base.hostname, base.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            answer = conn.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        finally:
            conn.close()

    def control(self, method: str, path: str, body: Any = None, *,
                expect: Iterable[int] = (200, 201, 204)) -> Any:
        """A control-API call (path relative to /emulator/v1, or absolute);
        returns the decoded JSON answer (None for 204); raises ControlError
        on any other status."""
        full = path if path.startswith("/") else "/emulator/v1/" + path
        answer = self.request(method, full, body)
        if answer.status not in tuple(expect):
            raise ControlError(method, full, answer.status, answer.body)
        return answer.json() if answer.body else None

    # ---- control API helpers ----------------------------------------------

    def health(self) -> bool:
        """GET /emulator/v1/health answered 200."""
        return self.request("GET", "/emulator/v1/health", auth=None).status == 200

    def reset(self) -> dict:
        """Back to the configured seed: actions, users, databases, plans, the
        manual clock, fault rules and the journal (POST /emulator/v1/reset)."""
        return self.control("POST", "reset")

    def clock(self) -> Clock:
        doc = self.control("GET", "clock")
        return Clock(doc["mode"], doc["now"])

    @property
    def now(self) -> float:
        """The emulator's clock, epoch seconds."""
        return self.clock().now

    def advance(self, seconds: float) -> float:
        """Moves a manual clock forward; returns the new now. ControlError
        clock_not_manual on a real clock."""
        return self.control("POST", "clock/advance", {"seconds": seconds})["now"]

    @contextlib.contextmanager
    def fast_clock(self, step: float = 1.0, every: float = 0.005) -> Iterator[None]:
        """While the block runs, a thread advances the manual clock by `step`
        seconds every `every` wall seconds: a tool under test that sleeps
        between polls sees time pass quickly without being changed."""
        done = threading.Event()
        errors: List[BaseException] = []

        def pump() -> None:
            while not done.wait(every):
                try:
                    self.advance(step)
                except BaseException as e:  # surfaced when the block ends
                    errors.append(e)
                    return

        thread = threading.Thread(target=pump, name="reemu-fast-clock", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
        if errors:
            raise errors[0]

    def plan(self, name: Optional[str] = None, *, object_name: Optional[str] = None,
             times: Optional[int] = None, simulate: Optional[Mapping[str, Any]] = None,
             **simulate_fields: Any) -> dict:
        """Adds a plan rule that shapes the next state machines the emulated
        routes start (POST /emulator/v1/plans). Simulate fields go as
        keywords or as `simulate`:
            emu.plan("SMCreateBDB", times=1, fail_at_step=3, error="out of memory")
        Returns the rule, with its `id`."""
        rule: Dict[str, Any] = {"simulate": {**(simulate or {}), **simulate_fields}}
        if name is not None:
            rule["name"] = name
        if object_name is not None:
            rule["object_name"] = object_name
        if times is not None:
            rule["times"] = times
        return self.control("POST", "plans", rule)

    def plans(self) -> List[dict]:
        return self.control("GET", "plans")["plans"]

    def clear_plans(self) -> None:
        self.control("DELETE", "plans")

    def fault(self, path: str, status: Optional[int] = None, *, method: Optional[str] = None,
              user: Optional[str] = None, error_code: Optional[str] = None,
              description: Optional[str] = None, delay_ms: Optional[int] = None,
              drop: Optional[bool] = None, times: Optional[int] = None,
              probability: Optional[float] = None) -> int:
        """Adds a fault rule on the emulated API (POST /emulator/v1/faults):
            emu.fault("/v1/bdbs", 503, method="POST", times=2)
        Returns the rule's id."""
        rule: Dict[str, Any] = {"path": path}
        for key, value in (("status", status), ("method", method), ("user", user),
                           ("error_code", error_code), ("description", description),
                           ("delay_ms", delay_ms), ("drop", drop), ("times", times),
                           ("probability", probability)):
            if value is not None:
                rule[key] = value
        return self.control("POST", "faults", rule)["id"]

    def faults(self) -> List[dict]:
        return self.control("GET", "faults")["faults"]

    def delete_fault(self, rule_id: int) -> None:
        self.control("DELETE", f"faults/{rule_id}")

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")

    def requests(self, *, method: Optional[str] = None, path: Optional[str] = None,
                 user: Optional[str] = None, status: Optional[int] = None,
                 limit: Optional[int] = None, after: Optional[int] = None) -> List[JournalEntry]:
        """The request journal, oldest first, filtered as the route filters
        (`path` may be a glob with `*`). Without `after`, the newest `limit`
        (default 1000) matches."""
        query = {k: v for k, v in (("method", method), ("path", path), ("user", user),
                                    ("status", status), ("limit", limit), ("after", after))
                 if v is not None}
        suffix = ("?" + urllib.parse.urlencode(query)) if query else ""
        doc = self.control("GET", "requests" + suffix)
        return [JournalEntry.from_json(e) for e in doc["requests"]]

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    @property
    def databases(self) -> List[int]:
        """The uids of the databases the cluster holds."""
        return self.control("GET", "databases")["databases"]

    def database(self, uid: int) -> dict:
        """What the emulator keeps and derives for one database."""
        return self.control("GET", f"databases/{uid}")

    def put_database(self, uid: int, **fields: Any) -> dict:
        """Creates or replaces database `uid`, idle and active at once."""
        return self.control("PUT", f"databases/{uid}", fields)

    def delete_database(self, uid: int) -> None:
        self.control("DELETE", f"databases/{uid}")

    def add_user(self, email: str, password: str, role: str) -> dict:
        return self.control("POST", "users", {"email": email, "password": password, "role": role})

    def create_action(self, type: str, name: str, *, object_name: Optional[str] = None,
                      simulate: Optional[Mapping[str, Any]] = None, **fields: Any) -> dict:
        """Creates an action ("task" or "state-machine"), from a template when
        `name` is one; returns it as GET /v1/actions/{uid} shows it."""
        body: Dict[str, Any] = {"type": type, "name": name, **fields}
        if object_name is not None:
            body["object_name"] = object_name
        if simulate is not None:
            body["simulate"] = dict(simulate)
        return self.control("POST", "actions", body)

    def action(self, uid: str) -> Optional[dict]:
        """GET /v1/actions/{uid} as a tool sees it; None when it answers 404."""
        answer = self.request("GET", "/v1/actions/" + urllib.parse.quote(uid, safe=""))
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise ControlError("GET", f"/v1/actions/{uid}", answer.status, answer.body)
        return answer.json()

    def wait_for_action(self, uid: str, status: Union[str, Iterable[str]] = "completed",
                        timeout: float = 120.0, *, step: float = 1.0, poll: float = 0.02) -> Optional[dict]:
        """Polls action `uid` until its status is `status` (one word or
        several; "gone" for a 404) and returns it (None for "gone").

        On a manual clock each poll advances the clock `step` seconds and
        `timeout` counts emulated seconds, so the wait is exact and fast; on a
        real clock it sleeps `poll` and `timeout` counts wall seconds.
        Raises ActionError when the action ends in another terminal status or
        vanishes unasked, ActionTimeout when the time is up."""
        wanted = {status} if isinstance(status, str) else set(status)
        manual = self.clock().mode == "manual"
        waited = 0.0
        start = time.monotonic()
        last: Optional[dict] = None
        while True:
            current = self.action(uid)
            if current is None:
                if GONE in wanted:
                    return None
                raise ActionError(f"action {uid} answers 404 (last seen: "
                                  f"{(last or {}).get('status', 'never')}), waiting for {sorted(wanted)}", last)
            last = current
            if current.get("status") in wanted:
                return current
            if current.get("status") in TERMINAL_STATUSES:
                detail = current.get("error") or current.get("error_message") or ""
                raise ActionError(f"action {uid} ended {current.get('status')}"
                                  + (f": {detail}" if detail else "")
                                  + f", waiting for {sorted(wanted)}", current)
            if manual:
                if waited >= timeout:
                    break
                self.advance(step)
                waited += step
            else:
                if time.monotonic() - start >= timeout:
                    break
                time.sleep(poll)
        raise ActionTimeout(f"action {uid} is still {last.get('status') if last else '?'} after "
                            f"{timeout} {'emulated ' if manual else ''}seconds, waiting for {sorted(wanted)}", last)

    def snapshot(self) -> dict:
        """The whole emulated state as one document (GET /emulator/v1/state),
        for restore() later."""
        return self.control("GET", "state")

    def restore(self, state: Mapping[str, Any]) -> None:
        """Replaces the whole state with a snapshot (PUT /emulator/v1/state):
        answers are then byte-identical to when it was taken. ControlError
        (400) on a bad document, which changes nothing."""
        self.control("PUT", "state", dict(state))
