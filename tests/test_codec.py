"""The state store's records are untrusted: the fast check of a whole JSON document (one search instead of one per
text) must never pass a text the slow check refuses."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from sitegen.content.codec import Invalid, clean_json, decode_problem
from sitegen.untrusted import CONTROL

TEXTS = st.text(st.characters(codec=None, exclude_categories=()), max_size=20) | st.sampled_from(
    ["\x00", "\x1b[2K", "\x7f", "\x85", "\u2028", "\u2029", "\ud800", "a\rb", "a\tb", "a\nb", "\\b", "\\u0001"])


def _refused(text: str) -> bool:
    return CONTROL.search(text.replace("\r", "")) is not None


@given(TEXTS, st.booleans())
def test_a_document_the_fast_check_passes_holds_no_text_the_slow_check_refuses(text: str, ascii_only: bool) -> None:
    try:
        document = json.dumps(["code", "a.md", 1, {"value": text, text: [text]}, "warning"], ensure_ascii=ascii_only)
    except UnicodeEncodeError:
        return
    if clean_json(document):
        assert not _refused(text)
        assert decode_problem(json.loads(document), clean=True).params["value"] == text


@given(TEXTS)
def test_both_ways_of_decoding_agree(text: str) -> None:
    document = json.dumps(["code", "a.md", None, {"value": text}, "warning"])
    value = json.loads(document)
    try:
        slow = decode_problem(value)
    except Invalid:
        slow = None
    fast = decode_problem(value, clean=True) if clean_json(document) else None
    assert fast is None or fast == slow
    assert (slow is None) == _refused(text)


def test_a_control_character_written_raw_or_escaped_fails_the_fast_check() -> None:
    for raw in ['["\x01"]', '["\\u0001"]', '["\\u001b[2K"]', '["\\u007F"]', '["\\u0085"]', '["\\u2028"]',
                '["\u2029"]', '["\\ud800"]', '["\\b"]', '["\\f"]', '["\x7f"]']:
        assert not clean_json(raw), raw
    for fine in ['["a\\tb\\nc\\rd"]', '["遂昌菊米"]', '["\\\\"]', '["\\u4e00"]']:
        assert clean_json(fine), fine
