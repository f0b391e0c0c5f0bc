"""Quality measurements: relevance and summaries against labelled sets."""
