"""Benchmark support: a large, realistic data set built quickly (`flask --app wsgi bench seed`).

Nothing here is used by the running application; `benchmarks/run.py` drives it.
"""
