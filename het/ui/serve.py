"""Start het's web app: `streamlit run app.py`, with every deep link opening cleanly from the first request.

Run as `python -m het serve [STREAMLIT RUN OPTIONS]` (or `python -m het.ui.serve`). Options after `serve`
go to `streamlit run` unchanged, e.g. `--server.port 8502`.

Why not plain `streamlit run app.py`: the client's layout keeps the pages in `pages/`, beside `app.py`.
Until `st.navigation` has run once in the server process, Streamlit treats such a folder as an old-style
("v1") pages folder: the first script run of a freshly started server goes through that folder's file
names, cannot find a page addressed by het's URL paths (e.g. `/indicators`), sends the browser a "Page not
found" dialog, and only then runs app.py, whose `st.navigation` opens the right page
(streamlit/streamlit#9624; streamlit.runtime.scriptrunner.script_runner._mpa_v1 in 1.67). `st.navigation`
itself turns that mode off for good on its first run (`PagesManager.uses_pages_directory = False`), so
setting the same flag before the server starts is what het's first run would do anyway, only earlier.
Plain `streamlit run app.py` still works; its only difference is that one dialog after a restart.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def no_pages_folder_mode() -> None:
    """Tell Streamlit, before any session starts, that het navigates with st.navigation, not pages/."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main(argv: list[str] | None = None) -> int:
    """`streamlit run app.py [argv]` in this process, with the pages-folder mode off from the start."""
    from streamlit.web import cli as streamlit_cli

    no_pages_folder_mode()
    args = list(sys.argv[1:] if argv is None else argv)
    sys.argv = ["streamlit", "run", str(APP), *args]
    return streamlit_cli.main()


if __name__ == "__main__":
    sys.exit(main())
