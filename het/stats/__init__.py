"""Public-health statistics: intervals, benchmarks, recent trends, DSR and the slope index of inequality.

Pure numpy/pandas, no Streamlit and no store: analysts can call these from notebooks.
See docs/methods.md.
"""

from het.stats.benchmark import LABEL_ORDER, compare_with_benchmark, normalise_polarity
from het.stats.ci import rate_ci, wilson_ci, z_for
from het.stats.dsr import dsr, esp2013
from het.stats.sii import sii
from het.stats.trend import recent_trend

__all__ = [
    "LABEL_ORDER",
    "compare_with_benchmark",
    "dsr",
    "esp2013",
    "normalise_polarity",
    "rate_ci",
    "recent_trend",
    "sii",
    "wilson_ci",
    "z_for",
]
