"""bench/matcher.py runs at a small size and prints ours beside bm25s and scikit-learn."""
import json
import re

import pytest

from bench import matcher


def test_matcher_bench_prints_the_comparison_at_a_small_size(capsys):
    matcher.main(["--sizes", "200", "--fresh", "5", "--json", "--workers", "1"])
    out = capsys.readouterr().out
    assert "load average" in out
    assert re.search(r"fresh query with analysis +[\d.]+ ms +bm25s +[\d.]+ ms \([\d.]+x\) +scikit-learn +[\d.]+ ms", out)
    assert re.search(r"batch 200 profiles +[\d.]+ s +scikit-learn chunks [\d.]+ s", out)
    r = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    assert r["n"] == 200 and r["fresh_n"] == 5
    for key in ("fresh_ours_med", "fresh_bm25s_med", "fresh_sk_med", "sk_batch_s", "batch_s", "bm25s_build_s", "sk_build_s"):
        assert r[key] > 0


def test_matcher_bench_measures_a_snapshot_of_its_corpus_without_building(tmp_path, capsys):
    from bench import snapshot as snapshot_bench

    snapshot_bench.build(200, tmp_path, workers=1)
    capsys.readouterr()
    matcher.main(["--sizes", "200", "--fresh", "5", "--json", "--snapshot", str(tmp_path)])
    out = capsys.readouterr().out
    assert "not measured: the index was loaded from a snapshot" in out
    assert re.search(r"batch 200 profiles +[\d.]+ s +scikit-learn chunks [\d.]+ s", out)
    r = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    assert r["build_s"] is None and r["batch_s"] > 0 and r["query_med"] > 0
    # a snapshot of another corpus is refused, not measured
    with pytest.raises(SystemExit, match="not this corpus"):
        matcher.main(["--sizes", "150", "--fresh", "5", "--snapshot", str(tmp_path)])
