"""Exporting papers with what the user made of them: one module per format, all fed by one
``ExportBundle`` that the Library builds from a ``Scope`` (a collection, a tag, a query, ...).

Single-file formats render to text and are written atomically; ``obsidian`` updates a folder in place.
"""
