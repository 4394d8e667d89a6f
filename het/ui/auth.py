"""Sign-in state for the app: single sign-on (st.login), local accounts, or the single local analyst."""

from __future__ import annotations

import tomllib
from pathlib import Path

import streamlit as st

from het.auth import (
    ACCOUNTS,
    DISABLED,
    MISCONFIGURED,
    MODE_EXPLANATIONS,
    OIDC,
    SINGLE_ANALYST,
    SINGLE_ANALYST_NAME,
    User,
    account_now,
    read_accounts,
    sign_in,
    sign_in_mode,
)
from het.ui.meeting import meeting_mode

SESSION_KEY = "het_user"


def secrets_error() -> str | None:
    """Why a secrets file that exists cannot be read (single sign-on was meant), or None.

    Read with tomllib, not st.secrets, so the file and the error can be named; het then fails closed."""
    for name in st.get_option("secrets.files"):
        path = Path(name)
        if not path.is_file():
            continue
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            return f"{path}: {exc}"
    return None


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section for st.login."""
    if secrets_error():
        return False
    return bool(st.secrets.load_if_toml_exists()) and "auth" in st.secrets


def current_mode() -> str:
    error = secrets_error()
    return sign_in_mode(
        oidc_configured=not error and oidc_configured(),
        accounts_exist=bool(read_accounts()),
        server_address=st.get_option("server.address"),
        secrets_error=error,
    )


def client_id() -> str:
    """The browser's address as the server sees it (for slowing password guessing per client)."""
    try:
        return str(st.context.ip_address or "unknown client")
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there is no address
        return "unknown client"


def current_user(mode: str | None = None) -> User | None:
    """The signed-in user, or None when signed out (pass the mode when the caller has it already)."""
    mode = mode or current_mode()
    if mode == SINGLE_ANALYST:
        return User(SINGLE_ANALYST_NAME, "analyst")
    if mode == ACCOUNTS:
        signed_in = st.session_state.get(SESSION_KEY)
        if signed_in is None:
            return None
        now = account_now(signed_in.name)  # the role as it stands now: a demoted analyst loses upload at once
        if now is None:
            st.session_state.pop(SESSION_KEY, None)  # the account was removed: signed out
        elif now != signed_in:
            st.session_state[SESSION_KEY] = now
        return now
    if mode == OIDC and st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        roles = st.secrets.get("het", {})
        analysts = {a.lower() for a in roles.get("analysts", [])}
        leads = {a.lower() for a in roles.get("leads", [])}
        role = "analyst" if email.lower() in analysts else "lead" if email.lower() in leads else "viewer"
        return User(email, role)
    return None


def sign_in_panel() -> None:
    """The sidebar's sign-in state: who is signed in, and the controls to sign in or out."""
    mode = current_mode()
    user = current_user(mode)
    with st.sidebar:
        if mode == MISCONFIGURED:  # on every page: nobody can sign in until the file is fixed
            st.error(
                f"Sign-in is off: the secrets file cannot be read ({secrets_error()}). Nothing can be loaded "
                "or edited until it is fixed; then restart het.",
                icon=":material/lock:",
            )
        elif mode == SINGLE_ANALYST:
            st.caption(f"Signed in as the {SINGLE_ANALYST_NAME} (served on this computer only).")
        elif mode == DISABLED:
            st.caption("Viewing only: uploads are disabled on this server.")
        elif user is not None:
            st.caption(f"Signed in as **{user.name}** ({user.role}).")
            if st.button("Sign out", key="sign_out"):
                if mode == OIDC:
                    st.logout()
                st.session_state.pop(SESSION_KEY, None)
                st.rerun()
        elif mode == OIDC:
            if st.button("Sign in", key="sign_in_oidc"):
                st.login()
        else:
            with st.expander("Sign in (analysts, leads, viewers)"), st.form("sign_in", clear_on_submit=True):
                name = st.text_input("User name", key="sign_in_name")
                password = st.text_input("Password", type="password", key="sign_in_password")
                if st.form_submit_button("Sign in"):
                    attempt = sign_in(name, password, client=client_id())
                    if attempt.user is None:
                        st.error(attempt.message)
                    else:
                        st.session_state[SESSION_KEY] = attempt.user
                        st.rerun()


def analyst_or_explain() -> User | None:
    """The analyst using the page, or None after explaining why loading is not available."""
    if meeting_mode():
        st.info(
            "Loading extracts is off in meeting mode: turn meeting mode off (top right).",
            icon=":material/lock:",
        )
        return None
    mode = current_mode()
    user = current_user(mode)
    if user is not None and user.is_analyst:
        if mode == SINGLE_ANALYST:
            st.info(MODE_EXPLANATIONS[SINGLE_ANALYST], icon=":material/person:")
        return user
    if mode == MISCONFIGURED:
        st.error(MODE_EXPLANATIONS[MISCONFIGURED].format(error=secrets_error()), icon=":material/lock:")
    elif mode == DISABLED:
        st.warning(MODE_EXPLANATIONS[DISABLED], icon=":material/lock:")
    elif user is None:
        st.info("Sign in as an analyst (sidebar) to load or withdraw extracts.", icon=":material/lock:")
    else:
        st.info(
            f"{user.name} can view het but not load extracts: ask for the analyst role.",
            icon=":material/lock:",
        )
    return None


def editor_or_explain(what: str) -> User | None:
    """The lead or analyst using the page, or None after saying (briefly) why editing is not available.

    Viewers and signed-out users see no edit controls at all, only this line.
    """
    if meeting_mode():
        return None  # no edit controls on the meeting-room screen, and no line saying so under every table
    mode = current_mode()
    user = current_user(mode)
    if user is not None and user.can_edit_workstreams:
        return user
    if mode == MISCONFIGURED:
        st.caption(f"Editing {what} is off: the secrets file cannot be read ({secrets_error()}).")
    elif user is None:
        st.caption(f"Sign in as a workstream lead or an analyst (sidebar) to edit {what}.")
    else:
        st.caption(f"{user.name} can view this workstream but not edit it: ask for the lead role.")
    return None
