"""het: the Luton Health Equity Town monitor."""
