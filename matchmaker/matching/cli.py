"""``flask matcher eval DIR [DIR ...] [--json]``: measured matcher quality."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from .evaluation import evaluate, format_report

matcher_cli = AppGroup("matcher", help="Matcher tools: quality evaluation on labelled sets.")


@matcher_cli.command("eval")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of a table.")
def eval_command(dirs, as_json):
    """Evaluate the matcher and two baselines (TF-IDF defaults, BM25) on
    evaluation sets (folders with profiles.jsonl, offers.jsonl, qrels.tsv),
    both directions: MRR, recall@10, nDCG@10, MAP."""
    results = evaluate(dirs)
    if as_json:
        click.echo(json.dumps(results, indent=2))
    else:
        click.echo(format_report(results), nl=False)
