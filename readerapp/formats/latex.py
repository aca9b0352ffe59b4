"""LaTeX in BibTeX values to plain text through pylatexenc (the decoder bibtexparser itself uses).

The decoder is bibtexparser's default (URLs unwrapped, math kept verbatim as ``$...$``) plus the text
macros our BibTeX export writes for characters LaTeX treats specially and pylatexenc does not read as
written: ``\\textbraceleft``/``\\textbraceright`` (a stray brace, which pylatexenc drops) and
``\\textasciicircum`` (which it reads as the modifier ``ˆ``), so an export read back gives the same text.

pylatexenc takes most of a millisecond per value and builds reference cycles, so text it would return
unchanged (most titles, names and abstracts) never goes through it, and text whose only LaTeX is
braces (``{GAN}s``) only loses them: a 100k-entry file decodes in seconds, not minutes.
"""

from __future__ import annotations

import functools
import re

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

# What pylatexenc changes (found by feeding it every printable ASCII character and pair of them), and
# math, which it keeps verbatim, braces and all.
_LATEX_RE = re.compile(r"[%&\\~$]|!`|\?`|''|--|``")
_BRACE_RE = re.compile(r"[{}]")


def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.add_context_category(
        "readerapp-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("textbraceleft", simplify_repl="{"),
            MacroTextSpec("textbraceright", simplify_repl="}"),
            MacroTextSpec("textasciicircum", simplify_repl="^"),
        ],
    )
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


_DECODER = _decoder()


def latex_to_text(value: str) -> str:
    """``{\\"U}ber {GAN}s \\& $O(n)$`` -> ``Über GANs & $O(n)$``."""
    if _LATEX_RE.search(value) is None and _balanced(value):
        return _BRACE_RE.sub("", value) if "{" in value or "}" in value else value
    return _decoded(value)


@functools.lru_cache(maxsize=2048)
def _decoded(value: str) -> str:
    """Journal, publisher and institution names recur from entry to entry: each is decoded once."""
    return str(_DECODER.latex_to_text(value))


def _balanced(value: str) -> bool:
    depth = 0
    for char in _BRACE_RE.findall(value):
        depth += 1 if char == "{" else -1
        if depth < 0:
            return False
    return depth == 0
