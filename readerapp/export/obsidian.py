"""An Obsidian vault folder: one Markdown file per paper, YAML front matter, updated in place.

A re-export finds each paper's file by the ``id`` in its front matter (so a file the user renamed or
moved into a subfolder is still the one updated), rewrites only the front matter keys readerapp owns
and the block between its two markers, and keeps everything else: the user's own keys, text and files.
The markers are lines of their own (the end is the first such line after the start), and a line of the
user's note that reads like a marker is escaped inside the block, so no title or note can move them.
Tags merge: the front matter keeps the tags the user added in Obsidian (those readerapp did not write
last time, which the block's ``#tag`` line records) beside the paper's tags in the library.
Nothing is ever deleted; the files are written atomically, all or none (see ``StagedWrites``), and an
unchanged file is not rewritten.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from readerapp.errors import ExportError
from readerapp.export.atomic import StagedWrites, check_folder
from readerapp.export.bundle import ExportBundle
from readerapp.export.links import paper_url, year
from readerapp.export.markdown import escape_md, paper_body
from readerapp.ids import safe_filename
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress

_BEGIN_TAG = "%% readerapp:begin"
BEGIN = _BEGIN_TAG + " (a re-export replaces this block; write your own text outside it) %%"
END = "%% readerapp:end %%"
OWNED_KEYS = ("id", "title", "authors", "year", "tags", "url", "state", "starred")
_TITLE_CHARS = 80
_NAME_BYTES = 200  # a file name's length in UTF-8, ".md" aside: far below every filesystem's 255
_TAGS_LINE = "**Tags:**"
_WRITTEN_TAG = re.compile(r"#([\w\-/]+)")
_LINK_UNSAFE = re.compile(r"[#^\[\]|]")  # break [[wiki links]] in Obsidian
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_TOP_LEVEL_KEY = re.compile(r"^([^\s#\-][^:]*):")
_TAG_UNSAFE = re.compile(r"[^\w\-/]")


@dataclass(frozen=True, slots=True)
class VaultReport:
    created: int
    updated: int
    unchanged: int


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``text`` (JSON's escapes are YAML's)."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def obsidian_tag(tag: str) -> str:
    """Obsidian tags have no spaces or punctuation: ``reading group`` becomes ``reading-group``."""
    cleaned = _TAG_UNSAFE.sub("", "-".join(tag.split()))
    return cleaned if not cleaned.isdigit() else f"_{cleaned}"


def file_name(paper: Paper) -> str:
    """``{title} ({id}).md``: readable, and unique through the id, which no title's length or script
    can cut off (the title is shortened to leave it room)."""
    ident = safe_filename(paper.id)
    room = _NAME_BYTES - len(f" ({ident})".encode())
    title = safe_filename(_LINK_UNSAFE.sub(" ", paper.title)[:_TITLE_CHARS], max_len=room)
    return f"{title} ({ident}).md"


def library_tags(paper: Paper) -> list[str]:
    """The paper's tags in the library, as Obsidian tags."""
    return list(dict.fromkeys(t for t in (obsidian_tag(tag) for tag in paper.tags) if t))


def front_matter_blocks(paper: Paper, tags: list[str]) -> dict[str, str]:
    """Each owned key's YAML lines; ``tags`` is the merged list."""
    when = year(paper)
    url = paper_url(paper)
    return {
        "id": f"id: {yaml_string(paper.id)}",
        "title": f"title: {yaml_string(paper.title)}",
        "authors": _yaml_list("authors", paper.authors),
        "year": f"year: {when if when is not None else 'null'}",
        "tags": _yaml_list("tags", tags),
        "url": f"url: {yaml_string(url) if url else 'null'}",
        "state": f"state: {yaml_string(paper.state)}",
        "starred": f"starred: {'true' if paper.starred else 'false'}",
    }


def _yaml_list(key: str, values: list[str]) -> str:
    if not values:
        return f"{key}: []"
    return "\n".join([f"{key}:", *(f"  - {yaml_string(v)}" for v in values)])


def _is_begin(line: str) -> bool:
    return line.startswith(_BEGIN_TAG)


def _is_end(line: str) -> bool:
    return line.strip() == END


def generated_block(paper: Paper, pdf_link: str | None = None) -> str:
    """The block between the markers; a line inside it that reads as a marker gets a backslash (shown
    as written by Markdown and Obsidian, never taken for a marker). ``pdf_link`` (the PDF's path in the
    vault from the note, URL-encoded) makes each ``p. N`` open the PDF at that page in Obsidian."""
    tags = library_tags(paper)
    tags_line = f"{_TAGS_LINE} " + " ".join(f"#{tag}" for tag in tags) if tags else None
    body = "\n\n".join([f"# {escape_md(paper.title)}", *paper_body(paper, 1, tags_line, pdf_link)])
    lines = [
        "\\" + line.lstrip() if _is_begin(line.lstrip()) or _is_end(line) else line
        for line in body.split("\n")
    ]
    return "\n\n".join([BEGIN, "\n".join(lines), END])


def _block_bounds(lines: list[str]) -> tuple[int, int] | None:
    """The line numbers of the start and end markers: lines of their own, the end after the start."""
    start = next((n for n, line in enumerate(lines) if _is_begin(line)), None)
    if start is None:
        return None
    end = next((n for n in range(start + 1, len(lines)) if _is_end(lines[n])), None)
    return None if end is None else (start, end)


def written_tags(rest: str) -> set[str]:
    """The tags readerapp wrote into the file last time, from its block's tags line (``#a #b``; a file
    from an older readerapp lists the library's tags there as ``a, b``)."""
    lines = rest.split("\n")
    bounds = _block_bounds(lines)
    if bounds is None:
        return set()
    for line in lines[bounds[0] : bounds[1]]:
        if line.startswith(_TAGS_LINE):
            listed = line.removeprefix(_TAGS_LINE)
            if "#" in listed:
                return set(_WRITTEN_TAG.findall(listed))
            return {obsidian_tag(html.unescape(tag).replace("\\", "")) for tag in listed.split(",")}
    return set()


def front_matter_tags(front: list[str] | None) -> list[str]:
    """The tags the file's front matter lists (a YAML list, or one string of them), without ``#``."""
    for key, lines in _key_blocks(front or []):
        if key == "tags":
            try:
                value = yaml.safe_load("\n".join(lines))
            except yaml.YAMLError:
                return []
            found = value.get("tags") if isinstance(value, dict) else None
            items = re.split(r"[\s,]+", found) if isinstance(found, str) else found
            if not isinstance(items, list):
                return []
            return [str(item).lstrip("#") for item in items if item is not None and str(item).strip("# ")]
    return []


def _split_front_matter(text: str) -> tuple[list[str] | None, str]:
    """(front matter lines, the rest) or (None, text) when the file has no front matter."""
    if not text.startswith("---\n"):
        return None, text
    end = text.find("\n---", 3)
    if end == -1:
        return None, text
    after = text.find("\n", end + 4)
    rest = "" if after == -1 else text[after + 1 :]
    return text[4:end].split("\n") if end > 4 else [], rest


def _key_blocks(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Front matter cut into top-level entries: (key, its lines); leading comments have no key."""
    blocks: list[tuple[str | None, list[str]]] = []
    for line in lines:
        match = _TOP_LEVEL_KEY.match(line)
        if match or not blocks:
            blocks.append((match.group(1).strip() if match else None, [line]))
        else:
            blocks[-1][1].append(line)
    return blocks


def merge_front_matter(existing: list[str] | None, owned: dict[str, str]) -> str:
    """Owned keys replaced where they stand (or appended); every other key kept as the user wrote it."""
    out: list[str] = []
    done: set[str] = set()
    for key, lines in _key_blocks(existing or []):
        if key in owned:
            if key not in done:
                out.append(owned[key])
                done.add(key)
        else:
            out.extend(lines)
    out.extend(owned[key] for key in OWNED_KEYS if key not in done)
    return "---\n" + "\n".join(out) + "\n---\n"


def merge_body(rest: str, block: str) -> str:
    """Replace the generated block in the body; a body without one gets it appended."""
    lines = rest.split("\n")
    bounds = _block_bounds(lines)
    if bounds is None:
        return (rest.rstrip("\n") + "\n\n" if rest.strip() else "") + block + "\n"
    start, end = bounds
    return "\n".join([*lines[:start], block, *lines[end + 1 :]])


def render_file(paper: Paper, existing: str | None, pdf_link: str | None = None) -> str:
    """A paper's file: new, or ``existing`` with readerapp's parts brought up to date."""
    front, rest = _split_front_matter((existing or "").replace("\r\n", "\n"))  # a Windows editor's lines
    ours, before = library_tags(paper), written_tags(rest)
    users = [tag for tag in front_matter_tags(front) if tag not in before and tag not in ours]
    owned = front_matter_blocks(paper, ours + list(dict.fromkeys(users)))
    return merge_front_matter(front, owned) + merge_body(rest, generated_block(paper, pdf_link))


def _front_matter_id(text: str) -> str | None:
    """The paper id of a file readerapp wrote (front matter ``id`` and its block), else None."""
    front, _rest = _split_front_matter(text.replace("\r\n", "\n"))
    for line in front or []:
        if line.startswith("id:"):
            value = line[3:].strip()
            try:
                found = json.loads(value)
            except ValueError:
                found = value.strip("'\"")
            return found if isinstance(found, str) and _BEGIN_TAG in text else None
    return None


def existing_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Paper id -> the vault file readerapp made for it (wherever the user moved it) and its text."""
    found: dict[str, tuple[Path, str]] = {}
    for path in sorted(folder.rglob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        ident = _front_matter_id(text)
        if ident is not None:
            found.setdefault(ident, (path, text))
    return found


def _read_own(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"cannot update {path}: it is not a readable UTF-8 text file ({exc})") from exc


def vault_root(folder: Path) -> Path:
    """The vault the export folder is in: the nearest folder up holding Obsidian's ``.obsidian``
    settings, else the export folder itself."""
    here = folder.resolve()
    return next((f for f in (here, *here.parents) if (f / ".obsidian").is_dir()), here)


def vault_pdfs(folder: Path) -> dict[str, Path]:
    """The PDFs in the vault by file name (the first found of each name), where a note can link them."""
    found: dict[str, Path] = {}
    for path in sorted(vault_root(folder).rglob("*.pdf")):
        found.setdefault(path.name, path)
    return found


def pdf_link(paper: Paper, note: Path, pdfs: dict[str, Path]) -> str | None:
    """The URL-encoded path from the note to the paper's PDF when a copy of it is in the vault."""
    if not paper.pdf_path or not paper.pdf_highlights:
        return None
    found = pdfs.get(Path(paper.pdf_path).name)
    if found is None:
        return None
    return quote(Path(os.path.relpath(found, note.parent.resolve())).as_posix())


def write_vault(bundle: ExportBundle, folder: Path, progress: Progress = no_progress) -> VaultReport:
    """Create or update one file per paper in ``folder`` (created when missing, its parent must exist)."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot write to {folder}: it is a file, and the Obsidian export needs a folder")
    if not folder.exists():
        check_folder(folder.parent if str(folder.parent) else Path("."))
        folder.mkdir()
    check_folder(folder)
    known = existing_files(folder)
    pdfs = vault_pdfs(folder) if any(p.pdf_highlights for p in bundle.papers) else {}
    created = updated = unchanged = 0
    with StagedWrites() as writes:
        for paper in bundle.each(progress):
            path, before = known.get(paper.id) or (folder / file_name(paper), None)
            if before is None and path.exists():  # a file of that name readerapp did not make
                before = _read_own(path)
            after = render_file(paper, before, pdf_link(paper, path, pdfs))
            if after == before:
                unchanged += 1
                continue
            writes.stage(path, after)
            created, updated = (created + 1, updated) if before is None else (created, updated + 1)
    return VaultReport(created, updated, unchanged)
