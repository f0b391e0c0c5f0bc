"""The summary stage: a few of the outlets' own sentences for each story and for the week.

Takes a story's texts and the summary settings; gives the chosen sentences (extractive, with sumy
and an offline tokenizer: no NLTK data). Splits sentences, drops what is not prose (datelines,
bylines, furniture, captions, fragments) and scores what is left. Pure.
"""
