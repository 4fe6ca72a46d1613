"""Presidio's lemma context enhancer without its deep copy of every result (the masker's hot path).

``LemmaContextAwareEnhancer.enhance_using_context`` starts with ``copy.deepcopy(raw_results)``; the results
(and their analysis explanations) are built fresh for each message and nothing else holds them, so boosting them
in place gives the same scores for a fraction of the time (~0.3 ms of a ~3 ms message).
"""

from __future__ import annotations

from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer, LemmaContextAwareEnhancer


class InPlaceContextEnhancer(LemmaContextAwareEnhancer):
    """The same context boost as Presidio's (word window, factor, minimum score), applied in place."""

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: Any,
                              recognizers: list[Any], context: list[str] | None = None) -> list[RecognizerResult]:
        """Return ``raw_results`` with scores raised where a recognizer's context word is near the match."""
        if nlp_artifacts is None:
            return raw_results
        by_id = {r.id: r for r in recognizers}
        extra = [w.lower() for w in context or []]
        for result in raw_results:
            meta = result.recognition_metadata or {}
            recognizer = by_id.get(meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context or meta.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            words = self._extract_surrounding_words(nlp_artifacts=nlp_artifacts, word=text[result.start:result.end],
                                                    start=result.start) + extra
            found = self._find_supportive_word_in_context(words, recognizer.context, self.context_matching_mode)
            if found:
                result.score = min(max(result.score + self.context_similarity_factor,
                                       self.min_score_with_context_similarity), ContextAwareEnhancer.MAX_SCORE)
                if result.analysis_explanation is not None:
                    result.analysis_explanation.set_supportive_context_word(found)
                    result.analysis_explanation.set_improved_score(result.score)
        return raw_results
