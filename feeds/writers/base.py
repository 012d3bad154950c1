"""The hook API the writers share, after Django's feed generators (`django.utils.feedgenerator`).

A writer turns one `Feed` into one document. What a format says beyond its core (Media RSS,
Dublin Core, RFC 5005 history, WebSub, the source credit, the stylesheet instruction; later
podcast namespaces, RFC 6721 tombstones, translations) is added through the same hooks, in one
of two ways:

- an **extension object**, a `FeedExtension` subclass passed to the writer (or to
  `feeds.writers.render(..., extensions=[...])`): it declares its namespaces and adds
  feed-level and entry-level elements to any of the formats it lists in `formats`;
- a **writer subclass** overriding a hook and calling `super()`, as with Django's
  `Rss201rev2Feed.add_item_elements`.

The hooks, in the order a document is built (XML formats):

- `namespaces(fmt)`: `{prefix: URI}`, asked once when the writer is made and declared once
  on the root;
- `processing_instructions(feed, fmt)`: `[(target, text)]`, written before the root (after
  the XML declaration);
- `root_attributes(feed, fmt)`: attributes of the root (`<feed>`, `<rss>`);
- `add_root_elements(parent, feed, fmt)`: appends feed-level elements to Atom's `<feed>` or
  RSS's `<channel>`, after the writer's own head;
- `item_attributes(entry, feed, fmt)`: attributes of each `<entry>` / `<item>`;
- `add_item_elements(item, entry, feed, fmt)`: appends to each `<entry>` / `<item>`, after
  the writer's own elements.

JSON Feed has two: `add_root_fields(document, feed)` and `add_item_fields(item, entry, feed)`,
which add keys to the top-level object and to each item (extension keys start with `_`, JSON
Feed 1.1 "Extensions"). `parent` and `item` are lxml elements; names in another namespace are
written in Clark notation (`{uri}local`), with the prefix the extension declared. Elements are
added in hook order: the writer's own first, then each extension in the order given.

An item hook may instead append its elements as markup, `add_markup(item, element(...))`
(names with the declared prefix, `dc:creator`): the same bytes as lxml elements, for a
fraction of the cost per element; the writers' own item elements and the bundled extensions'
are written this way, since the per-entry loop is most of a document's render time.

Two extensions declaring one prefix for different URIs is a ValueError when the writer is
made, never a silently renamed `ns0:` prefix.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar

from lxml import etree

from articles.text import reads_as_markup
from feeds.feed_types import Entry, Feed

XML_FORMATS = frozenset({"atom", "rss"})
ALL_FORMATS = frozenset({"atom", "rss", "json"})


class FeedExtension:
    """Something a document says beyond a format's core; every hook's default adds nothing.

    Subclass it and override only the hooks you need; `formats` names the formats it takes part
    in (a subset of "atom", "rss", "json"). Hooks receive the format name, so one extension can
    spell itself differently per format. An extension holds no per-document state: one instance
    serves every document and thread.
    """

    formats: ClassVar[frozenset[str]] = ALL_FORMATS

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        """The XML namespaces (`{prefix: URI}`) this extension writes in `fmt`."""
        return {}

    def processing_instructions(self, feed: Feed, fmt: str) -> Iterable[tuple[str, str]]:
        """`(target, text)` pairs written before the root element."""
        return ()

    def root_attributes(self, feed: Feed, fmt: str) -> Mapping[str, str]:
        """Attributes for the root element (Clark notation for namespaced names)."""
        return {}

    def add_root_elements(self, parent: Any, feed: Feed, fmt: str) -> None:
        """Append feed-level elements to `parent`: Atom's `<feed>`, RSS's `<channel>`."""

    def item_attributes(self, entry: Entry, feed: Feed, fmt: str) -> Mapping[str, str]:
        """Attributes for one `<entry>` / `<item>`."""
        return {}

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed, fmt: str) -> None:
        """Append entry-level elements to `item` (`<entry>` / `<item>`)."""

    def add_root_fields(self, document: dict[str, Any], feed: Feed) -> None:
        """JSON Feed: add keys to the top-level object."""

    def add_item_fields(self, item: dict[str, Any], entry: Entry, feed: Feed) -> None:
        """JSON Feed: add keys to one item (values orjson writes: a datetime in RFC 3339, whole
        seconds, `Z` for UTC; give `feeds.writers.dates.rfc3339(value)` for one whose offset
        has seconds, which orjson would round)."""


def _overrides(extension: FeedExtension, hook: str) -> bool:
    return getattr(type(extension), hook) is not getattr(FeedExtension, hook)


class Writer:
    """One format's writer: `render(feed)` gives the document's UTF-8 bytes.

    `extensions` are used in the order given; those whose `formats` leave this format out are
    ignored. Only the hooks an extension overrides are called (the per-entry loop is most of
    the render time).
    """

    format: ClassVar[str]

    def __init__(self, extensions: Iterable[FeedExtension] = ()) -> None:
        self.extensions: tuple[FeedExtension, ...] = tuple(
            e for e in extensions if self.format in e.formats
        )

    def _hooks(self, name: str) -> list[Callable[..., Any]]:
        return [getattr(e, name) for e in self.extensions if _overrides(e, name)]

    def render(self, feed: Feed) -> bytes:
        raise NotImplementedError


class XmlWriter(Writer):
    """Shared frame of the Atom and RSS writers; subclasses fill in the hooks.

    `NAMESPACES` are the writer's own (besides what feedgen declares); extensions add theirs.
    """

    NAMESPACES: ClassVar[Mapping[str, str]] = {}

    def __init__(self, extensions: Iterable[FeedExtension] = ()) -> None:
        super().__init__(extensions)
        declared: dict[str, str] = dict(self.NAMESPACES)
        for extension in self.extensions:
            for prefix, uri in extension.namespaces(self.format).items():
                if declared.setdefault(prefix, uri) != uri:
                    raise ValueError(
                        f"{type(extension).__name__}: namespace prefix {prefix!r} is already "
                        f"declared for {declared[prefix]!r}, cannot also mean {uri!r}"
                    )
        self._namespaces = declared
        self._pi_hooks = self._hooks("processing_instructions")
        self._root_attribute_hooks = self._hooks("root_attributes")
        self._root_element_hooks = self._hooks("add_root_elements")
        self._item_attribute_hooks = self._hooks("item_attributes")
        self._item_element_hooks = self._hooks("add_item_elements")
        self._item_attributes_used = bool(self._item_attribute_hooks) or (
            type(self).item_attributes is not XmlWriter.item_attributes
        )

    def namespaces(self) -> dict[str, str]:
        """Every namespace this writer declares on the root, its own and its extensions'."""
        return dict(self._namespaces)

    def render(self, feed: Feed) -> bytes:
        """The document's UTF-8 bytes: `document(feed)` with the entries' markup and long
        texts written by `serialize`, or, when their slots did not survive the hooks, again
        with every element built by lxml (the same bytes)."""
        try:
            with long_texts():
                return self.document(feed)
        except _SlotsLost:
            return self.document(feed)

    def document(self, feed: Feed) -> bytes:
        """Build and serialize the document (the format's own work; see `render`)."""
        raise NotImplementedError

    def processing_instructions(self, feed: Feed) -> list[tuple[str, str]]:
        return [pi for hook in self._pi_hooks for pi in hook(feed, self.format)]

    def root_attributes(self, feed: Feed) -> dict[str, str]:
        attributes: dict[str, str] = {}
        for hook in self._root_attribute_hooks:
            attributes.update(hook(feed, self.format))
        return attributes

    def add_root_elements(self, parent: Any, feed: Feed) -> None:
        """The writer's own feed-level elements beyond feedgen's head, then the extensions'."""
        for hook in self._root_element_hooks:
            hook(parent, feed, self.format)

    def add_items(self, parent: Any, tag: str, feed: Feed) -> None:
        """Append one `tag` element per entry, in the Feed's order, through the item hooks."""
        # Most of the render time is this loop (bench/render.py): `item_attributes` is only
        # called when a subclass or an extension provides it.
        attributes = self.item_attributes if self._item_attributes_used else None
        add_elements = self.add_item_elements
        for entry in feed.entries:
            if attributes is None:
                item = etree.SubElement(parent, tag)
            else:
                item = etree.SubElement(parent, tag, attributes(entry, feed))
            add_elements(item, entry, feed)

    def item_attributes(self, entry: Entry, feed: Feed) -> dict[str, str]:
        attributes: dict[str, str] = {}
        for hook in self._item_attribute_hooks:
            attributes.update(hook(entry, feed, self.format))
        return attributes

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed) -> None:
        """The writer's own entry elements, then the extensions'."""
        for hook in self._item_element_hooks:
            hook(item, entry, feed, self.format)

    def serialize(self, root: Any, feed: Feed) -> bytes:
        """UTF-8 bytes: the XML declaration, the processing instructions, the root (with the
        long texts of `long_text` written in)."""
        for target, text in self.processing_instructions(feed):
            root.addprevious(etree.ProcessingInstruction(target, text))
        tree = root.getroottree()
        document = bytes(etree.tostring(tree, encoding="UTF-8", xml_declaration=True))
        deferred = _LONG_TEXTS.get()
        if deferred is None or not deferred.slots:
            return document
        written = _with_long_texts(document, deferred.slots)
        if written is not None:
            return written
        # A slot went missing or another text looked like one: let lxml write them all.
        if deferred.markup:
            raise _SlotsLost
        for node, value in deferred.slots:
            assert isinstance(value, str)
            node.text = value
        deferred.slots.clear()
        return bytes(etree.tostring(tree, encoding="UTF-8", xml_declaration=True))


# --- long texts and entry markup, written by the writer -------------------------------------
#
# Most of an XML document's bytes are its entries' HTML bodies, and most of its elements are
# its entries'. lxml checks and copies each text into its tree and libxml2 escapes it again
# when serializing; each element costs about a microsecond to make. So within a writer's
# `render` (`long_texts()`), `long_text` puts a short slot in the tree instead of a body, and
# `add_markup` one slot for an entry's elements written as text (`element`, `xml_text`,
# `xml_attr`: libxml2's escaping); `XmlWriter.serialize` writes the escaped texts and the
# markup into their slots: the same bytes for about half the work. A slot is U+FDD0 (a
# noncharacter that feeds.model removes from every text, `articles.text.clean_text`), its
# number, U+FDD1. If the document's slots are not exactly the ones set, in order, the texts
# go into the tree (and the document is built again with lxml making every element, when
# there was markup) and lxml writes it all.


class _SlotsLost(Exception):
    """A document's markup slots did not survive to serialization: build it again."""


class _Deferred:
    """One document's slots: `(element, long text)` or `(element, [markup, ...])`, and the
    markup slot `add_markup` may still add to (the last one, while its element has had no
    child added after it)."""

    __slots__ = ("markup", "open_element", "open_index", "open_length", "slots")

    def __init__(self) -> None:
        self.slots: list[tuple[Any, str | list[str | bytes]]] = []
        self.markup = False
        self.open_element: Any = None
        self.open_length = -1
        self.open_index = -1


_LONG_TEXTS: ContextVar[_Deferred | None] = ContextVar("feeds_writers_long_texts", default=None)
_SLOT = re.compile("\ufdd0([0-9]+)\ufdd1".encode())
# XML 1.0 Char excludes these C0 controls (tab, LF and CR are allowed).
_XML_FORBIDDEN_BYTES = bytes([*range(9), 11, 12, *range(14, 32)])


@contextmanager
def long_texts() -> Iterator[None]:
    """The scope of one document's rendering in which `long_text` and `add_markup` defer
    their texts to `XmlWriter.serialize`."""
    token = _LONG_TEXTS.set(_Deferred())
    try:
        yield
    finally:
        _LONG_TEXTS.reset(token)


def long_text(element: Any, text: str) -> None:
    """`element.text = text`, for a long text such as an entry's HTML body: in a writer's
    `render` (`long_texts()`), the text is written by `serialize` with exactly the bytes lxml
    would write, at about half the cost; elsewhere it is set at once. Until then the element
    holds a placeholder, so a hook must not read it back."""
    deferred = _LONG_TEXTS.get()
    if deferred is None:
        element.text = text
        return
    element.text = f"\ufdd0{len(deferred.slots)}\ufdd1"
    deferred.slots.append((element, text))


def xml_text(text: str) -> str:
    """`text` escaped as libxml2 escapes an element's text: `&`, `<`, `>` as entities, CR as
    `&#13;` (see `escape_text`, its bytes)."""
    # Four scans are faster than one regular expression search on the short texts this gets.
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace("\r", "&#13;")
    return text


def xml_attr(value: str) -> str:
    """`value` escaped as libxml2 escapes an attribute value in double quotes: `&`, `<`, `>`,
    `"` as entities, LF, CR and tab as character references."""
    if (
        "&" in value
        or "<" in value
        or ">" in value
        or '"' in value
        or "\n" in value
        or "\r" in value
        or "\t" in value
    ):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        value = value.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
        return value.replace("\t", "&#9;")
    return value


def element(tag: str, text: str | None = None, attributes: Mapping[str, str] | None = None) -> str:
    """One element as markup, as lxml writes it: `tag` is the name as written (`dc:creator`,
    with the prefix declared on the root; `link` in the document's default namespace),
    `attributes` in their order, `text` escaped; None: no text (`<tag/>`), "": `<tag></tag>`.

    Errors: TypeError for a value that is not a string, as lxml's.
    """
    head = "<" + tag
    if attributes:
        head += "".join([f' {name}="{xml_attr(value)}"' for name, value in attributes.items()])
    if text is None:
        return head + "/>"
    return f"{head}>{xml_text(text)}</{tag}>"


def add_markup(item: Any, *parts: str | bytes) -> None:
    """Append elements written as text to the end of `item`'s content, in order with the
    elements hooks append with lxml: the same bytes as making them with lxml.

    `parts` are markup (`element`, `xml_text`, `xml_attr`), or UTF-8 bytes already escaped
    (`escape_text` of a long text); together they are whole elements. Names must use the
    prefixes the writer declares on the root (the extensions' `namespaces`). In a writer's
    `render` (`long_texts()`) the markup is written by `serialize`, at a fraction of lxml's
    cost per element; elsewhere it is parsed and appended at once.

    Errors: ValueError for a character XML 1.0 forbids, as lxml's.
    """
    deferred = _LONG_TEXTS.get()
    if deferred is None:
        _append_parsed(item, "".join(p if isinstance(p, str) else p.decode() for p in parts))
        return
    length = len(item)
    if deferred.open_element is item and deferred.open_length == length:
        held = deferred.slots[deferred.open_index][1]
        assert isinstance(held, list)
        held.extend(parts)
        return
    index = len(deferred.slots)
    slot = f"\ufdd0{index}\ufdd1"
    if length:
        last = item[length - 1]
        last.tail = (last.tail or "") + slot
    else:
        item.text = (item.text or "") + slot
    deferred.slots.append((item, list(parts)))
    deferred.markup = True
    deferred.open_element, deferred.open_length, deferred.open_index = item, length, index


_MARKUP_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)


def _append_parsed(item: Any, markup: str) -> None:
    """`add_markup` outside a render: the elements made by lxml from the markup."""
    declarations = "".join(
        f' xmlns:{prefix}="{xml_attr(uri)}"' for prefix, uri in item.nsmap.items() if prefix
    )
    data = _xml_utf8(f"<w{declarations}>{markup}</w>")
    # huge_tree: an escaped body may pass libxml2's 10 MB default limit for one text.
    wrapper = etree.fromstring(data, _MARKUP_PARSER)
    if wrapper.text:
        if len(item):
            item[-1].tail = (item[-1].tail or "") + wrapper.text
        else:
            item.text = (item.text or "") + wrapper.text
    for child in list(wrapper):
        item.append(child)


def _xml_utf8(text: str) -> bytes:
    """`text` as UTF-8, ValueError (as lxml's) for a character XML 1.0 forbids."""
    if "\ufffe" in text or "\uffff" in text:
        raise ValueError("All strings must be XML compatible: U+FFFE or U+FFFF in the text")
    try:
        data = text.encode()
    except UnicodeEncodeError:
        raise ValueError("All strings must be XML compatible: a lone surrogate") from None
    if len(data.translate(None, _XML_FORBIDDEN_BYTES)) != len(data):
        raise ValueError("All strings must be XML compatible: a control character")
    return data


def escape_text(text: str) -> bytes:
    """`text` as UTF-8 XML character data, escaped as libxml2 writes an element's text:
    `&`, `<`, `>` as entities and CR as `&#13;` (so a parser gives CR back, not LF).

    Errors: ValueError, as lxml's, for a character XML 1.0 forbids (a C0 control other than
    tab, LF and CR, a lone surrogate, U+FFFE or U+FFFF).
    """
    data = _xml_utf8(text)
    if b"&" in data:
        data = data.replace(b"&", b"&amp;")
    if b"<" in data:
        data = data.replace(b"<", b"&lt;")
    if b">" in data:
        data = data.replace(b">", b"&gt;")
    if b"\r" in data:
        data = data.replace(b"\r", b"&#13;")
    return data


def _with_long_texts(
    document: bytes, deferred: list[tuple[Any, str | list[str | bytes]]]
) -> bytes | None:
    """The document with each slot replaced by its escaped text or its markup; None when its
    slots are not exactly 0, 1, ... len(deferred) - 1 in order."""
    parts = _SLOT.split(document)
    if len(parts) != 2 * len(deferred) + 1:
        return None
    for number in range(len(deferred)):
        if parts[2 * number + 1] != b"%d" % number:
            return None
        value = deferred[number][1]
        if isinstance(value, str):
            parts[2 * number + 1] = escape_text(value)
        else:
            parts[2 * number + 1] = _markup_utf8(value)
    return b"".join(parts)


def _markup_utf8(parts: list[str | bytes]) -> bytes:
    """The markup parts as one UTF-8 string (bytes parts as they are), checked as lxml checks
    a text."""
    if len(parts) == 1 and isinstance(parts[0], str):
        return _xml_utf8(parts[0])
    out: list[bytes] = []
    run: list[str] = []
    for part in parts:
        if isinstance(part, str):
            run.append(part)
            continue
        if run:
            out.append(_xml_utf8("".join(run)))
            run.clear()
        out.append(part)
    if run:
        out.append(_xml_utf8("".join(run)))
    return b"".join(out)


# --- plain text in formats that readers may read as HTML ------------------------------------
# `reads_as_markup` (articles.text) tells which plain text an HTML reading would show otherwise.


def hex_ampersands(document: bytes, root: bytes) -> bytes:
    """`document` (XML) with every `&` of the text and attributes of its `root` element
    (`b"<feed"`) written `&#x26;`, the same character to any XML parser. The prolog stays as
    it is: a processing instruction's content is not parsed as XML text (the stylesheet's
    `href` holds `&amp;` as such).

    The RSS Best Practices Profile's encoding of character data ("Character Data"), by which
    the W3C validator tells text from HTML: elements that carry plain text with no type (an
    Atom `name`, a category `label`, a link `title`, RSS `category`, `dc:*`) are flagged when
    an `&` is followed by an entity name or by word characters that are not all letters
    (`5&10`), unless the document writes its ampersands so. Records keep no markup in those
    fields (`articles.formats.values`, `no_markup`), so this only tells what is left: text.
    """
    start = document.find(root)
    if start < 0 or document.find(b"&amp;", start) < 0:
        return document
    return document[:start] + document[start:].replace(b"&amp;", b"&#x26;")


def as_html(text: str) -> str:
    """Plain text as HTML that shows exactly that text (`<`, `&`, `>` escaped)."""
    return html.escape(text, quote=False)


__all__ = [
    "FeedExtension",
    "Writer",
    "XmlWriter",
    "add_markup",
    "as_html",
    "element",
    "escape_text",
    "hex_ampersands",
    "long_text",
    "long_texts",
    "reads_as_markup",
    "xml_attr",
    "xml_text",
]
