"""The editorial stage: what is on the topic, which items tell one story, where a story goes.

Takes items (title, text, source, times) and the topic, grouping and section settings; gives each
item's relevance (score and matched terms), the stories (groups of items about one event) and the
section each story belongs to. Pure: no clock, disk or network.
"""
