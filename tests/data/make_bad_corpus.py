"""Writes the bad-input corpus in tests/data/bad/ (issue #5).

    python tests/data/make_bad_corpus.py            # (re)write tests/data/bad/
    python tests/data/make_bad_corpus.py --big F    # also a 50 MB text file at F

The small files are committed; the 50 MB file is generated at test time into a
temporary folder (``write_big_file``), never committed. ``EXPECTED`` is the outcome
each input must have: processed, or skipped with a reason (a substring of it).
The texts were written for this corpus.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"

FA_NUL = ("بانک مرکزی ایران روز دوشنبه از کاهش نرخ تورم ماهانه خبر داد. به گفته این بانک، تورم نقطه به نقطه "
          "در مهر ماه به چهل درصد رسید. کارشناسان اقتصادی این کاهش را نتیجه ثبات نسبی بازار ارز می‌دانند.")
# Legacy Persian pages in windows-1256 use Arabic yeh (ي): the code page has no Persian yeh.
FA_CP1256 = ("زلزله‌اي به بزرگي پنج ريشتر امروز صبح شهر کرمان را لرزاند. "
             "مدير مديريت بحران استان گفت اين زلزله خسارت جاني نداشته است. "
             "گروه‌هاي امداد و نجات براي بررسي وضعيت روستاهاي اطراف اعزام شدند.")
AR_CP1256 = ("أعلنت وزارة الصحة المصرية اليوم عن افتتاح ثلاثة مستشفيات جديدة في محافظة أسيوط. "
             "وقال المتحدث باسم الوزارة إن المستشفيات ستخدم أكثر من مليون مواطن. "
             "وتأتي هذه الخطوة ضمن خطة لتطوير الخدمات الصحية في صعيد مصر.")
AR_UTF16 = ("افتتح رئيس الوزراء العراقي صباح اليوم جسراً جديداً على نهر دجلة في بغداد. "
            "وأكد أن الجسر سيخفف الازدحام المروري في العاصمة. "
            "واستغرق بناء الجسر ثلاث سنوات بتكلفة بلغت خمسين مليون دولار.")
FA_UTF16 = ("تیم ملی فوتبال ایران در دیداری دوستانه مقابل تیم ملی ازبکستان به پیروزی رسید. "
            "تنها گل این دیدار در دقیقه هفتاد به ثمر رسید. "
            "سرمربی تیم ملی پس از بازی از عملکرد بازیکنان جوان ابراز رضایت کرد.")
EN = ("The city council of Lisbon approved a new plan for public transport on Tuesday. "
      "The plan adds twelve bus lines and extends the metro to the airport. "
      "Work on the first stations is expected to begin next spring.")
TR = ("İstanbul Büyükşehir Belediyesi yeni bir metro hattının temelini attı. "
      "Hattın dört yıl içinde tamamlanması ve günde yarım milyon yolcu taşıması bekleniyor. "
      "Belediye başkanı törende yaptığı konuşmada projenin şehrin trafiğini rahatlatacağını söyledi.")
UR = ("پاکستان کے وزیر اعظم نے آج اسلام آباد میں ایک اہم اجلاس کی صدارت کی۔ "
      "اجلاس میں ملک کی معاشی صورتحال اور مہنگائی پر تفصیلی غور کیا گیا۔ "
      "وزیر اعظم نے کہا کہ حکومت عوام کو ریلیف دینے کے لیے ہر ممکن اقدامات کرے گی۔")
DUP = ("أعلنت الحكومة الأردنية اليوم الأحد عن خطة لدعم المزارعين المتضررين من موجة الجفاف الأخيرة. "
       "وقال وزير الزراعة في مؤتمر صحفي إن الخطة تشمل قروضاً ميسرة وتوزيع الأعلاف بأسعار مخفضة. "
       "وأضاف أن الوزارة ستفتح باب التسجيل للمزارعين الأسبوع المقبل في جميع المحافظات. "
       "وأشار إلى أن نحو عشرين ألف مزارع تضرروا من قلة الأمطار هذا الموسم.")
# The same wire story as re-published by another site: its own intro and furniture.
DUP_SYNDICATED = ("عمان - وكالات: " + DUP + "\n\nاقرأ أيضاً\n\nاترك تعليقاً\n\nزر الذهاب إلى الأعلى\n")
BOILERPLATE_ONLY = ("ارسال نظر\nآخرین اخبار\nاخبار پیشنهادی\nتبادل نظر\n"
                    "آدرس ایمیل خود را با فرمت مناسب وارد نمایید.\nانتهای پیام/\n")
HTML = """<!DOCTYPE html>
<html lang="fa"><head><meta charset="utf-8"><title>افتتاح کتابخانه عمومی در شیراز</title>
<script>window.dataLayer = []; document.write('<p>آخرین اخبار و تبلیغات ویژه</p>');</script>
<style>body { font-family: Tahoma }</style></head>
<body><nav><a href="/">خانه</a> | <a href="/sport">ورزشی</a></nav>
<article><h1>افتتاح کتابخانه عمومی در شیراز</h1>
<p>بزرگ‌ترین کتابخانه عمومی استان فارس روز پنجشنبه در شیراز افتتاح شد.</p>
<p>این کتابخانه بیش از دویست هزار جلد کتاب دارد و شبانه‌روزی باز است.</p>
<script>trackPageView("article-9931");</script>
<p>شهردار شیراز گفت دو کتابخانه دیگر تا پایان سال ساخته می‌شود.</p>
</article><footer>کلیه حقوق محفوظ است</footer></body></html>
"""
JSONL_AR = ("أطلقت الإمارات قمراً صناعياً جديداً لرصد الأحوال الجوية من قاعدة في اليابان. "
            "وقال مدير المشروع إن القمر سيرسل أول صوره خلال أسبوعين.")
JSONL_FA = ("<p>نمایشگاه بین‌المللی کتاب تهران امروز با حضور ناشران داخلی و خارجی آغاز به کار کرد.</p>"
            "<script>var ad = 'تبلیغ';</script><p>این نمایشگاه تا ده روز ادامه دارد.</p>")
JSONL_CP1256 = ("قررت الحكومة التونسية رفع الحد الأدنى للأجور بنسبة سبعة في المئة. "
                "ويبدأ تطبيق القرار مطلع الشهر المقبل.")
JSONL_NUL = "افتتاح خط جديد للقطار السريع بين الرياض والدمام\u0000 يختصر زمن الرحلة إلى ساعتين."

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
       + bytes(range(256)) * 4)


def _jsonl_bytes() -> bytes:
    def line(obj) -> bytes:
        return json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n"

    return b"".join([
        line({"id": "rec-ar-1", "text": JSONL_AR, "title": "إطلاق قمر صناعي إماراتي", "lang": "ar",
              "date": "2021-03-02"}),
        b"\n",                                                            # 2 blank line
        line({"id": "rec-fa-html", "text": JSONL_FA}),                    # 3 HTML in the text field
        b"{id: 'rec-single-quotes', text: 'not JSON'}\n",                 # 4 malformed
        b'["a list", "not an object"]\n',                                 # 5 not an object
        line({"id": "rec-no-text", "body": "the text is in another field"}),  # 6 missing field
        line({"id": "rec-empty", "text": "  "}),                          # 7 empty text
        json.dumps({"id": "rec-cp1256", "text": JSONL_CP1256}, ensure_ascii=False).encode("cp1256") + b"\n",
        line({"id": "rec-nul", "text": JSONL_NUL}),                       # 9 NUL inside the text
        line({"id": "rec-ar-1", "text": JSONL_AR, "title": "إطلاق قمر صناعي إماراتي", "lang": "ar",
              "date": "2021-03-02"}),                                     # 10 same id, same record again
        '{"id": "rec-truncated", "text": "خبر ناقص دربارهٔ افتتاح'.encode("utf-8"),  # 11 truncated, no newline
    ])


def files() -> dict[str, bytes]:
    """File name -> exact bytes."""
    return {
        "empty.txt": b"",
        "whitespace_only.txt": " \n\t\n\u00a0\u3000 \r\n".encode("utf-8"),
        "binary.txt": PNG,
        "photo.png": PNG,
        "nul_bytes.txt": FA_NUL[:60].encode("utf-8") + b"\x00" + FA_NUL[60:].encode("utf-8") + b"\x00\n",
        "cp1256_fa.txt": FA_CP1256.encode("cp1256"),
        "cp1256_ar.txt": AR_CP1256.encode("cp1256"),
        "utf16_bom_ar.txt": AR_UTF16.encode("utf-16"),
        "utf16le_nobom_fa.txt": FA_UTF16.encode("utf-16-le"),
        "scripts.html": HTML.encode("utf-8"),
        "english.txt": EN.encode("utf-8"),
        "turkish.txt": TR.encode("utf-8"),
        "urdu.txt": UR.encode("utf-8"),
        "dup_a_original.txt": DUP.encode("utf-8"),
        "dup_b_exact_copy.txt": DUP.encode("utf-8"),
        "dup_c_syndicated.txt": DUP_SYNDICATED.encode("utf-8"),
        "boilerplate_only.txt": BOILERPLATE_ONLY.encode("utf-8"),
        "records.jsonl": _jsonl_bytes(),
        ".hidden.txt": b"a hidden file is reported, not read\n",
    }


# Outcome per input ("file" or "file:line"): ("processed", None | duplicate_of) or
# ("skipped", substring of the reason).
EXPECTED = {
    "empty.txt": ("skipped", "empty file"),
    "whitespace_only.txt": ("skipped", "whitespace-only file"),
    "binary.txt": ("skipped", "binary data"),
    "photo.png": ("skipped", "not an article file"),
    "nul_bytes.txt": ("processed", None),
    "cp1256_fa.txt": ("processed", None),
    "cp1256_ar.txt": ("processed", None),
    "utf16_bom_ar.txt": ("processed", None),
    "utf16le_nobom_fa.txt": ("processed", None),
    "scripts.html": ("processed", None),
    "english.txt": ("processed", None),
    "turkish.txt": ("processed", None),
    "urdu.txt": ("processed", None),
    "dup_a_original.txt": ("processed", None),
    "dup_b_exact_copy.txt": ("processed", "dup_a_original.txt"),
    "dup_c_syndicated.txt": ("processed", "dup_a_original.txt"),
    "boilerplate_only.txt": ("skipped", "no article text left after boilerplate removal"),
    ".hidden.txt": ("skipped", "hidden file"),
    "records.jsonl:1": ("processed", None),
    "records.jsonl:2": ("skipped", "blank line"),
    "records.jsonl:3": ("processed", None),
    "records.jsonl:4": ("skipped", "malformed JSON"),
    "records.jsonl:5": ("skipped", "not an object"),
    "records.jsonl:6": ("skipped", "field 'text' missing"),
    "records.jsonl:7": ("skipped", "field 'text' is empty"),
    "records.jsonl:8": ("processed", None),
    "records.jsonl:9": ("processed", None),
    "records.jsonl:10": ("skipped", "duplicate id 'rec-ar-1'"),
    "records.jsonl:11": ("skipped", "looks truncated"),
}
BIG_EXPECTED = ("skipped", "file too large")


def write_corpus(directory: Path = BAD) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files().items():
        (directory / name).write_bytes(data)
    return directory


def write_big_file(path: Path, size: int = 50 * 1024 * 1024) -> Path:
    """A ~50 MB plain-text news file (one long Persian article repeated)."""
    block = ((FA_NUL + "\n") * 200).encode("utf-8")
    with open(path, "wb") as handle:
        written = 0
        while written < size:
            chunk = block[:size - written]
            handle.write(chunk)
            written += len(chunk)
    return path


if __name__ == "__main__":
    write_corpus()
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        write_big_file(Path(sys.argv[2]))
    print(f"wrote {BAD}")
