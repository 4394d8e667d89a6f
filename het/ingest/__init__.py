"""Reading, checking and committing indicator extracts."""
