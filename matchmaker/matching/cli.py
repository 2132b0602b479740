"""``flask matcher build``: the index as a snapshot on disk; ``flask matcher eval DIR [DIR ...] [--json]
[--given-language]``: measured matcher quality."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from .evaluation import evaluate, format_report

matcher_cli = AppGroup("matcher", help="Matcher tools: the index snapshot, quality evaluation on labelled sets.")


@matcher_cli.command("build")
def build_command():
    """Fit the index over the database and publish it as the current snapshot (MATCHER_SNAPSHOT_DIR);
    running servers swap it in within MATCHER_SNAPSHOT_CHECK_SECONDS."""
    import time

    from flask import current_app

    from .index import rebuild_snapshot

    started = time.perf_counter()
    folder = rebuild_snapshot(current_app._get_current_object())
    click.echo(f"matcher snapshot {folder} written in {time.perf_counter() - started:.1f} s")


@matcher_cli.command("eval")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of a table.")
@click.option("--given-language", is_flag=True,
              help="Take every document's language from the file instead of building the documents "
                   "the app's way (profiles' language detected, offers' as chosen on the form).")
def eval_command(dirs, as_json, given_language):
    """Evaluate the matcher and two baselines (TF-IDF defaults, BM25) on
    evaluation sets (folders with profiles.jsonl, offers.jsonl, qrels.tsv),
    both directions: MRR, recall@10, nDCG@10, MAP. Documents are built the
    way the app builds them (see evaluation.py)."""
    results = evaluate(dirs, given_language=given_language)
    if as_json:
        click.echo(json.dumps(results, indent=2))
    else:
        click.echo(format_report(results), nl=False)
