"""Overview: the latest Luton and England value of every indicator, grouped by Marmot principle."""

import streamlit as st

from het.overview import overview_tables
from het.ui.data import overview_data

data = overview_data()
st.title(f"How is {data.authority_name} doing on each Marmot principle?")
st.caption(
    f"The latest {data.authority_name} value of every indicator, with its 95% confidence interval, "
    "beside England's value for the same period. Values come from the current extracts in the store; "
    "see Data and methods for definitions and sources."
)
tables = overview_tables(data.latest, local_name=data.authority_name)
if not tables:
    st.info("No indicators in the catalogue yet: run `python -m het init`.")
for (principle_id, label), table in tables.items():
    heading = label if principle_id == 0 else f"{principle_id}. {label}"
    st.subheader(heading, anchor=f"principle-{principle_id}")
    st.dataframe(table, hide_index=True, width="stretch", key=f"overview-{principle_id}")
