"""Where the store meets the search index: store rows become ``IndexDocument`` values here.

This package sits above both (the contract "index and store meet only in readerapp.indexing" in
pyproject.toml): the store never learns the index's document type and the index never imports the store.
"""
