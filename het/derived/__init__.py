"""Derived results: benchmarks, recent trends and gaps, computed from the current observations.

gaps.py computes them from frames (pure); populations.py chooses each deprivation group's population;
refresh.py reads what a change touched from the store and writes the results back. Only het.loads calls
the refresh.
"""
