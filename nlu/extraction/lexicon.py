"""Compile word lists into one regular expression for all labels, matched on folded text.

Lexicon entries are written naturally ("soldats?", "forces armees"); Arabic entries may carry
the clitics people glue on ("والجيش", "بالشرطة"), so an optional prefix is allowed before them.

Every message goes through several lexicons of hundreds of entries, so the expression is laid
out for Python's regex engine, which tries the options of an alternation one after another at
every word start: options are grouped behind their first letter across all labels ("k(?:illed|
idnapped|...)"), so a word start costs one literal test per letter instead of one attempt per
option and label. Which label matched is asked afterwards, of that label's own expression, only
where something matched. The grouping never changes what matches (see `_merged`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre
from re import _parser as sre_parse

from nlu.text import fold

_ARABIC_CLITICS = r"(?:(?:و|ف)?(?:ب|ل|ك)?(?:ال|لل)?)"
_QUANTIFIERS = ("?", "*", "+", "{")
# A character class wider than this is read as "any first character".
_WIDEST_CLASS = 256


def _options(entries: Iterable[str]) -> list[str]:
    """A label's options in the order its alternation tries them.

    Latin entries come grouped by first letter, longest first within a letter (so "askari wa
    polisi" wins over "askari"), then the entries that do not begin with a plain letter; the
    Arabic ones last, as one option behind one clitic group.
    """
    latin, arabic = [], []
    for entry in entries:
        folded = fold(entry)
        (arabic if "\u0600" <= folded[:1] <= "\u06ff" else latin).append(folded)
    groups: dict[str, list[str]] = {}
    kept: list[str] = []
    for option in sorted(latin, key=len, reverse=True):
        if _letter_first(option):
            groups.setdefault(option[0], []).append(option)
        else:
            kept.append(option)
    options = [option for group in groups.values() for option in group] + kept
    if arabic:
        options.append(
            _ARABIC_CLITICS + "(?:" + "|".join(sorted(arabic, key=len, reverse=True)) + ")"
        )
    return options


def _letter_first(option: str) -> bool:
    """True when the option begins with one plain letter or digit that it always matches."""
    first, rest = option[:1], option[1:]
    return first.isalnum() and rest[:1] not in _QUANTIFIERS and not _top_level_bar(rest)


# The alternation's parts in order: a letter and what may follow it, or the first characters
# of options behind a look-ahead, or None for one option standing alone; each with its runs
# of consecutive options of one label, (label index, alternation).
Layout = list[tuple[str | frozenset[str] | None, list[tuple[int, str]]]]


def _merged(options: Sequence[tuple[int, str]]) -> tuple[str, Layout]:
    """One alternation that tries `options` (label index, option) in their order, laid out
    for speed; and its layout (`Layout`).

    Python's engine skips an option that begins with a literal not at hand in one test and
    tries every other option fully. So options that begin with a group are first spelled out
    ("(?:have|has) not" -> "have not", "has not"; `_expanded`), those that begin with the same
    letter are grouped behind it ("k(?:illed|idnapped)"), and the remaining ones sit behind a
    look-ahead at the characters they can begin with (`_first_characters`).

    What matches is what the plain alternation matches: only options that can begin with the
    same character can both match at one position, so moving an option before another is safe
    when their first characters differ; an option whose first characters are not known bars
    every later one from moving before it, and within a group the order is kept. The first
    option that matches is therefore the same, and so is the match.
    """
    # (letter, [(label, rest)]) for a letter's group; (first characters or None, [(label,
    # option)]) for options behind a look-ahead or, with None, standing alone
    items: list[tuple[str | frozenset[str] | None, list[tuple[int, str]]]] = []
    open_groups: dict[str, int] = {}  # letter -> index of the group later options may join
    for label, given in options:
        for option in _expanded(given):
            if _letter_first(option):
                letter = option[0]
                index = open_groups.get(letter)
                if index is None:
                    open_groups[letter] = len(items)
                    items.append((letter, [(label, option[1:])]))
                else:
                    items[index][1].append((label, option[1:]))
                continue
            first = _first_characters(option)
            previous = items[-1][0] if items else None
            if first is not None and isinstance(previous, frozenset):
                # next to other options behind a look-ahead: one look-ahead for both
                items[-1] = (previous | first, [*items[-1][1], (label, option)])
            else:
                items.append((first, [(label, option)]))
            if first is None:
                open_groups.clear()
            else:
                for letter in first:
                    open_groups.pop(letter, None)
    layout: Layout = []
    parts = []
    for head, members in items:
        runs: list[tuple[int, list[str]]] = []  # consecutive options of one label
        for label, option in members:
            if runs and runs[-1][0] == label:
                runs[-1][1].append(option)
            else:
                runs.append((label, [option]))
        layout.append((head, [(label, "|".join(run)) for label, run in runs]))
        body = "|".join(option for _, option in members)
        if isinstance(head, str):
            parts.append(f"{head}(?:{body})" if len(members) > 1 else head + body)
        elif head is None:
            parts.append(body)
        else:
            chars = "".join(re.escape(char) for char in sorted(head))
            parts.append(f"(?=[{chars}])(?:{body})")
    return "|".join(parts), layout


# Spelling out an option's leading groups stops beyond this many options or this growth.
_MAX_SPELLED = 32
_MAX_GROWTH = 4


def _expanded(option: str) -> list[str]:
    """`option` as options that begin with a letter where it begins with a group of
    alternatives, in the order the group tries them: "(?:have|has) not" -> ["have not", "has
    not"], "(?:armed )?men" -> ["armed men", "men"] (a greedy "?" tries the group first).
    The option itself when it begins otherwise or would grow too much."""
    if _letter_first(option) or not option.startswith("(?:"):
        return [option]
    close = _closing(option)
    if close is None:
        return [option]
    inner, rest = option[3:close], option[close + 1 :]
    heads = _top_level_split(inner)
    if rest[:1] == "?" and rest[1:2] not in ("?", "+"):
        heads, rest = [*heads, ""], rest[1:]
    elif rest[:1] in _QUANTIFIERS:
        return [option]
    spelled: list[str] = []
    for head in heads:
        spelled.extend(_expanded(head + rest))
        if len(spelled) > _MAX_SPELLED or sum(map(len, spelled)) > _MAX_GROWTH * len(option):
            return [option]
    return [option] if "" in spelled else spelled


def _closing(pattern: str) -> int | None:
    """The index of the ")" that closes the group opening `pattern`."""
    for index, char, depth in _syntax(pattern):
        if char == ")" and depth == 1:
            return index
    return None


def _top_level_split(pattern: str) -> list[str]:
    """The alternatives of a group's inside ("a|b(?:c|d)" -> ["a", "b(?:c|d)"])."""
    parts, begin = [], 0
    for index, char, depth in _syntax(pattern):
        if char == "|" and depth == 0:
            parts.append(pattern[begin:index])
            begin = index + 1
    parts.append(pattern[begin:])
    return parts


def _syntax(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth before it) of the "(", ")" and "|" that are syntax: not
    escaped, not in a character class."""
    depth, index, length = 0, 0, len(pattern)
    while index < length:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index += 1
            if pattern[index : index + 1] == "^":
                index += 1
            if pattern[index : index + 1] == "]":
                index += 1  # a "]" first in a class is a literal
            while index < length and pattern[index] != "]":
                index += 2 if pattern[index] == "\\" else 1
            index += 1
            continue
        if char in "()|":
            yield index, char, depth
            depth += {"(": 1, ")": -1, "|": 0}[char]
        index += 1


@lru_cache(maxsize=1024)
def _first_characters(option: str) -> frozenset[str] | None:
    """The characters a match of `option` can begin with; None when any may (or unknown)."""
    try:
        parsed = sre_parse.parse(option)
    except (re.error, RecursionError):
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    chars, can_be_empty = _sequence_first(list(parsed))
    return None if chars is None or can_be_empty else frozenset(chars)


def _sequence_first(items: list) -> tuple[set[str] | None, bool]:
    """(first characters or None for any, whether the sequence can match nothing)."""
    result: set[str] = set()
    for op, av in items:
        chars, can_be_empty = _item_first(op, av)
        if chars is None:
            return None, False
        result |= chars
        if not can_be_empty:
            return result, False
    return result, True


def _item_first(op: object, av: object) -> tuple[set[str] | None, bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False  # type: ignore[arg-type]
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:  # type: ignore[attr-defined]
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE and value[1] - value[0] < _WIDEST_CLASS:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:
                return None, False  # negated, a category such as \w, a wide range
        return chars, False
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = av  # type: ignore[misc]
        if add_flags & re.IGNORECASE:
            return None, False
        return _sequence_first(list(inner))
    if op is sre.BRANCH:
        union: set[str] = set()
        empty = False
        for alternative in av[1]:  # type: ignore[index]
            chars_, can_be_empty = _sequence_first(list(alternative))
            if chars_ is None:
                return None, False
            union |= chars_
            empty = empty or can_be_empty
        return union, empty
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, inner = av  # type: ignore[misc]
        chars_, can_be_empty = _sequence_first(list(inner))
        if chars_ is None:
            return None, False
        return chars_, can_be_empty or low == 0
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True  # takes no character; what follows begins the match
    return None, False


def _top_level_bar(pattern: str) -> bool:
    depth, escaped = 0, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def words(text: str) -> tuple[str, ...]:
    """Entries of a lexicon written as one string, separated by ";" (entries may be regexes)."""
    return tuple(entry.strip() for entry in text.split(";") if entry.strip())


@dataclass(frozen=True)
class Match:
    """A lexicon hit: the label, the folded words and where they are in the folded text."""

    label: str
    words: str
    start: int
    end: int


class Lexicon:
    """Labels with word lists, found in text in order of appearance."""

    def __init__(self, entries: Mapping[str, Iterable[str]]) -> None:
        self._labels = list(entries)
        # label by label: the first label's options are tried first
        options = [
            (i, option) for i, words in enumerate(entries.values()) for option in _options(words)
        ]
        source, self._layout = _merged(options)
        self._pattern = re.compile(r"(?<![\w])(?:" + source + r")(?![\w])")
        labels = {label for label, _ in options}
        self._only = self._labels[labels.pop()] if len(labels) == 1 else None
        # first character -> an expression of the runs that may begin with it, one named
        # group per run, and the label of each group; built on first use
        self._by_char: dict[str, tuple[re.Pattern[str], dict[str, str]]] = {}

    def find(self, folded_text: str) -> list[Match]:
        """All non-overlapping hits, leftmost first (text must already be folded)."""
        return [self._hit(found) for found in self._pattern.finditer(folded_text)]

    def first(self, folded_text: str, start: int = 0, end: int | None = None) -> Match | None:
        """The leftmost hit at or after `start` (and, given `end`, within folded_text[:end])."""
        found = self._pattern.search(folded_text, start, len(folded_text) if end is None else end)
        return None if found is None else self._hit(found)

    def at(self, folded_text: str, position: int) -> Match | None:
        """The hit that begins exactly at `position`, if any."""
        found = self._pattern.match(folded_text, position)
        return None if found is None else self._hit(found)

    def _hit(self, found: re.Match[str]) -> Match:
        label = self._only if self._only is not None else self._label_at(found)
        return Match(label, found.group(0), found.start(), found.end())

    def _label_at(self, found: re.Match[str]) -> str:
        """The label of a hit: that of the first run of options, in the order the expression
        tries them, that matches where the hit begins (the run of the option that made it).

        The runs that can begin with the hit's first character are a few of the lexicon's,
        with named groups of their own: a group's number stays small (the engine clears the
        marks below a group's number each time it enters it)."""
        text, start = found.string, found.start()
        char = text[start : start + 1]
        known = self._by_char.get(char)
        if known is None:
            known = self._by_char[char] = self._runs_from(char)
        pattern, labels = known
        matched = pattern.match(text, start)
        if matched is None or matched.lastgroup is None:
            raise AssertionError(f"no option of the lexicon matches {found.group(0)!r}")
        return labels[matched.lastgroup]

    def _runs_from(self, char: str) -> tuple[re.Pattern[str], dict[str, str]]:
        parts, labels = [], {}
        for head, members in self._layout:
            if not (head is None or (isinstance(head, str) and head == char) or char in head):
                continue
            groups = []
            for label, alternation in members:
                name = f"r{len(labels)}"
                labels[name] = self._labels[label]
                groups.append(f"(?P<{name}>{alternation})")
            parts.append(f"{head if isinstance(head, str) else ''}(?:{'|'.join(groups)})")
        return re.compile(f"(?:{'|'.join(parts)})(?![\\w])"), labels


def original_span(text: str, folded_text: str, start: int, end: int) -> str:
    """The words of `text` behind a span of its folded form.

    Folding usually keeps lengths; when it does not (Arabic diacritics), the span is located
    again by folding prefixes of the original, which only happens for a quoted match.
    """
    if len(text) == len(folded_text):
        return text[start:end]
    begin = _original_offset(text, start)
    finish = _original_offset(text, end)
    return text[begin:finish]


def _original_offset(text: str, folded_offset: int) -> int:
    low, high = 0, len(text)
    while low < high:
        middle = (low + high) // 2
        if len(fold(text[:middle])) < folded_offset:
            low = middle + 1
        else:
            high = middle
    return low
