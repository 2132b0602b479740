"""Benchmarks and fault checks, run as scripts (`python bench/faults.py`) or imported by tests/reliability."""
