"""ROUGE with an Arabic-script tokenizer (akhbar.eval.rouge)."""
import json

import pytest
from rouge_score import rouge_scorer

from akhbar.eval.rouge import ArabicScriptTokenizer, RougeEvaluator, rouge_scores, score_summary_files

AR_ARTICLE = "أعلنت الوزارة أنّ الإنتاج ارتفع إلى ٣٥٠ ألف طن هذا العام."
AR_REFERENCE = "اعلنت الوزارة ان الانتاج ارتفع الى 350 الف طن هذا العام."  # hamza-normalised, ASCII digits
FA_HALF_SPACE = "دولت می‌خواهد قیمت‌ها را کاهش دهد"
FA_SPACE = "دولت می خواهد قیمت ها را کاهش دهد"


def test_default_rouge_score_tokenizer_fails_on_arabic():
    """The package's default tokenizer keeps only [a-z0-9]: Arabic words vanish."""
    default = rouge_scorer.RougeScorer(["rouge1", "rouge2"])
    unrelated = default.score("ذهب الولد إلى المدرسة", "أكلت القطة السمكة")
    assert unrelated["rouge1"].fmeasure == 0.0  # no tokens at all: 0, whatever the text
    same = default.score("ذهب الولد إلى المدرسة", "ذهب الولد إلى المدرسة")
    assert same["rouge1"].fmeasure == 0.0       # even identical Arabic text scores 0
    digits_only = default.score("قتل 12 شخصا في 2020", "نجا 12 رجلا عام 2020")
    assert digits_only["rouge1"].fmeasure == 1.0  # different sentences, "perfect" on the digits


def test_tokenizer_reads_arabic_and_persian():
    tokenizer = ArabicScriptTokenizer()
    assert tokenizer.tokenize("ذهب الولد إلى المدرسة.") == ["ذهب", "الولد", "الی", "المدرسة"]
    assert tokenizer.tokenize("كتابٌ مُفيدٌ") == ["کتاب", "مفید"]          # diacritics, kaf, yeh
    assert tokenizer.tokenize("جمـــيل") == ["جمیل"]                      # tatweel
    assert tokenizer.tokenize("۱۴۰۳ و ٢٠٢٤") == ["1403", "و", "2024"]      # Persian/Arabic-Indic digits
    assert tokenizer.tokenize("«سلام»، دنیا؟") == ["سلام", "دنیا"]          # punctuation splits
    # ZWNJ: split by default, so half-space and space spellings agree.
    assert tokenizer.tokenize(FA_HALF_SPACE) == tokenizer.tokenize(FA_SPACE)
    assert ArabicScriptTokenizer(zwnj="join").tokenize("می‌خواهد") == ["میخواهد"]
    with pytest.raises(ValueError):
        ArabicScriptTokenizer(zwnj="keep")


def test_alef_folding_makes_easc_style_references_match():
    """EASC references are hamza-normalised relative to the article: with alef folding
    the article sentence scores 100 against its own reference."""
    scores = rouge_scores(AR_ARTICLE, AR_REFERENCE)
    assert scores == pytest.approx({"rouge1": 100.0, "rouge2": 100.0, "rougeL": 100.0})
    # Without alef folding (plain \w+ split) the same pair loses most words.
    class Plain:
        def tokenize(self, text):
            import re
            return re.findall(r"\w+", text)

    plain = rouge_scores(AR_ARTICLE, AR_REFERENCE, tokenizer=Plain())
    assert plain["rouge1"] < 60


def test_persian_half_space_variants_score_as_equal():
    assert rouge_scores(FA_HALF_SPACE, FA_SPACE)["rouge2"] == pytest.approx(100.0)


def test_partial_overlap_values():
    # 3 of 4 prediction tokens in a 6-token reference: P=3/4, R=3/6, F=0.6.
    scores = rouge_scores("ذهب الولد الى السوق", "ذهب الولد الى المدرسة صباح اليوم")
    assert scores["rouge1"] == pytest.approx(60.0)
    assert scores["rouge2"] == pytest.approx(100 * 2 * (2 / 3) * (2 / 5) / (2 / 3 + 2 / 5))


def test_multiple_references_are_averaged_not_maxed():
    prediction = "ذهب الولد الى المدرسة"
    references = ["ذهب الولد الى المدرسة", "اكلت القطة السمكة"]
    scores = RougeEvaluator().score(prediction, references)
    assert scores["rouge1"] == pytest.approx(50.0)   # (100 + 0) / 2
    assert RougeEvaluator().score(prediction, [references[0]])["rouge1"] == pytest.approx(100.0)
    with pytest.raises(ValueError):
        RougeEvaluator().score(prediction, [])


def test_corpus_score_is_mean_over_documents():
    result = RougeEvaluator().score_corpus(["ذهب الولد", "اكلت القطة"], [["ذهب الولد"], ["شرب الرجل"]])
    assert result["rouge1"] == pytest.approx(50.0)
    assert result["n"] == 2


def test_score_summary_files(tmp_path):
    gold = tmp_path / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "a", "references": [AR_REFERENCE, "اعلنت الوزارة"]},
        {"id": "b", "references": [FA_SPACE]},
    ]) + "\n", encoding="utf-8")
    pred.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "a", "summary": AR_ARTICLE}, {"id": "b", "summary": FA_HALF_SPACE}, {"id": "extra", "summary": "x"},
    ]) + "\n", encoding="utf-8")
    scores = score_summary_files(gold, pred)
    assert scores["n"] == 2 and scores["n_pred_not_in_gold"] == 1
    assert 50 < scores["rouge1"] < 100
    pred.write_text(json.dumps({"id": "a", "summary": AR_ARTICLE}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no prediction"):
        score_summary_files(gold, pred)
    pred.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        score_summary_files(gold, pred)


def test_persian_heh_with_hamza_is_one_word_in_both_spellings():
    """The ezafe is written ۀ (one letter) or ه + hamza above; the hamza is a diacritic
    removed in both, so both spellings are the plain word."""
    tokenizer = ArabicScriptTokenizer()
    assert tokenizer.tokenize("خانۀ ملت") == tokenizer.tokenize("خانهٔ ملت") == ["خانه", "ملت"]
    assert rouge_scores("درباره برنامۀ هسته‌ای", "درباره برنامهٔ هسته‌ای")["rouge2"] == pytest.approx(100.0)
    # Teh marbuta stays a letter of its own unless asked.
    assert tokenizer.tokenize("مدرسة") == ["مدرسة"]
    assert ArabicScriptTokenizer(fold_teh_marbuta=True).tokenize("مدرسة") == ["مدرسه"]


def _gold_and_pred(tmp_path, gold_records, pred_records):
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    for path, records in ((gold, gold_records), (pred, pred_records)):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return gold, pred


def test_a_reference_string_scores_as_a_list_of_one(tmp_path):
    as_list = score_summary_files(*_gold_and_pred(tmp_path, [{"id": "a", "references": [FA_SPACE]}],
                                                  [{"id": "a", "summary": "دولت می خواهد"}]))
    as_string = score_summary_files(*_gold_and_pred(tmp_path, [{"id": "a", "references": FA_SPACE}],
                                                    [{"id": "a", "summary": "دولت می خواهد"}]))
    assert as_list == as_string and 0 < as_string["rouge1"] < 100


@pytest.mark.parametrize("references, which", [([""], "reference 1 of 1"), (["... ؟ «»"], "reference 1 of 1"),
                                               ([AR_REFERENCE, " "], "reference 2 of 2")])
def test_a_reference_without_words_is_an_error_naming_its_line(tmp_path, references, which):
    # Scored, it would be 0 for any summary and pull the mean over references down.
    gold, pred = _gold_and_pred(tmp_path, [{"id": "a", "references": [AR_REFERENCE]},
                                           {"id": "b", "references": references}],
                                [{"id": "a", "summary": AR_ARTICLE}, {"id": "b", "summary": AR_ARTICLE}])
    with pytest.raises(ValueError, match=f"{gold}:2: {which} has no words"):
        score_summary_files(gold, pred)


def test_gold_without_references_and_missing_predictions_name_the_gold_line(tmp_path):
    gold, pred = _gold_and_pred(tmp_path, [{"id": "a", "summary": AR_REFERENCE}], [{"id": "a", "summary": "x"}])
    with pytest.raises(ValueError, match=f"{gold}:1: no 'references'"):
        score_summary_files(gold, pred)
    gold, pred = _gold_and_pred(tmp_path, [{"id": k, "references": [AR_REFERENCE]} for k in "abcd"],
                                [{"id": "a", "summary": AR_ARTICLE}, {"id": "c", "summary": AR_ARTICLE}])
    with pytest.raises(ValueError, match=rf"{gold}:2: id 'b' has no prediction in {pred} \(2 gold ids have none"):
        score_summary_files(gold, pred)


def test_an_empty_prediction_scores_zero_and_is_counted_in_the_mean(tmp_path):
    gold, pred = _gold_and_pred(tmp_path, [{"id": "a", "references": [AR_REFERENCE]},
                                           {"id": "b", "references": [AR_REFERENCE]}],
                                [{"id": "a", "summary": ""}, {"id": "b", "summary": AR_ARTICLE}])
    scores = score_summary_files(gold, pred)
    assert scores["n"] == 2 and scores["rouge1"] == pytest.approx(50.0)
