"""Properties of the diff that must hold for any text and any document."""

from __future__ import annotations

import copy
import random

from diff_builders import VOCABULARY, article, document, numbered_articles, random_text
from hypothesis import given
from hypothesis import strategies as st

from tracker.diff import compared_text, diff_documents, redline

words = st.lists(st.sampled_from([*VOCABULARY, ",", ".", "5-1)", "\n", "  ", "«", "»"]), max_size=40)


def old_side(ops):
    return "".join(text for op, text in ops if op in "=-")


def new_side(ops):
    return "".join(text for op, text in ops if op in "=+")


@st.composite
def edited_texts(draw):
    """A text and a copy with words deleted, inserted and replaced at random places."""
    old = draw(words)
    new = list(old)
    for _ in range(draw(st.integers(0, 5))):
        at = draw(st.integers(0, len(new)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or not new:
            new.insert(at, draw(st.sampled_from(VOCABULARY)))
        elif action == "delete":
            del new[min(at, len(new) - 1)]
        else:
            new[min(at, len(new) - 1)] = draw(st.sampled_from(VOCABULARY))
    return " ".join(old), " ".join(new)


@given(st.text(), st.text())
def test_ops_rebuild_both_texts(old, new):
    ops = redline(old, new)
    assert old_side(ops) == old
    assert new_side(ops) == new


@given(edited_texts())
def test_ops_rebuild_both_texts_after_word_edits(texts):
    old, new = texts
    ops = redline(old, new)
    assert old_side(ops) == old
    assert new_side(ops) == new
    assert all(text for _, text in ops), "no empty ops"
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False)), (
        "adjacent ops of one kind are merged"
    )


@given(st.text())
def test_a_text_diffed_with_itself_is_all_kept(text):
    assert all(op == "=" for op, _ in redline(text, text))


@given(st.integers(0, 2**32), st.integers(1, 30))
def test_a_document_diffed_with_itself_has_no_change(seed, n):
    rng = random.Random(seed)
    doc = document(*numbered_articles([random_text(rng, rng.randint(1, 60)) for _ in range(n)]))
    assert diff_documents(doc, doc) == []
    assert diff_documents(doc, copy.deepcopy(doc)) == []


@given(st.integers(0, 2**32), st.integers(2, 30), st.data())
def test_renumbering_one_article_is_one_renumbered_change(seed, n, data):
    rng = random.Random(seed)
    old = numbered_articles([random_text(rng, rng.randint(10, 60)) for _ in range(n)])
    k = data.draw(st.integers(0, n - 1))
    moved = article(f"{n + 5}-1", old[k].text, heading=old[k].heading)
    new = old[:k] + [moved] + old[k + 1 :]

    changes = diff_documents(document(*old), document(*new))

    assert [(c.kind, c.old.eid, c.new.eid) for c in changes] == [("renumbered", old[k].eid, moved.eid)]
    assert changes[0].similarity == 1.0
    assert changes[0].inserted_text() == changes[0].deleted_text() == ""


@given(st.integers(0, 2**32), st.integers(1, 40))
def test_all_articles_shifted_by_one_are_one_renumbering(seed, n):
    rng = random.Random(seed)
    texts = [random_text(rng, rng.randint(10, 60)) for _ in range(n)]
    changes = diff_documents(
        document(*numbered_articles(texts)), document(*numbered_articles(texts, first=2))
    )
    [change] = changes
    assert (change.kind, change.old.num, change.new.num) == ("renumbered", "1", "2")
    expected = [(str(k), str(k + 1)) for k in range(1, n + 1)] if n > 1 else []
    assert [(a.num, b.num) for a, b in change.pairs] == expected


@given(st.integers(0, 2**32), st.integers(1, 20), st.data())
def test_change_ops_rebuild_both_articles(seed, n, data):
    rng = random.Random(seed)
    old = numbered_articles([random_text(rng, rng.randint(10, 60)) for _ in range(n)])
    new = copy.deepcopy(old)
    for p in data.draw(st.lists(st.sampled_from(new), max_size=n, unique_by=lambda p: p.eid)):
        p.text = p.text.replace(rng.choice(p.text.split()), rng.choice(VOCABULARY), 1)

    for change in diff_documents(document(*old), document(*new)):
        assert change.kind == "substituted"
        assert old_side(change.ops) == compared_text(change.old)
        assert new_side(change.ops) == compared_text(change.new)
