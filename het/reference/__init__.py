"""Reference data: the shipped catalogue (catalogue.py, indicator rules in indicators.py), the geography
of the authority from a pack or the embedded summary (geography.py, embedded.py), and the loader that puts
both in the store (loader.py, called by het.loads)."""
