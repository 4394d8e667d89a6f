"""Streamlit-side helpers: cached store access, navigation and shared page chrome."""
