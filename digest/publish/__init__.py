"""The publish stage: an edition as files a person reads, and the one writer of `archive/`.

Takes an `Edition` and the store's edition records; gives the HTML page, the text file, the index,
the Atom feed and the search page (Jinja templates: the user's first, the packaged ones behind,
autoescaped), an edition's JSON (`codec`), and writes them all or nothing (`archive`).
"""
