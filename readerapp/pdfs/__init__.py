"""PDFs of papers: where they are stored, how they are downloaded and verified, and their text.

The package never imports Qt; PyMuPDF is imported only inside the functions that need it, so importing
this package costs nothing on the app's start path.
"""
