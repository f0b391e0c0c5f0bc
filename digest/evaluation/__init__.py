"""Quality measurements: relevance and summaries against labelled sets.

Takes labelled dev data (paths given on the command line) and the stages it measures; gives
figures. Needs the `eval` extra (rouge-score); only the `digest eval` commands import it.
"""
