"""A day given without a time of day (a date) is the whole day, not a moment: two reports
dated by the day only may be minutes apart, so consecutive dates cost no time penalty, and
dates two days apart cost what timestamps one day apart cost."""
import datetime as dt
import json

import numpy as np
import pytest

from akhbar.cluster import EventClusterer, document_evidence
from akhbar.types import DocDate, Document

D = dt.date(2021, 7, 1)


def _pair(cosine: float = 0.35, d: int = 8, seed: int = 0) -> np.ndarray:
    """Two unit vectors at the given cosine."""
    rng = np.random.default_rng(seed)
    a, noise = rng.normal(size=d), rng.normal(size=d)
    a /= np.linalg.norm(a)
    noise -= (noise @ a) * a
    noise /= np.linalg.norm(noise)
    return np.vstack([a, cosine * a + np.sqrt(1 - cosine ** 2) * noise]).astype(np.float32)


def _model(**params) -> EventClusterer:
    # Two rows centred on their own mean would point apart: compare them as they are.
    return EventClusterer(center_languages=False, **params)


def test_dates_are_the_middle_of_their_day_with_width_one():
    X = np.vstack([_pair(), _pair(seed=1)])
    offsets = np.array([0, 1, 0, 1])
    as_numbers = _model().fit(X, days=D.toordinal() + 0.5 + offsets, day_widths=np.ones(4))
    for days in ([D + dt.timedelta(days=int(o)) for o in offsets],
                 np.datetime64(D.isoformat(), "D") + offsets.astype("timedelta64[D]")):
        model = _model().fit(X, days=days)
        np.testing.assert_allclose(model.days_, as_numbers.days_)
        np.testing.assert_array_equal(model.day_widths_, np.ones(4))
        np.testing.assert_array_equal(model.labels_, as_numbers.labels_)
    month = _model().fit(X[:1], days=np.array(["2021-02"], dtype="datetime64[M]"))
    assert month.days_[0] == dt.date(2021, 2, 1).toordinal() + 14 and month.day_widths_[0] == 28
    moments = _model().fit(X, days=[dt.datetime(2021, 7, 1, 12) + dt.timedelta(days=int(o)) for o in offsets])
    np.testing.assert_allclose(moments.days_, as_numbers.days_)
    np.testing.assert_array_equal(moments.day_widths_, np.zeros(4))


def test_consecutive_dates_are_no_time_apart_but_consecutive_noons_are():
    X = _pair()
    whole = _model().fit(X, days=[D, D + dt.timedelta(days=1)])
    noons = _model().fit(X, days=[dt.datetime(2021, 7, 1, 12), dt.datetime(2021, 7, 2, 12)])
    assert whole.labels_[0] == whole.labels_[1]
    assert noons.labels_[0] != noons.labels_[1]
    explained = whole.explain_pair(0, 1)
    assert explained["days_apart"] == 0.0 and explained["time_penalty"] == 0.0
    assert explained["score"] == pytest.approx(0.35, abs=1e-5)
    assert noons.explain_pair(0, 1)["days_apart"] == pytest.approx(1.0)
    # Two dates two days apart are at least one day apart: what noons a day apart cost.
    far = _model().fit(X, days=[D, D + dt.timedelta(days=2)])
    assert far.labels_[0] != far.labels_[1]
    assert far.explain_pair(0, 1)["time_penalty"] == pytest.approx(noons.explain_pair(0, 1)["time_penalty"])
    # A timestamp late on one day and the next day's date: the span starts an hour later.
    late = _model().fit(X, days=[dt.datetime(2021, 7, 1, 23), D + dt.timedelta(days=1)])
    assert late.explain_pair(0, 1)["days_apart"] == pytest.approx(1 / 24)


@pytest.mark.parametrize("refit_up_to", [10_000, 0])
def test_assign_reads_dates_as_whole_days(refit_up_to):
    X = _pair()
    model = _model(refit_up_to=refit_up_to).fit(X[:1], days=[D])
    assert model.assign(X[1:], days=[D + dt.timedelta(days=1)])[0] == model.labels_[0]
    np.testing.assert_array_equal(model.day_widths_, [1.0, 1.0])
    noon = _model(refit_up_to=refit_up_to).fit(X[:1], days=[dt.datetime(2021, 7, 1, 12)])
    assert noon.assign(X[1:], days=[dt.datetime(2021, 7, 2, 12)])[0] != noon.labels_[0]


def test_the_centroid_stage_reads_group_widths():
    """Two groups of dated reports a day apart merge by their centroids as if no time were
    between them; as noons a day apart they stay apart."""
    rng = np.random.default_rng(5)
    centre = rng.normal(size=16)
    centre /= np.linalg.norm(centre)
    X = (centre + 0.55 * rng.normal(size=(6, 16))).astype(np.float32)
    background = rng.normal(size=(30, 16)).astype(np.float32)
    X = np.vstack([X, background])
    dates = [D] * 3 + [D + dt.timedelta(days=1)] * 3 + [D + dt.timedelta(days=int(k)) for k in rng.integers(5, 60, 30)]
    noons = [dt.datetime.combine(day, dt.time(12)) for day in dates]
    first_stage = [len(set(EventClusterer(threshold=0.5, merge_centroids=False).fit(X, days=d).labels_[:6]))
                   for d in (dates, noons)]
    assert first_stage[0] == first_stage[1] == 5  # the first stage joins one pair either way
    whole = EventClusterer(threshold=0.5, centroid_threshold=0.3).fit(X, days=dates)
    moments = EventClusterer(threshold=0.5, centroid_threshold=0.3).fit(X, days=noons)
    assert len(set(whole.labels_[:6])) < len(set(moments.labels_[:6]))
    assert whole.n_rounds_ >= 1 and moments.n_rounds_ == 0


def test_day_widths_survive_save_and_load_and_older_states_load_as_moments(tmp_path):
    X = _pair()
    model = _model(refit_up_to=0).fit(X, days=[D, D + dt.timedelta(days=1)])
    model.save(tmp_path / "state")
    loaded = EventClusterer.load(tmp_path / "state")
    np.testing.assert_array_equal(loaded.day_widths_, [1.0, 1.0])
    kept = _model().fit(X, days=[D, D])
    kept.save(tmp_path / "kept")
    assert EventClusterer.load(tmp_path / "kept").fit_inputs_.day_widths.tolist() == [1.0, 1.0]
    # A state written before day widths existed: no "day_widths" array.
    with np.load(tmp_path / "state" / "clusterer.npz") as stored:
        arrays = {name: stored[name] for name in stored.files if name != "day_widths"}
    old = tmp_path / "old"
    old.mkdir()
    np.savez(old / "clusterer.npz", **arrays)
    (old / "clusterer.json").write_text((tmp_path / "state" / "clusterer.json").read_text("utf-8"), "utf-8")
    np.testing.assert_array_equal(EventClusterer.load(old).day_widths_, [0.0, 0.0])
    assert json.loads((old / "clusterer.json").read_text("utf-8"))["n_documents"] == 2


@pytest.mark.parametrize("widths, reason", [([1.0], "one number per entry of days"),
                                            ([-1.0, 0.0], "finite numbers >= 0"),
                                            (["a", 0.0], "numbers of days"),
                                            ([np.nan, 0.0], "finite numbers >= 0")])
def test_day_widths_of_the_wrong_kind_are_refused(widths, reason):
    with pytest.raises(ValueError, match=reason):
        _model().fit(_pair(), days=[1.0, 2.0], day_widths=widths)
    with pytest.raises(ValueError, match="day_widths given without days"):
        _model().fit(_pair(), day_widths=[0.0, 0.0])


def test_documents_dated_by_the_day_are_whole_days():
    def doc(name, date):
        return Document(name, "fa", name, ["x"], name, date)

    docs = [doc("a", DocDate(D, "jalali")),
            doc("b", DocDate(D, "input", timestamp=dt.datetime(2021, 7, 1, 8, 30))),
            doc("c", None), doc("d", DocDate(D, "gregorian", is_crawl_date=True))]
    evidence = document_evidence(docs)
    np.testing.assert_allclose(evidence["days"][:2], [D.toordinal() + 0.5, D.toordinal() + 8.5 / 24])
    assert np.isnan(evidence["days"][2:]).all()
    assert evidence["day_widths"].tolist() == [1.0, 0.0, 0.0, 0.0]


def test_the_partition_of_dated_rows_does_not_depend_on_their_order():
    rng = np.random.default_rng(9)
    centres = rng.normal(size=(5, 16))
    X = (centres[np.repeat(range(5), 4)] + 0.6 * rng.normal(size=(20, 16))).astype(np.float32)
    days = [D + dt.timedelta(days=int(k)) for k in np.repeat(range(5), 4) * 2 + rng.integers(0, 2, 20)]
    days[3] = dt.datetime(2021, 7, 1, 23, 30)  # a moment among whole days
    langs = ["fa", "ar"] * 10
    base = EventClusterer().fit(X, langs=langs, days=days).labels_
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(20)
        shuffled = EventClusterer().fit(X[order], langs=[langs[i] for i in order],
                                        days=[days[i] for i in order]).labels_
        same = shuffled[:, None] == shuffled[None, :]
        expected = base[order][:, None] == base[order][None, :]
        np.testing.assert_array_equal(same, expected)


def test_the_pipeline_passes_dates_as_whole_days_and_writes_times_it_was_given(tmp_path):
    from akhbar.pipeline import Pipeline

    rows = [{"id": "a", "lang": "fa", "text": "ایران و عراق در تهران سند همکاری دفاعی امضا کردند", "date": "2021-07-01"},
            {"id": "b", "lang": "ar", "text": "إيران والعراق يوقعان وثيقة تعاون دفاعي في طهران", "date": "2021-07-02"},
            {"id": "c", "lang": "ar", "text": "زلزال بقوة 6 درجات يضرب جنوب إيران ويلحق أضرارا بالقرى",
             "date": "2021-07-02T08:30:00+03:30"}]
    data = tmp_path / "h.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = Pipeline().run(data)
    widths = dict(zip(result.clusterer_rows, result.clusterer.day_widths_))
    assert widths == {"a": 1.0, "b": 1.0, "c": 0.0}
    records = {r["id"]: r for r in result.cluster_records()}
    assert "time" not in records["a"] and "time" not in records["b"]
    assert records["c"]["time"] == "2021-07-02T05:00:00" and records["c"]["date"] == "2021-07-02"


def test_a_lead_that_says_yesterday_dates_the_event_the_day_before():
    from akhbar.ingest import Ingestor
    from akhbar.ingest.dates import says_yesterday
    from akhbar.types import Article

    assert says_yesterday("استقبل وزير الخارجية نظيره الإيراني في بغداد أمس")
    assert says_yesterday("وزیر امور خارجه روز گذشته در بغداد با همتای عراقی خود دیدار کرد")
    assert says_yesterday("وزیر امور خارجه دیروز در بغداد با همتای عراقی خود دیدار کرد")
    assert not says_yesterday("أقيمت أمسية شعرية في القاهرة بحضور وزير الثقافة")  # an evening event
    assert not says_yesterday("وزیر امور خارجه امروز در بغداد با همتای عراقی خود دیدار کرد")
    assert not says_yesterday("قال الوزير إن حلفاء الأمس أصبحوا خصوم اليوم")  # figurative
    from akhbar.ingest.dates import days_back

    assert days_back("التقى الوزيران في بغداد أول من أمس وبحثا العلاقات") == 2
    assert days_back("وزیر امور خارجه پریروز در بغداد با همتای عراقی خود دیدار کرد") == 2
    assert days_back("التقى الوزيران في بغداد أمس") == 1 and days_back("التقى الوزيران في بغداد اليوم") == 0
    body = ("وزير الخارجية العراقي يؤكد لنظيره الإيراني رفض الاعتداء على دول الجوار\n"
            "أكد وزير الخارجية العراقي خلال استقباله نظيره الإيراني في بغداد أمس التزام حكومته بعلاقات الجوار.\n"
            "وذكر بيان للخارجية أن الوزيرين بحثا العلاقات الثنائية وسبل تطويرها في المجالات الاقتصادية.\n")
    articles = [Article("print", body, "print.txt", time="2025-01-13"),
                Article("online", body, "online.txt", time="2025-01-13T09:00:00"),
                Article("dated", body.replace("أمس", "يوم 12 يناير 2025"), "dated.txt", time="2025-01-14"),
                Article("headline", "استقبل وزير الخارجية نظيره الإيراني في بغداد أمس", "h.txt", time="2025-01-13"),
                Article("fa", "عراقچی در بغداد: روابط تهران و بغداد راهبردی است\n"
                              "وزیر امور خارجه کشورمان روز گذشته در بغداد با همتای عراقی خود دیدار و گفت‌وگو کرد.\n"
                              "دو طرف درباره تکمیل خط آهن شلمچه-بصره و تحولات منطقه گفت‌وگو کردند.\n", "fa.txt",
                        time="1403-10-24")]
    docs = {d.id: d for d in Ingestor().transform(articles)[0]}
    assert docs["print"].event_date == dt.date(2025, 1, 12) and docs["print"].date.value == dt.date(2025, 1, 13)
    assert any("its lead says yesterday" in note for note in docs["print"].notes)
    # A time of day says when the page went out, not when yesterday's event happened.
    assert docs["online"].event_date == dt.date(2025, 1, 12) and docs["online"].event_is_whole_day
    assert docs["online"].event_day == dt.date(2025, 1, 12).toordinal() + 0.5
    assert docs["dated"].event_date == dt.date(2025, 1, 14)   # the lead states its own date
    assert docs["headline"].event_date == dt.date(2025, 1, 13)  # a headline alone is not a lead
    assert docs["fa"].date.value == dt.date(2025, 1, 13) and docs["fa"].event_date == dt.date(2025, 1, 12)
    two = Ingestor().transform([Article("two", body.replace("أمس", "أول أمس"), "two.txt", time="2025-01-13")])[0][0]
    assert two.event_date == dt.date(2025, 1, 11) and any("the day before yesterday" in n for n in two.notes)
    # Saved and read back (resumed runs, --update) with the offset.
    from akhbar.types import document_from_dict, document_to_dict

    assert document_from_dict(document_to_dict(docs["print"])).event_date == dt.date(2025, 1, 12)


def test_a_print_report_of_yesterday_meets_the_same_day_report_without_a_time_penalty(tmp_path):
    """A timestamped online report of a meeting and next morning's print edition, whose
    lead says "yesterday": the events are the same day, so no time penalty."""
    from akhbar.pipeline import Pipeline

    online = ("استقبل وزير الخارجية العراقي فؤاد حسين نظيره الإيراني عباس عراقجي في بغداد اليوم الأحد وبحثا العلاقات الثنائية.\n"
              "وأكد حسين التزام حكومة بلاده بعدم السماح باستخدام الأراضي العراقية للاعتداء على دول الجوار.\n"
              "وقال عراقجي إن العلاقات بين طهران وبغداد استراتيجية وإن مشروع الربط السككي بين الشلامجة والبصرة أولوية.\n")
    printed = ("أكد وزير الخارجية العراقي فؤاد حسين خلال استقباله نظيره الإيراني عباس عراقجي في بغداد أمس التزام حكومة "
               "بلاده بعدم السماح باستخدام الأراضي العراقية للاعتداء على دول الجوار.\n"
               "وقال عراقجي إن العلاقات بين طهران وبغداد استراتيجية وإن بلاده تولي أهمية لمشروع الربط السككي.\n"
               "وبحث الوزيران تطورات الأوضاع في المنطقة وسبل تطوير التعاون الاقتصادي بين البلدين.\n")
    data = tmp_path / "two.jsonl"
    data.write_text(json.dumps({"id": "online", "lang": "ar", "text": online, "date": "2025-01-12T10:00:00"},
                               ensure_ascii=False) + "\n" +
                    json.dumps({"id": "print", "lang": "ar", "text": printed, "date": "2025-01-13"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    result = Pipeline().run(data)
    rows = result.clusterer_rows
    explained = result.clusterer.explain_pair(rows.index("online"), rows.index("print"))
    # `akhbar explain` says which spans it measured between, and why the print report's is the day before.
    from typer.testing import CliRunner

    from akhbar.cli import app

    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["run", str(data), "--out", str(out), "--save-state", "--no-cache", "-q"]).exit_code == 0
    shown = CliRunner().invoke(app, ["explain", str(out), "online", "print"])
    assert shown.exit_code == 0, shown.output
    assert "between the spans of 2025-01-12 10:00 and 2025-01-12 (whole day; its lead says yesterday, " \
           "the article is dated 2025-01-13)" in shown.output
    data_out = json.loads(CliRunner().invoke(app, ["explain", str(out), "online", "print", "--json"]).output)
    assert data_out["event_times"][0] == "2025-01-12 10:00" and data_out["days_apart"] == 0.0
    assert explained["days_apart"] == 0.0 and explained["time_penalty"] == 0.0
    records = {r["id"]: r for r in result.cluster_records()}
    assert records["print"]["date"] == "2025-01-13" and records["print"]["event_date"] == "2025-01-12"
    assert "event_date" not in records["online"]
