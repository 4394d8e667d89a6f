"""het, the Health Equity Town monitor: page config, sign-in state and navigation."""

from pathlib import Path

import streamlit as st

from het.ui.auth import sign_in_panel
from het.ui.chrome import app_title, page_top, show_demo_banner
from het.ui.nav import build_navigation
from het.ui.state import link_notice_area, start_link_tracking, unknown_parameter_notice

ICON = Path(__file__).parent / "het" / "ui" / "icon.png"

# The tab names the store's authority (from its geography manifest); opening the store first is allowed, as
# set_page_config may follow other Streamlit calls.
# The tab's icon is het's own file: a ":material/...:" icon makes the browser fetch it from Google's servers.
st.set_page_config(page_title=app_title(), page_icon=str(ICON), layout="wide")
start_link_tracking()  # before anything reads the URL
navigation = build_navigation()
sign_in_panel()
show_demo_banner()
page_top()  # data up to (the latest period and load), the meeting-mode toggle, the house stylesheet
link_notice_area()  # a link asking for what het cannot show says so here, above the page
navigation.run()
unknown_parameter_notice()  # after the page: a link parameter it never read is named and dropped
