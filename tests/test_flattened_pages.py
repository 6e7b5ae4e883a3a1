"""Pages flattened to one line (a JSONL record whose text lost its line breaks) are read
like the same pages with their lines: the seeds then cluster as the folder run does."""
from __future__ import annotations

import json

import pytest

from akhbar.ingest.dates import choose_date, find_dates
from akhbar.ingest.sentences import split_at_ledes, split_sentences

from conftest import SEEDS


def test_end_of_message_slash_does_not_hide_a_sentence_end():
    text = "سعدون با امیر حاتمی وزیر دفاع دیدار و گفتگو کرد./ ارسال نظر تحلیل های برگزیده آخرین اخبار"
    assert split_sentences(text, "fa") == ["سعدون با امیر حاتمی وزیر دفاع دیدار و گفتگو کرد.",
                                           "ارسال نظر تحلیل های برگزیده آخرین اخبار"]


def test_glued_dateline_and_lede_are_cut_from_the_headlines_before_them():
    text = ("خبر اول سایت خبر دوم سایت عنوان سوم تاریخ انتشار: ۱۲:۴۰ - ۲۵ آبان ۱۳۹۹ "
            "به گزارش راهبرد معاصر؛ سردار باقری امروز با وزیر دفاع عراق دیدار کرد.")
    assert split_at_ledes(text) == ["خبر اول سایت خبر دوم سایت عنوان سوم", "تاریخ انتشار: ۱۲:۴۰ - ۲۵ آبان ۱۳۹۹",
                                    "به گزارش راهبرد معاصر؛ سردار باقری امروز با وزیر دفاع عراق دیدار کرد."]


@pytest.mark.parametrize("sentence", [
    "با توجه به گزارش رسمی وزارت بهداشت، شمار بیماران کاهش یافته است.",   # "according to the report"
    "مردم به گزارش ایرنا، اعتماد دارند.",                                # too few words before it
    "او گفت. به گزارش ایرنا، دولت گفت.",                                 # an end mark already cuts there
])
def test_lede_phrase_inside_a_sentence_is_not_a_cut(sentence):
    assert split_at_ledes(sentence) == [sentence]


def test_site_header_date_inside_a_line_is_a_crawl_date():
    flat = "منوی اصلی اخبار امروز : شنبه, ۳ آذر , ۱۴۰۳ تاکید بر توسعه مناسبات ایران و عراق"
    assert [d.is_crawl_date for d in find_dates([flat])] == [True]
    assert choose_date([flat]).is_crawl_date


def test_today_in_a_news_sentence_is_the_event_date():
    line = "التقى شمخاني اليوم الأحد ١٥ نوفمبر ٢٠٢٠ وزير الدفاع العراقي"
    (found,) = find_dates([line])
    assert not found.is_crawl_date and found.value.isoformat() == "2020-11-15"


def test_seeds_flattened_to_one_jsonl_line_each_cluster_like_the_folder(tmp_path):
    from akhbar.ingest import JsonlFields, read_inputs
    from akhbar.pipeline import Pipeline

    path = tmp_path / "seeds.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for seed in sorted(SEEDS.glob("*.txt")):
            flat = " ".join(seed.read_text(encoding="utf-8").split())
            out.write(json.dumps({"id": seed.name[:3], "text": flat}, ensure_ascii=False) + "\n")
    articles, skipped = read_inputs([path], JsonlFields(id="id", text="text"))
    assert len(articles) == 5 and not skipped
    result = Pipeline(show_progress=False).run_articles(articles)
    label = {d.id: int(lab) for d, lab in zip(result.documents, result.labels)}
    groups = sorted(sorted(i for i in label if label[i] == lab) for lab in set(label.values()))
    assert groups == [["000", "001"], ["002"], ["003"], ["004"]]
    dates = {d.id: d.date for d in result.documents}
    assert dates["000"].value.isoformat() == "2020-11-15"
    assert dates["002"] is None or dates["002"].is_crawl_date   # 1403 is the day the page was saved
