"""How well an expert fits a nomination: a score in [0, 1] from four documented parts
(pure numpy; `problem` feeds it from the database, the benchmark from its generator).

- industry, 0.40 or 0.20: the nominee's GB/T 4754 division is one of the expert's divisions
  (0.40); otherwise the same section (门类), listed by the expert or holding one of the
  expert's divisions (0.20);
- occupation group, 0.15: the nominee's 职业分类大典 major group is one of the expert's;
- skill domains, 0.25: the expert's skill-domain keywords (e.g. 焊接, 数控加工) found in the
  nominee's statements, deeds summary and occupation: 0.125 for one, 0.25 for two or more;
- text similarity, 0.20 (optional): cosine of the character-bigram TF-IDF vectors of the
  expert's expertise and the nominee's statements (0 when turned off).

The parts add up to at most 1.0. Equal parts mean equal affinity: the solver then spreads the
load evenly among equally good experts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

W_DIVISION = 0.40
W_SECTION = 0.20
W_OCCUPATION = 0.15
W_SKILL = 0.25
W_TEXT = 0.20
#: Keyword hits counted towards the skill-domain part (more add nothing).
SKILL_HITS_FULL = 2

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.floating[Any]]

_RUN = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")


def membership(
    items: Sequence[Iterable[str]], vocabulary: dict[str, int] | None = None
) -> tuple[BoolArray, dict[str, int]]:
    """A boolean matrix items × codes (and the code → column map, built if not given)."""
    if vocabulary is None:
        vocabulary = {}
        for codes in items:
            for code in codes:
                vocabulary.setdefault(code, len(vocabulary))
    matrix = np.zeros((len(items), max(len(vocabulary), 1)), bool)
    for row, codes in enumerate(items):
        for code in codes:
            column = vocabulary.get(code)
            if column is not None:
                matrix[row, column] = True
    return matrix, vocabulary


def code_match(
    nominee_codes: Sequence[str | None], expert_codes: Sequence[Iterable[str]]
) -> BoolArray:
    """match[i, j]: the nominee's code (None: unknown) is among expert j's codes."""
    matrix, vocabulary = membership(expert_codes)
    columns = np.array([vocabulary.get(code, -1) if code else -1 for code in nominee_codes])
    known = columns >= 0
    out = np.zeros((len(nominee_codes), len(expert_codes)), bool)
    if known.any() and len(expert_codes):
        out[known] = matrix[:, columns[known]].T
    return out


def keyword_hits(texts: Sequence[str], keywords: Sequence[Sequence[str]]) -> npt.NDArray[np.int64]:
    """hits[i, j]: how many of expert j's keywords occur in text i."""
    vocabulary: dict[str, int] = {}
    for words in keywords:
        for word in words:
            word = word.strip()
            if word:
                vocabulary.setdefault(word, len(vocabulary))
    if not vocabulary:
        return np.zeros((len(texts), len(keywords)), np.int64)
    words = list(vocabulary)
    present = np.array([[word in text for word in words] for text in texts], dtype=np.int64)
    present = present.reshape(len(texts), len(words))
    owned = np.zeros((len(keywords), len(words)), np.int64)
    for j, expert_words in enumerate(keywords):
        for word in expert_words:
            word = word.strip()
            if word:
                owned[j, vocabulary[word]] = 1
    return present @ owned.T


def char_bigrams(text: str) -> Counter[str]:
    """Character bigrams within runs of letters, digits and CJK characters (a lone
    character counts as its own unigram, so a one-character run still says something)."""
    grams: Counter[str] = Counter()
    for run in _RUN.findall(text.lower()):
        if len(run) == 1:
            grams[run] += 1
        else:
            grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def tfidf_cosine(left: Sequence[str], right: Sequence[str]) -> npt.NDArray[np.float64]:
    """Cosine similarity of character-bigram TF-IDF vectors, left × right (numpy only).

    IDF = log((1 + N) / (1 + df)) + 1 over all N documents of both sides. Only bigrams of
    the right-hand documents (the experts' short expertise texts) can contribute to a dot
    product, so the dense matrices are limited to that vocabulary; norms use every bigram.
    """
    left_grams = [char_bigrams(text) for text in left]
    right_grams = [char_bigrams(text) for text in right]
    df: Counter[str] = Counter()
    for grams in (*left_grams, *right_grams):
        df.update(grams.keys())
    total = len(left_grams) + len(right_grams)
    idf = {gram: math.log((1 + total) / (1 + count)) + 1.0 for gram, count in df.items()}
    vocabulary: dict[str, int] = {}
    for grams in right_grams:
        for gram in grams:
            vocabulary.setdefault(gram, len(vocabulary))
    out = np.zeros((len(left), len(right)))
    if not vocabulary or not left or not right:
        return out

    def matrix(docs: list[Counter[str]]) -> npt.NDArray[np.float64]:
        dense = np.zeros((len(docs), len(vocabulary)))
        norms = np.zeros(len(docs))
        for row, grams in enumerate(docs):
            squares = 0.0
            for gram, count in grams.items():
                weight = count * idf[gram]
                squares += weight * weight
                column = vocabulary.get(gram)
                if column is not None:
                    dense[row, column] = weight
            norms[row] = math.sqrt(squares)
        norms[norms == 0] = 1.0
        return dense / norms[:, None]

    return np.clip(matrix(left_grams) @ matrix(right_grams).T, 0.0, 1.0)


def combine(
    *,
    division: BoolArray,
    section: BoolArray,
    occupation: BoolArray,
    skill_hits: npt.NDArray[np.integer[Any]],
    text: FloatArray | None = None,
    dtype: type[np.floating[Any]] = np.float64,
) -> FloatArray:
    """The affinity matrix from its parts (see the module docstring for the weights)."""
    industry = np.where(division, W_DIVISION, np.where(section, W_SECTION, 0.0))
    out = industry.astype(dtype)
    out += np.asarray(occupation, dtype) * W_OCCUPATION
    out += np.minimum(skill_hits, SKILL_HITS_FULL).astype(dtype) * (W_SKILL / SKILL_HITS_FULL)
    if text is not None:
        out += np.asarray(text, dtype) * W_TEXT
    return out
