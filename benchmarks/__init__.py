"""Benchmarks: each bench_*.py measures the kit against the peer a user would pick."""
