"""Views: what each page shows, as frames and texts built from the store's frames (no Streamlit, no statistics)."""
