"""Statistics for health inequalities, following the Fingertips / OHID technical guide (METHODS.md)."""

from het.stats.ci import rate_ci, wilson_ci, z_for

__all__ = ["rate_ci", "wilson_ci", "z_for"]
