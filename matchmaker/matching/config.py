"""The matcher's weights: one frozen set of defaults for every corpus (the variants tried are in docs/matcher.md)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatcherConfig:
    """Weights of the method.  One set of defaults for every corpus; the
    variants tried on the dev sets are listed in docs/matcher.md."""

    # field weights: a word of the title counts 3 times, of a skill twice
    title_weight: float = 3.0
    skills_weight: float = 2.0
    text_weight: float = 1.0
    # block weights (relative share of words / bigrams / char n-grams)
    word_weight: float = 1.0
    bigram_weight: float = 0.3
    char_weight: float = 0.5
    char_ngram_range: tuple[int, int] = (3, 5)
    char_fields: tuple[str, ...] = ("title", "skills", "text")
    bigram_fields: tuple[str, ...] = ("title", "skills", "text")
    # term frequency over the field-weighted count tf: "bm25" (the default:
    # tf (k1 + 1) / (tf + k1 (1 - b + b len / mean len)), saturation k1 and
    # length normalisation b against the mean document length of the fit),
    # "log" (log(1 + tf)) or "log1" (1 + log tf)
    tf: str = "bm25"
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # character n-grams found in more than max(char_max_df x N,
    # char_max_df_min_docs) of the N fitted documents get IDF 0 (they carry
    # little weight and make every posting list long); so in a corpus of up
    # to char_max_df_min_docs documents none is cut
    char_max_df: float = 0.1
    char_max_df_min_docs: int = 50
    # each stored row keeps only its heaviest features (0: all), then is
    # L2-normalised again
    max_row_features: int = 300
    # dictionary bridge
    bridge_weight: float = 0.5
    max_translations: int = 4
    # the n translations of a term weigh bridge_weight x n**(1 - split) in
    # all, shared out by translation_decay (a round trip back: each of n
    # weighs its weight / n**split)
    translation_split: float = 0.5
    phrase_weight: float = 1.0
    phrase_max_words: int = 3
    split_compounds: bool = True
    compound_weight: float = 0.7  # each modifier of a split compound
    compound_head_weight: float = 0.35  # its head (the last part)
    split_known_compounds: bool = True  # split words the dictionary knows too
    translation_decay: float = 0.7  # translation i of a term weighs decay**i (before the scaling above)
    roundtrip_weight: float = 0.3  # German -> English -> German synonyms
    derive_weight: float = 0.5  # verb behind a noun (Prüfung ~ prüfen, inspector ~ inspect)
    cross_lang_weight: float = 1.0  # a word of the other language in a document
    # hubness correction (CSLS), per pair of sides: a candidate is ranked by
    # its similarity to the query minus hub_weight x the mean of its hub_k
    # highest similarities to the documents of the query's side, so that
    # documents close to everybody (long, generic texts) do not crowd out the
    # specific fit.  Above hub_sample documents on the query's side, the mean
    # is taken over a fixed random sample of that many (with hub_k scaled to
    # the sample, at least 1).
    hub_weight: float = 0.5
    hub_k: int = 10
    hub_sample: int = 1000
    hub_seed: int = 0
    # German synonyms (OpenThesaurus): at most max_synonyms per term, the
    # smallest sets first; each weighs synonym_weight / (size of its set -
    # 1) ** synset_size_power (compound parts: times their part weight)
    synonym_weight: float = 0.2
    max_synonyms: int = 6
    max_synset_size: int = 0  # sets larger than this are ignored (0: none)
    synset_size_power: float = 0.5
    thesaurus_split: bool = True  # the thesaurus' words are compound parts too
    # English synonyms (MyThes/WordNet, the first sense of a word), weighted alike
    synonym_weight_en: float = 0.2
    # names that carry no matching weight and are never a reason: places,
    # companies, the park ("Industriepark Schwarze Pumpe", "Spremberg");
    # each is dropped from the text where its words occur in order
    # (case and umlaut spelling aside)
    stop_terms: tuple[str, ...] = ()
    # typos: a word neither the dictionary nor the index knows gets the
    # features of its nearest known spellings (one edit away; the index's
    # own words first), typo_weight in all
    typo_weight: float = 0.5
    max_typo_candidates: int = 2
    # explanations
    n_reasons: int = 5
    # two different words linked by character n-grams alone are never a
    # reason (None); a share here names them when the n-grams they share
    # cover that share of the shorter word's (the rule before: 0.4)
    reason_char_cover: float | None = None
    # job-ad boilerplate: a word feature in more than this share of the
    # fitted documents of a side (of at least reason_max_df_min_docs) is no
    # reason on its own ("Absolventen", "Werkstudent", "mehrjährige")
    reason_max_df: float = 0.2
    reason_max_df_min_docs: int = 10
    # two different words are a reason only when their strongest shared word
    # feature weighs at least this much in both words' expansions together
    # (the product of the two weights; 1 for the same word, about 0.2 for a
    # first translation of a compound part): looser links ("sales ↔
    # Marketing", "employees ↔ Fachkraft") count in the score but are no reason
    reason_min_link: float = 0.15
    # everyday words: a word whose documents (at least
    # reason_coherence_min_docs, and 1 % of them) are, apart from it, no more
    # alike than reason_min_coherence times two documents at random carries
    # no meaning of its own here ("develop", "ensure", "systems") and links no
    # reason, as boilerplate; None: no such rule.  Learnt over a fixed sample
    # of reason_coherence_sample stored rows.
    reason_min_coherence: float | None = 1.75
    reason_coherence_min_docs: int = 5
    reason_coherence_sample: int = 2000
    # everyday words of general language: a word whose lemma is at least
    # this common in general German or English (a Zipf value, frequency.py:
    # 6.2 "work", 6.3 "new", 5.6 "problems"; 5.3 "data", 4.8 "software") and
    # whose documents are less than reason_general_coherence times as alike
    # as two at random is no reason, whatever links it ("work ↔ Arbeit",
    # "support ↔ support"); a trade word that is common in general
    # ("children ↔ Kinder") gathers texts of one kind and stays.  None: no
    # such rule.  Learnt with the everyday words above.
    reason_general_zipf: float | None = 5.6
    reason_general_coherence: float = 3.0
    # incremental updates: buffered rows of a side folded into its index
    buffer_limit: int = 2000
    # rows expanded and weighted per chunk in the two passes of a fit
    # (bounds peak memory; the analysis goes in chunks of its own)
    chunk_size: int = 8192
    # processes (fork) that analyse the documents, run the two passes and
    # compute the hub values of a large fit; the result is the same as with 1
    workers: int = 1
