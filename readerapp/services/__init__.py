"""What a Library does, one service per concern (PDF files, health, backups, tags, collections, ...).

Each service works on a ``LibraryContext``: the library's folder and settings, its database and its
user. ``readerapp.api.Library`` is the door in front of them and only delegates.
"""
