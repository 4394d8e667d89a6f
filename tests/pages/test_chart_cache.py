"""Charts are built once per data version and arguments (het.ui.card.cached_chart), and the cached spec is
the one Streamlit's own st.altair_chart would send."""

from __future__ import annotations

import altair as alt
import pandas as pd
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from het.ui.card import cached_chart
from het.ui.data import get_store

BUILT: list[str] = []


def bars(frame: pd.DataFrame, *, colour: str) -> alt.Chart:
    """A chart builder of the kind het.charts holds, counting its calls."""
    BUILT.append(colour)
    return alt.Chart(frame).mark_bar(color=colour).encode(x="group:N", y="value:Q")


def test_a_chart_is_built_once_per_data_version_and_arguments(store_copy):
    BUILT.clear()
    frame = pd.DataFrame({"group": ["a", "b"], "value": [1.0, 2.0]})
    first = cached_chart(bars, frame, colour="red")
    again = cached_chart(bars, frame.copy(), colour="red")  # equal content: the cached spec
    assert BUILT == ["red"]
    assert again.spec == first.spec == _convert_altair_to_vega_lite_spec(bars(frame, colour="red"))
    assert all(
        isinstance(data, bytes) for data in first.spec["datasets"].values()
    )  # Arrow, as Streamlit sends

    BUILT.clear()
    cached_chart(bars, frame.assign(value=[3.0, 4.0]), colour="red")  # other data
    cached_chart(bars, frame, colour="blue")  # other arguments
    with get_store().transaction():  # a commit: a new data version
        pass
    cached_chart(bars, frame, colour="red")
    assert BUILT == ["red", "blue", "red"]


def test_each_caller_gets_its_own_copy_of_the_spec(store_copy):
    frame = pd.DataFrame({"group": ["a"], "value": [1.0]})
    first = cached_chart(bars, frame, colour="green")
    first.spec.pop("datasets")  # what Streamlit does to a spec it sends
    assert "datasets" in cached_chart(bars, frame, colour="green").spec


def test_a_picture_spec_has_its_data_inline(store_copy):
    frame = pd.DataFrame({"group": ["a", "b"], "value": [1.0, 2.0]})
    picture = cached_chart(bars, frame, colour="red", picture=True).to_json()
    assert '"value": 2.0' in picture and "datasets" in picture
