"""Sign-in state for the app: single sign-on (st.login), local accounts, or the single local analyst."""

from __future__ import annotations

import streamlit as st

from het.auth import (
    ACCOUNTS,
    DISABLED,
    MODE_EXPLANATIONS,
    OIDC,
    SINGLE_ANALYST,
    SINGLE_ANALYST_NAME,
    User,
    authenticate,
    read_accounts,
    sign_in_mode,
)

SESSION_KEY = "het_user"


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section for st.login."""
    try:
        return bool(st.secrets.load_if_toml_exists()) and "auth" in st.secrets
    except Exception:  # a malformed secrets file must not take the app down; it is simply not configured
        return False


def current_mode() -> str:
    return sign_in_mode(
        oidc_configured=oidc_configured(),
        accounts_exist=bool(read_accounts()),
        server_address=st.get_option("server.address"),
    )


def current_user(mode: str | None = None) -> User | None:
    """The signed-in user, or None when signed out (pass the mode when the caller has it already)."""
    mode = mode or current_mode()
    if mode == SINGLE_ANALYST:
        return User(SINGLE_ANALYST_NAME, "analyst")
    if mode == ACCOUNTS:
        return st.session_state.get(SESSION_KEY)
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
        if mode == SINGLE_ANALYST:
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
            with st.expander("Analyst sign-in"), st.form("sign_in", clear_on_submit=True):
                name = st.text_input("User name", key="sign_in_name")
                password = st.text_input("Password", type="password", key="sign_in_password")
                if st.form_submit_button("Sign in"):
                    signed_in = authenticate(name, password)
                    if signed_in is None:
                        st.error("User name or password not recognised.")
                    else:
                        st.session_state[SESSION_KEY] = signed_in
                        st.rerun()


def analyst_or_explain() -> User | None:
    """The analyst using the page, or None after explaining why loading is not available."""
    mode = current_mode()
    user = current_user(mode)
    if user is not None and user.is_analyst:
        if mode == SINGLE_ANALYST:
            st.info(MODE_EXPLANATIONS[SINGLE_ANALYST], icon=":material/person:")
        return user
    if mode == DISABLED:
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
    mode = current_mode()
    user = current_user(mode)
    if user is not None and user.can_edit_workstreams:
        return user
    if user is None:
        st.caption(f"Sign in as a workstream lead or an analyst (sidebar) to edit {what}.")
    else:
        st.caption(f"{user.name} can view this workstream but not edit it: ask for the lead role.")
    return None
