"""Article-level diffs: align the provisions of two documents, then redline each aligned pair by words.

A provision's compared text is `compared_text(p)`: its heading and its body on separate lines, so a
renamed heading shows up in the redline like any other words. The number is not part of it: a
renumbering is told by the change kind (`renumbered`) and the renderers show both numbers.
Footnotes (amendments) are never compared: they only explain a change.
Only articles (`Document.articles()`) are diffed; a chapter renumbered or renamed moves no article text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from diff_match_patch import diff_match_patch

from tracker.model import Change, Document, Op, Provision

SIMILARITY_THRESHOLD = 0.6
"""Below this, two provisions with different eIds are not the same article moved."""
SAME_EID_BONUS = 0.1
"""An article keeps its eId unless another pairing is clearly better (e.g. every article shifted by one)."""
MAX_CANDIDATES = 8
"""Per unpaired old provision, how many likely partners get a full similarity score."""
GAP_SIMILARITY = 0.4
"""Between two aligned neighbours, order is evidence: a rewritten article there pairs down to this."""
MAX_GAP_CELLS = 10_000
"""A gap of m unpaired old and n unpaired new articles is aligned only if m × n is at most this."""

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_DIFF_OP = {0: "=", 1: "+", -1: "-"}
_DMP = diff_match_patch()
"""Only for its stateless common-prefix and common-suffix helpers; diffs get their own instance."""

Aligned = tuple[Provision | None, Provision | None, float]


def compared_text(provision: Provision) -> str:
    """The text a redline covers: heading, newline, body (just the body when there is no heading)."""
    if provision.heading:
        return f"{provision.heading}\n{provision.text}" if provision.text else provision.heading
    return provision.text


def similarity(a: Counter[str], b: Counter[str], shared: int = 0) -> float:
    """Dice coefficient over word multisets, plus `shared` words known to be on both sides.

    Order-blind, so an article whose sentences were reordered still counts as the same article. Words are
    split at whitespace and lower-cased (punctuation stays attached): cheap, and enough to rank partners.
    """
    total = 2 * shared + a.total() + b.total()
    if not total:
        return 1.0
    if len(a) > len(b):
        a, b = b, a
    return 2 * (shared + sum(min(n, b[w]) for w, n in a.items() if w in b)) / total


def text_similarity(a: str, b: str) -> float:
    """`similarity` of two texts, counting their common head and tail once: most edits are small."""
    head, tail = _common_ends(a, b, _between_words)
    mid_a = _words_of(a[head : len(a) - tail])
    shared = len(a.split()) - mid_a.total()
    return similarity(mid_a, _words_of(b[head : len(b) - tail]), shared)


def _words_of(text: str) -> Counter[str]:
    return Counter(text.lower().split())


def align(old: Sequence[Provision], new: Sequence[Provision]) -> list[Aligned]:
    """Pair old and new provisions: (old, new, similarity), (None, new, 0.0) or (old, None, 0.0).

    Unchanged provisions with the same eId pair at once, and so do edited ones whose similarity plus the
    same-eId bonus no other pairing could beat. Every other one competes for a partner by word similarity;
    a same-eId pair keeps its bonus, so an edited article stays itself unless the documents were
    renumbered wholesale. Candidates come from an index of the less common words, so two documents where
    every article moved stay tractable. The result is in new-document order; an unpaired old provision
    comes right after the new partner of its nearest paired predecessor.
    """
    old_index: dict[str, int] = {}
    for i, p in enumerate(old):
        old_index.setdefault(p.eid, i)
    partner: dict[int, tuple[int, float]] = {}  # new index -> (old index, similarity)
    same_eid: dict[int, int] = {}
    for j, p in enumerate(new):
        if p.eid not in old_index:
            continue
        i = old_index.pop(p.eid)
        if _same_content(old[i], p):
            partner[j] = (i, 1.0)
            continue
        score = text_similarity(compared_text(old[i]), compared_text(p))
        if score + SAME_EID_BONUS >= 1.0:
            partner[j] = (i, score)
        else:
            same_eid[j] = i

    paired_old = {i for i, _ in partner.values()}
    old_left = [i for i in range(len(old)) if i not in paired_old]
    new_left = [j for j in range(len(new)) if j not in partner]
    for i, j, score in _match(old, new, old_left, new_left, same_eid):
        partner[j] = (i, score)
    _fill_gaps(old, new, partner, same_eid)
    paired_old = {i for i, _ in partner.values()}
    for j, i in same_eid.items():  # still alone, however rewritten: an article stays itself
        if j not in partner and i not in paired_old:
            partner[j] = (i, text_similarity(compared_text(old[i]), compared_text(new[j])))
    return _in_new_order(old, new, partner)


def _same_content(a: Provision, b: Provision) -> bool:
    return a.text == b.text and a.heading == b.heading and a.repealed == b.repealed


def _match(
    old: Sequence[Provision],
    new: Sequence[Provision],
    old_left: list[int],
    new_left: list[int],
    same_eid: dict[int, int],
) -> list[tuple[int, int, float]]:
    """Greedy best-first pairing of the leftovers; returns (old index, new index, similarity)."""
    if not old_left or not new_left:
        return []
    old_words = {i: _words_of(compared_text(old[i])) for i in old_left}
    new_words = {j: _words_of(compared_text(new[j])) for j in new_left}
    postings: dict[str, list[int]] = defaultdict(list)
    for j in new_left:
        for w in new_words[j]:
            postings[w].append(j)
    common = max(20, len(new_left) // 10)

    candidates: list[tuple[float, bool, int, int, int]] = []
    same_eid_of_old = {i: j for j, i in same_eid.items()}
    for i in old_left:
        shared: Counter[int] = Counter()
        for w in old_words[i]:
            hits = postings.get(w, ())
            if len(hits) <= common:
                shared.update(hits)
        likely = {j for j, _ in shared.most_common(MAX_CANDIDATES)}
        own = same_eid_of_old.get(i)
        if own is not None:
            likely.add(own)
        for j in likely:
            score = similarity(old_words[i], new_words[j])
            is_own = j == own
            rank = score + SAME_EID_BONUS if is_own else score
            if rank >= SIMILARITY_THRESHOLD:
                candidates.append((rank, is_own, -abs(i - j), i, j))

    candidates.sort(reverse=True)
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    pairs = []
    for rank, is_own, _, i, j in candidates:
        if i in taken_old or j in taken_new:
            continue
        taken_old.add(i)
        taken_new.add(j)
        pairs.append((i, j, rank - SAME_EID_BONUS if is_own else rank))
    return pairs


def _fill_gaps(
    old: Sequence[Provision],
    new: Sequence[Provision],
    partner: dict[int, tuple[int, float]],
    same_eid: dict[int, int],
) -> None:
    """Pair the articles left between two in-order anchors, keeping their order (a monotone alignment).

    Anchors are the largest set of pairs that keep their relative order; pairs out of that order are
    moved articles and stay as they are. Inside each gap, dynamic programming picks the order-keeping
    pairing with the greatest total similarity, counting only pairs at GAP_SIMILARITY or more, or with
    the same eId (which earn SAME_EID_BONUS).
    """
    paired_old = {i for i, _ in partner.values()}
    if len(paired_old) == len(old) or len(partner) == len(new):
        return  # nothing left to pair on one side: the usual case of a few edits
    anchors = _in_order_pairs(sorted((j, i) for j, (i, _) in partner.items()))
    bounds = [(-1, -1), *anchors, (len(old), len(new))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:], strict=False):
        olds = [i for i in range(i0 + 1, i1) if i not in paired_old]
        news = [j for j in range(j0 + 1, j1) if j not in partner]
        if olds and news and len(olds) * len(news) <= MAX_GAP_CELLS:
            for i, j, score in _monotone(old, new, olds, news, same_eid):
                partner[j] = (i, score)


def _in_order_pairs(by_new: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of (new, old) pairs whose old indexes also increase, as (old, new) pairs."""
    tails: list[int] = []  # tails[k]: index in by_new ending the best run of length k + 1
    before: list[int] = [-1] * len(by_new)
    for k, (_, i) in enumerate(by_new):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if by_new[tails[mid]][1] < i:
                lo = mid + 1
            else:
                hi = mid
        before[k] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(k)
        else:
            tails[lo] = k
    run = []
    k = tails[-1] if tails else -1
    while k >= 0:
        j, i = by_new[k]
        run.append((i, j))
        k = before[k]
    return run[::-1]


def _monotone(
    old: Sequence[Provision],
    new: Sequence[Provision],
    olds: list[int],
    news: list[int],
    same_eid: dict[int, int],
) -> list[tuple[int, int, float]]:
    """The order-keeping pairing of olds with news with the greatest total weight (see `_fill_gaps`)."""
    words_new = [_words_of(compared_text(new[j])) for j in news]
    score = [[similarity(_words_of(compared_text(old[i])), b) for b in words_new] for i in olds]
    weight = [
        [
            s + SAME_EID_BONUS if same_eid.get(j) == i else s if s >= GAP_SIMILARITY else -1.0
            for s, j in zip(row, news, strict=True)
        ]
        for row, i in zip(score, olds, strict=True)
    ]
    m, n = len(olds), len(news)
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    for a in range(m - 1, -1, -1):
        for b in range(n - 1, -1, -1):
            take = weight[a][b] + best[a + 1][b + 1] if weight[a][b] >= 0 else 0.0
            best[a][b] = max(take, best[a + 1][b], best[a][b + 1])
    pairs, a, b = [], 0, 0
    while a < m and b < n:
        if weight[a][b] >= 0 and best[a][b] == weight[a][b] + best[a + 1][b + 1]:
            pairs.append((olds[a], news[b], score[a][b]))
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            a += 1
        else:
            b += 1
    return pairs


def _in_new_order(
    old: Sequence[Provision],
    new: Sequence[Provision],
    partner: dict[int, tuple[int, float]],
) -> list[Aligned]:
    """New provisions in order, each unpaired old one right after its anchor (see `align`)."""
    pairs: list[Aligned] = [
        (old[partner[j][0]], p, partner[j][1]) if j in partner else (None, p, 0.0) for j, p in enumerate(new)
    ]
    if len(partner) == len(old):
        return pairs
    new_of_old = {i: j for j, (i, _) in partner.items()}
    after: dict[int, list[Provision]] = defaultdict(list)  # new index (or -1) -> unpaired old ones
    anchor = -1
    for i, p in enumerate(old):
        if i in new_of_old:
            anchor = new_of_old[i]
        else:
            after[anchor].append(p)
    out: list[Aligned] = [(p, None, 0.0) for p in after[-1]]
    for j, pair in enumerate(pairs):
        out.append(pair)
        out += [(p, None, 0.0) for p in after.get(j, ())]
    return out


def redline(old_text: str, new_text: str, *, timeout_s: float = 1.0) -> list[Op]:
    """Word-level ops: "=" and "-" texts join to old_text, "=" and "+" texts join to new_text.

    Words, whitespace runs and punctuation marks become one character each, so diff-match-patch compares
    tokens, never letters: "закон" replaced by "законом" is one word out and one in. `timeout_s` bounds
    the time; past it the result is still correct, only less minimal.
    """
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout_s
    head, tail = _common_ends(old_text, new_text, _between_tokens)
    old_mid, new_mid = old_text[head : len(old_text) - tail], new_text[head : len(new_text) - tail]
    codes: dict[str, str] = {}
    tokens: dict[str, str] = {}
    diffs = dmp.diff_main(_encode(old_mid, codes, tokens), _encode(new_mid, codes, tokens), False)
    dmp.diff_cleanupSemantic(diffs)
    ops: list[Op] = []
    _append(ops, "=", old_text[:head])
    for code, chars in diffs:
        _append(ops, _DIFF_OP[code], "".join(tokens[c] for c in chars))
    _append(ops, "=", old_text[len(old_text) - tail :])
    return ops


def _append(ops: list[Op], op: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def _common_ends(a: str, b: str, boundary: Callable[[str, int], bool]) -> tuple[int, int]:
    """Lengths of the common head and tail, cut back to a `boundary` in both texts.

    Most amendments touch a few words of a long article: only the middle needs tokenising and diffing.
    """
    head = _DMP.diff_commonPrefix(a, b)
    while head and not (boundary(a, head) and boundary(b, head)):
        head -= 1
    tail = _DMP.diff_commonSuffix(a[head:], b[head:])
    while tail and not (boundary(a, len(a) - tail) and boundary(b, len(b) - tail)):
        tail -= 1
    return head, tail


def _between_words(text: str, k: int) -> bool:
    """Whether `str.split` would split text between k-1 and k."""
    return k == 0 or k == len(text) or text[k - 1].isspace() or text[k].isspace()


def _between_tokens(text: str, k: int) -> bool:
    """Whether `_TOKEN` would split text between k-1 and k."""
    if k == 0 or k == len(text):
        return True
    before, after = text[k - 1], text[k]
    if before.isspace():
        return not after.isspace()
    if before.isalnum() or before == "_":
        return not (after.isalnum() or after == "_")
    return True


def _encode(text: str, codes: dict[str, str], tokens: dict[str, str]) -> str:
    """One character per token; `codes` maps token to character and `tokens` back, across both texts."""
    out = []
    for token in _TOKEN.findall(text):
        code = codes.get(token)
        if code is None:
            n = len(codes) + 0x100
            code = codes[token] = chr(n + 0x800 if n >= 0xD800 else n)  # skip the surrogate block
            tokens[code] = token
        out.append(code)
    return "".join(out)


def diff_documents(old: Document, new: Document, *, timeout_s: float = 1.0) -> list[Change]:
    """The articles that differ in heading, text or repeal state, in new-document order.

    A repealed article appears where it stood in the old document. Footnotes alone are no change; those
    that are new on the new side explain the change through `Change.amendments`.
    """
    return _runs(
        [
            _change(a, b, score, timeout_s)
            for a, b, score in align(old.articles(), new.articles())
            if not (a and b and a.eid == b.eid and a.num == b.num and _same_content(a, b))
        ]
    )


def _runs(changes: list[Change]) -> list[Change]:
    """Consecutive unchanged articles renumbered by the same shift (10–16 → 11–17) become one change."""
    out: list[Change] = []
    for change in changes:
        last = out[-1] if out else None
        if last and _shifted_alike(last, change):
            if not last.pairs:
                assert last.old and last.new
                last.pairs, last.ops = [(last.old, last.new)], []
            assert change.old and change.new
            last.pairs.append((change.old, change.new))
        else:
            out.append(change)
    return out


def _shifted_alike(run: Change, change: Change) -> bool:
    """Whether `change` continues `run`: both untouched renumberings, numbers one up on both sides."""
    if not all(
        c.kind == "renumbered" and c.old and c.new and _same_content(c.old, c.new) for c in (run, change)
    ):
        return False
    last_old, last_new = run.pairs[-1] if run.pairs else (run.old, run.new)
    nums = (last_old.num, last_new.num, change.old.num, change.new.num)  # type: ignore[union-attr]
    if not all(n.isdigit() for n in nums):
        return False
    a, b, c, d = map(int, nums)
    return c == a + 1 and d == b + 1


def _change(old: Provision | None, new: Provision | None, score: float, timeout_s: float) -> Change:
    if old is None:
        assert new is not None
        return Change("inserted", None, new, 0.0, [("+", compared_text(new))])
    if new is None or (new.repealed and not old.repealed):
        return Change("repealed", old, new, score, [("-", compared_text(old))])
    kind = "substituted" if old.eid == new.eid and old.num == new.num else "renumbered"
    return Change(kind, old, new, score, redline(compared_text(old), compared_text(new), timeout_s=timeout_s))
