"""het, the Luton Health Equity Town monitor: page config, sign-in state and navigation."""

import streamlit as st

from het.ui.auth import sign_in_panel
from het.ui.chrome import show_demo_banner
from het.ui.nav import build_navigation

st.set_page_config(
    page_title="het · Luton Health Equity Town monitor", page_icon=":material/monitoring:", layout="wide"
)
navigation = build_navigation()
sign_in_panel()
show_demo_banner()
navigation.run()
