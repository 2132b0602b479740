"""bench/matcher.py runs at a small size and prints ours beside bm25s and scikit-learn."""
import json
import re

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
