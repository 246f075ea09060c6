import unicodedata
from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdsctl.text import ALPHABET, TONES, fold, matches, vn_sort_key

VIET_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz"
VOWELS = "aăâeêioôơuưy"
# Vietnamese-looking text: letters of either case with or without a tone, digits, punctuation.
toned = st.builds(lambda v, t: v + t, st.sampled_from(VOWELS), st.sampled_from(("", *TONES)))
chars = st.one_of(
    st.sampled_from(VIET_LETTERS),
    st.sampled_from(VIET_LETTERS.upper()),
    toned.map(lambda s: unicodedata.normalize("NFC", s)),
    toned.map(str.upper),
    st.sampled_from("0123456789 -.,&/"),
)
viet_text = st.lists(chars, max_size=12).map("".join)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def vn_sorted(texts: list[str]) -> list[str]:
    return sorted(texts, key=vn_sort_key)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sở Thông tin và Truyền thông", "so thong tin va truyen thong"),
        ("  ĐỒNG   Nai\t\n", "dong nai"),
        ("đường Đỗ Quang Đẩu", "duong do quang dau"),
        ("Ủy ban nhân dân tỉnh", "uy ban nhan dan tinh"),
        ("Sở TT&TT", "so tt&tt"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert fold(nfd(text)) == folded


@given(viet_text)
def test_fold_is_the_same_for_nfc_and_nfd_and_has_no_marks(text: str) -> None:
    folded = fold(nfc(text))
    assert folded == fold(nfd(text))
    assert folded == nfc(folded) == nfd(folded)  # nothing left to compose or decompose
    assert "đ" not in folded
    assert folded == folded.lower()
    assert "  " not in folded
    assert folded == folded.strip()


@pytest.mark.parametrize(
    ("query", "texts", "found"),
    [
        ("so thong tin", ("Sở Thông tin và Truyền thông",), True),
        ("TT&TT", ("Sở TT&TT",), True),
        ("truyen so", ("Sở Thông tin và Truyền thông",), True),  # any word order
        ("Dong Nai", ("Đồng Nai",), True),
        ("đồng", ("Dong Thap",), True),  # the query is folded too
        ("thong", ("STTTT", "Sở Thông tin"), True),  # any of the texts
        ("tai chinh", ("Sở Thông tin và Truyền thông",), False),
        ("so cong thuong", ("Sở Công", "Thương"), True),
        ("so xay", ("Sở Xây dựng", "SXD"), True),
        ("so xay dung moi", ("Sở Xây dựng",), False),  # every word must occur
        ("", ("anything",), True),
    ],
)
def test_matches(query: str, texts: tuple[str, ...], found: bool) -> None:
    assert matches(query, *texts) is found


@given(viet_text, viet_text)
def test_a_text_matches_its_own_words(before: str, after: str) -> None:
    text = before + " " + after
    assert matches(after, text)
    assert matches(nfd(before.upper()), nfc(text))


PROVINCES = ["Đồng Nai", "Dak Lak", "Bình Định", "Bắc Ninh", "Bà Rịa", "An Giang", "Ăn", "Âm"]


def test_provinces_sort_in_vietnamese_order() -> None:
    expected = ["An Giang", "Ăn", "Âm", "Bà Rịa", "Bắc Ninh", "Bình Định", "Dak Lak", "Đồng Nai"]
    assert vn_sorted(PROVINCES) == expected
    assert vn_sorted(list(reversed(PROVINCES))) == expected
    assert vn_sorted([nfd(p) for p in PROVINCES]) == [nfd(p) for p in expected]


def test_agencies_sort_by_letters_across_the_whole_name_first() -> None:
    agencies = [
        "Sở Thông tin và Truyền thông",
        "Sở Tài chính",
        "Sở Giáo dục và Đào tạo",
        "Sở Công Thương",
    ]
    # t-a < t-h: the tone on "Tài" and the letters of "Thông" are compared letter by letter.
    assert vn_sorted(agencies) == [
        "Sở Công Thương",
        "Sở Giáo dục và Đào tạo",
        "Sở Tài chính",
        "Sở Thông tin và Truyền thông",
    ]


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        ("a", "à"),
        ("à", "ả"),
        ("ả", "ã"),
        ("ã", "á"),
        ("á", "ạ"),
        ("ạ", "ă"),  # a tone never outweighs a letter
        ("d", "đ"),
        ("dz", "đa"),
        ("Dak Lak", "Đak Lak"),
        ("An Lão", "Anh"),  # space before letters
        ("An", "An Lão"),  # a prefix first
        ("Bà", "Bắc"),
        ("Bắc", "Bình"),
        ("mạ b", "ma c"),  # letters over the whole text before any tone
        ("ma ạ", "mà a"),  # then tones from the left
        ("Sở 2", "Sở A"),  # digits before letters
        ("10", "9"),  # digits one by one
        ("Sở-A", "Sở1"),  # punctuation before digits
        ("y", "f"),  # f, j, w, z after y
        ("f", "j"),
        ("w", "z"),
        ("z", "α"),  # letters of other alphabets last
        ("an", "An"),  # case breaks the last ties, lower first
        ("Ơ", "ơi"),  # … but only the last ones
        ("ư", "v"),
        ("ô", "ơ"),
        ("ê", "g"),
    ],
)
def test_pairs(smaller: str, larger: str) -> None:
    for a, b in ((smaller, larger), (nfd(smaller), nfd(larger)), (nfd(smaller), larger)):
        assert vn_sort_key(a) < vn_sort_key(b)


def test_tone_order_is_the_dictionary_order() -> None:
    assert [unicodedata.name(t) for t in TONES] == [
        "COMBINING GRAVE ACCENT",
        "COMBINING HOOK ABOVE",
        "COMBINING TILDE",
        "COMBINING ACUTE ACCENT",
        "COMBINING DOT BELOW",
    ]
    assert vn_sorted(list("ạáãảàa")) == list("aàảãáạ")
    assert vn_sorted(["Ậ", "ẩ", "Â", "ầ", "ấ", "ẫ"]) == ["Â", "ầ", "ẩ", "ẫ", "ấ", "Ậ"]


def test_alphabet() -> None:
    assert "".join(ALPHABET) == VIET_LETTERS
    assert vn_sorted(list(reversed(VIET_LETTERS))) == list(VIET_LETTERS)
    assert vn_sorted(list(reversed(VIET_LETTERS.upper()))) == list(VIET_LETTERS.upper())


@given(viet_text)
def test_key_is_the_same_for_nfc_and_nfd(text: str) -> None:
    assert vn_sort_key(nfc(text)) == vn_sort_key(nfd(text))


@given(viet_text, viet_text)
def test_only_equal_texts_have_equal_keys(a: str, b: str) -> None:
    assert (vn_sort_key(a) == vn_sort_key(b)) == (nfc(a) == nfc(b))


@given(viet_text, viet_text, st.sampled_from([str.upper, str.lower, str.swapcase]))
def test_case_does_not_change_the_order_of_different_letters(
    a: str, b: str, change: Callable[[str], str]
) -> None:
    if vn_sort_key(a)[0] == vn_sort_key(b)[0]:
        return  # same letters: case may break the tie
    assert (vn_sort_key(a) < vn_sort_key(b)) == (vn_sort_key(change(a)) < vn_sort_key(b))
    assert vn_sort_key(change(a))[0] == vn_sort_key(a)[0]


def strip_tones(text: str) -> str:
    return nfc("".join(c for c in nfd(text) if c not in TONES))


@given(viet_text, viet_text)
def test_tones_only_break_ties(a: str, b: str) -> None:
    bare_a, bare_b = strip_tones(a), strip_tones(b)
    if vn_sort_key(bare_a)[0] == vn_sort_key(bare_b)[0]:
        return  # the same letters: tones may break the tie
    assert (vn_sort_key(a) < vn_sort_key(b)) == (vn_sort_key(bare_a) < vn_sort_key(bare_b))


@given(st.lists(viet_text, max_size=8))
def test_sorting_is_a_total_order(texts: list[str]) -> None:
    once = [nfc(t) for t in vn_sorted(texts)]
    assert [nfc(t) for t in vn_sorted(list(reversed(texts)))] == once
    assert [nfc(t) for t in vn_sorted([nfd(t) for t in texts])] == once
    keys = [vn_sort_key(t) for t in once]
    assert all(k1 <= k2 for k1, k2 in pairwise(keys))
