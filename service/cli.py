"""`corroborate` command line. Errors become one-line messages and exit codes here, only here."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from service.errors import CorroborateError, InputError, exit_code
from service.inputs import expand_paths, read_article
from service.pipeline import open_pipeline
from service.settings import Settings, get_settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Span-grounded event records and cross-outlet consensus for news articles.",
)

ModelOpt = Annotated[
    str | None,
    typer.Option("--model", help="Model id; env CORROBORATE_MODEL (default local/qwen2.5-coder-1.5b)."),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint; env CORROBORATE_BASE_URL."),
]
NoLLMOpt = Annotated[
    bool, typer.Option("--no-llm", help="Mined candidates only: no model is started or called.")
]
PublishedOpt = Annotated[
    str | None,
    typer.Option("--published-at", help="Publication date (YYYY-MM-DD) for text files."),
]
PromptOpt = Annotated[
    str | None, typer.Option("--prompt-version", help="Prompt version (default: newest).")
]


def _settings(model: str | None, base_url: str | None) -> Settings:
    base = get_settings()
    updates = {k: v for k, v in {"model": model, "base_url": base_url}.items() if v}
    return base.model_copy(update=updates) if updates else base


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--published-at: {value!r} is not a YYYY-MM-DD date") from exc


def _dump(model: BaseModel) -> str:
    return model.model_dump_json(indent=2, exclude_none=False)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Article files (.txt, .html, .json) or dirs.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory for one <article_id>.json per record.")
    ] = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    no_llm: NoLLMOpt = False,
    published_at: PublishedOpt = None,
    prompt_version: PromptOpt = None,
) -> None:
    """One span-grounded event record per article, as JSON (stdout: an array)."""
    when = _date(published_at)
    # Every input is read and validated before any model work, so a bad file costs nothing.
    articles = [read_article(p, published_at=when) for p in expand_paths(files)]
    settings = _settings(model, base_url)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    records = []
    with open_pipeline(settings, use_llm=not no_llm, prompt_version=prompt_version) as pipe:
        for article in articles:
            record = pipe.extract(article)
            records.append(record)
            if out is not None:  # written as soon as done: an interruption loses nothing
                (out / f"{article.id}.json").write_text(_dump(record) + "\n", encoding="utf-8")
            prov = record.provenance
            typer.echo(
                f"{article.id}: {len(record.actors)} actors, {len(record.quantities)} quantities, "
                f"{len(record.quotes)} quotes, {len(record.claims)} claims, grounding "
                f"{record.grounding_rate if record.grounding_rate is not None else float('nan'):.2f}"
                f", {prov.seconds if prov else 0:.1f}s",
                err=True,
            )
    if out is None:
        sys.stdout.write(
            json.dumps([r.model_dump(mode="json") for r in records], indent=2, ensure_ascii=False)
            + "\n"
        )


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host", envvar="CORROBORATE_HOST", help="Bind address; env CORROBORATE_HOST."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", envvar="CORROBORATE_PORT", help="Port; env CORROBORATE_PORT.")
    ] = 8000,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    no_llm: NoLLMOpt = False,
    prompt_version: PromptOpt = None,
) -> None:
    """Run the HTTP API (uvicorn, one process: the model has one slot)."""
    import uvicorn

    from service.api.app import create_app
    from service.api.deps import pipeline_factory

    settings = _settings(model, base_url)
    api = create_app(
        settings,
        pipeline_factory=pipeline_factory(use_llm=not no_llm, prompt_version=prompt_version),
    )
    uvicorn.run(api, host=host, port=port, workers=1, proxy_headers=False)


@app.command(
    "eval",
    add_help_option=False,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def eval_(ctx: typer.Context) -> None:
    """Score the pipeline against gold datasets (`corroborate eval --help` for options)."""
    import importlib

    # evals sits above service: imported by name at call time, never at module level.
    run_eval = importlib.import_module("evals.run").main
    code = run_eval(list(ctx.args))
    if code:
        raise SystemExit(code)


def main() -> None:
    """Console entry point: run the app, mapping our errors to exit codes and one line."""
    try:
        app(standalone_mode=False)
    except CorroborateError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(exit_code(exc)) from None
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        raise SystemExit(130) from None
    except Exception as exc:
        # click usage errors carry their own exit code and message
        code = getattr(exc, "exit_code", None)
        show = getattr(exc, "format_message", None)
        if isinstance(code, int) and callable(show):
            typer.echo(f"error: {show()}", err=True)
            raise SystemExit(code) from None
        raise


if __name__ == "__main__":
    main()
