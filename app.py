"""het, the Health Equity Town monitor: page config, sign-in state and navigation."""

from pathlib import Path

import streamlit as st

from het.ui.auth import sign_in_panel
from het.ui.chrome import app_title, show_demo_banner, show_freshness
from het.ui.nav import build_navigation
from het.ui.state import link_notice_area, unknown_parameter_notice

ICON = Path(__file__).parent / "het" / "ui" / "icon.png"

# The tab names the store's authority (from its geography manifest); opening the store first is allowed, as
# set_page_config may follow other Streamlit calls.
# The tab's icon is het's own file: a ":material/...:" icon makes the browser fetch it from Google's servers.
st.set_page_config(page_title=app_title(), page_icon=str(ICON), layout="wide")
navigation = build_navigation()
sign_in_panel()
show_demo_banner()
show_freshness()  # data up to: the latest period and the latest load
link_notice_area()  # a link asking for what het cannot show says so here, above the page
navigation.run()
unknown_parameter_notice()  # after the page: a link parameter it never read is named and dropped
