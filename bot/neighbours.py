"""A second opinion on what a message asks: the training examples that share the most words with it.

The classifiers (DIET and the ResponseSelector) learn a compact reading of each message. On the long,
story-like or oddly worded questions people really write, that reading is sometimes confidently
wrong, while the words that carry the question ("care home", "benefits", "means tested") are plainly
there. This index scores every label by how close its nearest training examples are, by word lemmas
and by letter groups (so typos and text-speak still meet). It is a different kind of model from
DIET, so where the two disagree the assistant is less sure than either says (bot/understanding.py).

Plain functions and scikit-learn; no Rasa. The NLU component that trains and loads it is
nlu_components/example_neighbours.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# The most labels reported per message: enough to offer three "did you mean" buttons.
TOP = 5


@dataclass(frozen=True)
class Example:
    words: str  # the message's lemmas, lower case, space separated
    text: str  # the message as written, lower case
    label: str  # "faq/pay_family" or an intent name


class ExampleIndex:
    """Cosine similarity on TF-IDF of lemma words (one and two) and of letter groups (3 to 5),
    averaged; a label scores as the mean of its `nearest` closest examples (two: one stray example
    that happens to share a phrase does not decide alone)."""

    def __init__(self, examples: list[Example], nearest: int = 2) -> None:
        if not examples:
            raise ValueError("an index needs at least one example")
        self.labels = np.array([e.label for e in examples])
        self._words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
        self._letters = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._word_matrix = self._words.fit_transform([e.words for e in examples])
        self._letter_matrix = self._letters.fit_transform([e.text for e in examples])
        self._nearest = nearest
        self._names, self._label_ids, counts = np.unique(self.labels, return_inverse=True, return_counts=True)
        self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self._taken = np.minimum(counts, nearest)

    def rank(self, words: str, text: str, top: int = TOP) -> list[tuple[str, float]]:
        """The `top` labels whose nearest examples are closest, with their similarity (0 to 1). A label
        with nothing in common with the message is left out: no evidence is not an opinion."""
        similarity = (
            0.5 * (self._word_matrix @ self._words.transform([words]).T).toarray().ravel()
            + 0.5 * (self._letter_matrix @ self._letters.transform([text]).T).toarray().ravel()
        )
        # Each label's examples together, closest first; then the mean of the first `nearest` of each.
        ordered = similarity[np.lexsort((-similarity, self._label_ids))]
        running = np.concatenate([[0.0], np.cumsum(ordered)])
        scores = (running[self._starts + self._taken] - running[self._starts]) / self._taken
        best = [i for i in np.argsort(-scores, kind="stable")[:top] if scores[i] > 0]
        return [(str(self._names[i]), round(float(scores[i]), 4)) for i in best]
