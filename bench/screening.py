"""Sanctions screening: quality on a fictional development set, and speed on synthetic lists.

Quality. A development set is built here, seeded, from lexicons of given names, surnames and
company-name words in Persian, Arabic and Chinese script with the romanisations people use (every
person and company is an invented combination). The list (an OpenSanctions `targets.simple.csv`)
holds target entries, written as lists write them (Latin, sometimes with an alias in the original
script, sometimes only in the original script), among look-alike distractors. Queries are of one
kind each:
- persian_script, arabic_script, chinese_script: the name in its script, the entry in Latin;
- romanisation: another romanisation of the entry's name (Hosseini/Husseini, Chang/Zhang);
- pinyin_forms: joined, hyphenated or reversed pinyin;
- latin_to_script: a Latin query, the entry only in the original script;
- typo: one letter changed, dropped or doubled;
- registry_id: another name, the entry's registry identifier;
and hard negatives: same surname and another given name, the same company words with another
distinctive word (Pars, Sanat, Huaxin, Al Noor, International Trading), the same name in another
country. Each system is run with `karvan screening match`'s code path (`screen_names` and the
product's review threshold) and a plain rapidfuzz baseline (`token_sort_ratio` of the raw names,
the same threshold, every entity compared). Printed: recall, precision, the share of negative
queries raising a case, overall and per kind.

Speed. Synthetic lists of 100,000 and 1,000,000 entities (mixtures of the lexicons and random
syllables): the time to screen one name (median, p95), the time to build the index, and the time
to re-screen 100,000 organisations after a list version that changed 1,000 entries (what the
product does: the organisations indexed, each changed entry looked up among them, then a full
screening of those it resembles).

    .venv/bin/python bench/screening.py [--sizes 100000,1000000] [--queries 200] [--quality-only]
"""

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from karvan.compliance.engine import (  # noqa: E402
    ListEntity,
    Query,
    ScreeningIndex,
    screen_names,
    subjects_resembling,
)

THRESHOLD = 0.8  # the product's default KARVAN_SCREENING_THRESHOLD

# (script form, [romanisations]); the first romanisation is the one lists use.
FA_GIVEN = [
    ("محمد", ["Mohammad", "Muhammad", "Mohamad", "Mohammed"]),
    ("علی", ["Ali"]),
    ("حسین", ["Hossein", "Hosein", "Hussein"]),
    ("رضا", ["Reza"]),
    ("مهدی", ["Mehdi", "Mahdi"]),
    ("حمید", ["Hamid"]),
    ("سعید", ["Saeed", "Saied", "Said"]),
    ("مجید", ["Majid", "Madjid"]),
    ("بهرام", ["Bahram"]),
    ("فرهاد", ["Farhad"]),
    ("کامران", ["Kamran"]),
    ("داوود", ["Davood", "Davoud", "Davud"]),
    ("محمود", ["Mahmoud", "Mahmud"]),
    ("مسعود", ["Masoud", "Masood", "Massoud"]),
    ("جواد", ["Javad", "Jawad"]),
    ("غلامرضا", ["Gholamreza", "Qolamreza", "Gholam Reza"]),
    ("ابراهیم", ["Ebrahim", "Ibrahim"]),
    ("یوسف", ["Yousef", "Yusuf", "Yousof"]),
    ("مریم", ["Maryam", "Mariam"]),
    ("فاطمه", ["Fatemeh", "Fatima"]),
    ("زهرا", ["Zahra"]),
    ("نسرین", ["Nasrin"]),
    ("شیرین", ["Shirin"]),
    ("پروین", ["Parvin"]),
    ("سیامک", ["Siamak", "Siyamak"]),
    ("کوروش", ["Kourosh", "Kurosh", "Koorosh"]),
]
FA_SURNAMES = [
    ("حسینی", ["Hosseini", "Husseini", "Hoseini", "Hosseyni"]),
    ("رضایی", ["Rezaei", "Rezaie", "Rezaee"]),
    ("احمدی", ["Ahmadi"]),
    ("کریمی", ["Karimi"]),
    ("موسوی", ["Mousavi", "Musavi", "Moosavi"]),
    ("قاسمی", ["Ghasemi", "Qasemi", "Ghassemi"]),
    ("جعفری", ["Jafari", "Jaafari", "Ja'fari"]),
    ("صادقی", ["Sadeghi", "Sadeqi"]),
    ("نوری", ["Nouri", "Noori", "Nuri"]),
    ("طاهری", ["Taheri"]),
    ("یزدانی", ["Yazdani"]),
    ("کاظمی", ["Kazemi"]),
    ("شریفی", ["Sharifi"]),
    ("رحیمی", ["Rahimi"]),
    ("فراهانی", ["Farahani"]),
    ("طباطبایی", ["Tabatabaei", "Tabatabai"]),
    ("نجفی", ["Najafi"]),
    ("اصفهانی", ["Esfahani", "Isfahani"]),
    ("خسروی", ["Khosravi"]),
    ("میرزایی", ["Mirzaei", "Mirzaie"]),
    ("سلطانی", ["Soltani"]),
    ("قربانی", ["Ghorbani", "Qorbani"]),
    ("فروتن", ["Forootan", "Foroutan"]),
    ("کوهستانی", ["Kouhestani", "Koohestani"]),
    ("دهقان", ["Dehghan", "Dehqan"]),
    ("شاهرخی", ["Shahrokhi"]),
    ("بختیاری", ["Bakhtiari", "Bakhtiyari"]),
]
AR_GIVEN = [
    ("خالد", ["Khalid", "Khaled"]),
    ("عمر", ["Omar", "Umar"]),
    ("أحمد", ["Ahmed", "Ahmad"]),
    ("يوسف", ["Youssef", "Yusuf"]),
    ("سالم", ["Salem", "Salim"]),
    ("ناصر", ["Nasser", "Nasir"]),
    ("فيصل", ["Faisal", "Faysal"]),
    ("طارق", ["Tariq", "Tarek"]),
    ("كريم", ["Karim", "Kareem"]),
    ("عادل", ["Adel", "Adil"]),
    ("حسن", ["Hassan", "Hasan"]),
    ("مصطفى", ["Mustafa", "Mostafa"]),
    ("ماجد", ["Majed", "Majid"]),
    ("وليد", ["Walid", "Waleed"]),
    ("سامي", ["Sami", "Samy"]),
]
AR_SURNAMES = [
    ("الجبوري", ["al-Jabouri", "Al Jubouri", "Aljaburi"]),
    ("العبيدي", ["al-Obaidi", "Al Ubaidi"]),
    ("الدليمي", ["al-Dulaimi", "Al Dulaymi"]),
    ("الشمري", ["al-Shammari", "Al Shamari"]),
    ("الحربي", ["al-Harbi"]),
    ("القحطاني", ["al-Qahtani", "Al Kahtani"]),
    ("الزهراني", ["al-Zahrani"]),
    ("العتيبي", ["al-Otaibi", "Al Utaybi"]),
    ("المالكي", ["al-Maliki"]),
    ("السعدي", ["al-Saadi", "As Saadi"]),
    ("النعيمي", ["al-Nuaimi", "Al Naimi"]),
    ("الكبيسي", ["al-Kubaisi", "Al Kobaisi"]),
    ("الراشد", ["al-Rashed", "Al Rashid"]),
    ("المنصوري", ["al-Mansouri", "Al Mansoori"]),
]
ZH_SURNAMES = [
    ("张", ["Zhang", "Chang", "Cheung"]),
    ("王", ["Wang", "Wong"]),
    ("李", ["Li", "Lee"]),
    ("刘", ["Liu", "Lau"]),
    ("陈", ["Chen", "Chan"]),
    ("杨", ["Yang", "Yeung"]),
    ("赵", ["Zhao", "Chao"]),
    ("周", ["Zhou", "Chou", "Chow"]),
    ("吴", ["Wu", "Ng"]),
    ("徐", ["Xu", "Hsu"]),
    ("孙", ["Sun"]),
    ("胡", ["Hu"]),
    ("郭", ["Guo", "Kuo", "Kwok"]),
    ("林", ["Lin", "Lam"]),
    ("何", ["He", "Ho"]),
    ("罗", ["Luo", "Lo"]),
    ("郑", ["Zheng", "Cheng"]),
    ("梁", ["Liang", "Leung"]),
    ("谢", ["Xie", "Hsieh", "Tse"]),
    ("宋", ["Song", "Sung"]),
    ("曾", ["Zeng", "Tsang"]),
    ("单", ["Shan"]),
]
ZH_GIVEN = [
    ("伟明", ["Weiming"]),
    ("建国", ["Jianguo"]),
    ("志强", ["Zhiqiang"]),
    ("海涛", ["Haitao"]),
    ("晓东", ["Xiaodong"]),
    ("丽华", ["Lihua"]),
    ("秀英", ["Xiuying"]),
    ("国华", ["Guohua"]),
    ("文博", ["Wenbo"]),
    ("立新", ["Lixin"]),
    ("红梅", ["Hongmei"]),
    ("春生", ["Chunsheng"]),
    ("永康", ["Yongkang"]),
    ("德胜", ["Desheng"]),
    ("俊杰", ["Junjie"]),
    ("宇航", ["Yuhang"]),
    ("鹏", ["Peng"]),
    ("磊", ["Lei"]),
    ("静", ["Jing"]),
    ("敏", ["Min"]),
]
FA_ORG_WORDS = [
    ("پارس", "Pars"),
    ("کویر", "Kavir"),
    ("آریا", "Aria"),
    ("مهر", "Mehr"),
    ("نوین", "Novin"),
    ("سپهر", "Sepehr"),
    ("البرز", "Alborz"),
    ("دنا", "Dena"),
    ("زاگرس", "Zagros"),
    ("کیان", "Kian"),
    ("پیشگامان", "Pishgaman"),
    ("رهاورد", "Rahavard"),
    ("ستاره", "Setareh"),
    ("تابان", "Taban"),
    ("فراز", "Faraz"),
    ("پویا", "Pouya"),
    ("آفتاب", "Aftab"),
    ("کاوه", "Kaveh"),
    ("سینا", "Sina"),
    ("شهاب", "Shahab"),
    ("خلیج", "Khalij"),
    ("هامون", "Hamoon"),
    ("ارغوان", "Arghavan"),
    ("سیمرغ", "Simorgh"),
]
FA_ORG_KINDS = [
    ("بازرگانی", ["Trading", "Bazargani"]),
    ("صنایع", ["Industries", "Sanaye"]),
    ("مهندسی", ["Engineering", "Mohandesi"]),
    ("پتروشیمی", ["Petrochemical"]),
    ("کشتیرانی", ["Shipping"]),
    ("فولاد", ["Steel", "Foolad"]),
]
FA_LEGAL = [("شرکت سهامی خاص", "Private Joint Stock Company"), ("شرکت", "Company"), ("", "Co.")]
ZH_CITIES = [("上海", "Shanghai"), ("深圳", "Shenzhen"), ("广州", "Guangzhou"), ("宁波", "Ningbo")]
ZH_ORG_WORDS = [
    ("华信", "Huaxin"),
    ("金龙", "Jinlong"),
    ("宏达", "Hongda"),
    ("海通", "Haitong"),
    ("鑫源", "Xinyuan"),
    ("恒通", "Hengtong"),
    ("天成", "Tiancheng"),
    ("博远", "Boyuan"),
    ("瑞丰", "Ruifeng"),
    ("泰和", "Taihe"),
    ("永盛", "Yongsheng"),
    ("富达", "Fuda"),
    ("星辰", "Xingchen"),
    ("汇丰源", "Huifengyuan"),
    ("嘉禾", "Jiahe"),
    ("明远", "Mingyuan"),
]
ZH_ORG_KINDS = [
    ("贸易", "Trading"),
    ("科技", "Technology"),
    ("电子", "Electronics"),
    ("化工", "Chemical"),
    ("机械", "Machinery"),
    ("航运", "Shipping"),
    ("国际贸易", "International Trading"),
]
AR_ORG_WORDS = [
    ("النور", "Al Noor"),
    ("الفجر", "Al Fajr"),
    ("الأمل", "Al Amal"),
    ("الرائد", "Al Raed"),
    ("النخبة", "Al Nukhba"),
    ("الصقر", "Al Saqr"),
    ("الوفاق", "Al Wifaq"),
    ("الهدى", "Al Huda"),
    ("الريان", "Al Rayyan"),
    ("البركة", "Al Baraka"),
]
AR_ORG_KINDS = [
    ("للتجارة", "Trading"),
    ("للملاحة", "Shipping"),
    ("للتجارة الدولية", "International Trading"),
]


def _typo(rng: random.Random, name: str) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    # Not the first letter of the name: typos are rarer there, and every system keys on it.
    position = rng.choice(letters[2:] or letters)
    action = rng.choice(["swap", "drop", "double", "replace"])
    if action == "drop":
        return name[:position] + name[position + 1 :]
    if action == "double":
        return name[:position] + name[position] + name[position:]
    if action == "swap" and position + 1 < len(name) and name[position + 1].isalpha():
        return name[:position] + name[position + 1] + name[position] + name[position + 2 :]
    replacement = rng.choice([c for c in "aeioukrnst" if c != name[position].lower()])
    return name[:position] + replacement + name[position + 1 :]


def _registry_id(rng: random.Random, country: str) -> str:
    if country == "CN":
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        return (
            "9131"
            + "".join(rng.choice("0123456789") for _ in range(4))
            + "".join(rng.choice(alphabet) for _ in range(10))
        )
    return "10" + "".join(rng.choice("0123456789") for _ in range(9))


class DevSet:
    """Entities (the list) and labelled queries, built from the lexicons with one seed."""

    def __init__(self, seed: int = 11, distractors: int = 3000) -> None:
        self.rng = random.Random(seed)
        self.entities: list[ListEntity] = []
        self.queries: list[dict[str, object]] = []
        self.used: set[tuple[str, ...]] = set()
        self._targets()
        self.target_ids = {e.id for e in self.entities}
        self._distractors(distractors)
        self._negatives()

    def _entity(self, key: tuple[str, ...], schema: str, names: list[str], country: str,
                identifiers: tuple[str, ...] = ()) -> str:  # fmt: skip
        entity_id = f"dev-{len(self.entities):05d}"
        self.used.add(key)
        self.entities.append(
            ListEntity(entity_id, schema, tuple(names), (country,), (), identifiers)
        )
        return entity_id

    def _query(self, kind: str, schema: str, name: str, country: str, expected: str | None,
               registry_id: str = "") -> None:  # fmt: skip
        self.queries.append(
            {
                "id": f"q{len(self.queries):05d}",
                "kind": kind,
                "schema": schema,
                "name": name,
                "country": country,
                "registry_id": registry_id,
                "expected": expected,
            }
        )

    def _person(self, given: list, surnames: list, country: str) -> tuple:
        while True:
            g, s = self.rng.randrange(len(given)), self.rng.randrange(len(surnames))
            key = (country, "p", str(g), str(s))
            if key not in self.used:
                return key, given[g], surnames[s]

    def _targets(self) -> None:
        rng = self.rng
        for _ in range(40):  # Persian people
            key, (g_fa, g_lat), (s_fa, s_lat) = self._person(FA_GIVEN, FA_SURNAMES, "IR")
            alias = [f"{g_fa} {s_fa}"] if rng.random() < 0.3 else []
            entity = self._entity(key, "Person", [f"{g_lat[0]} {s_lat[0]}", *alias], "IR")
            self._query("persian_script", "Person", f"{g_fa} {s_fa}", "IR", entity)
            variants = [f"{g} {s}" for g in g_lat for s in s_lat][1:]
            if variants:
                self._query("romanisation", "Person", rng.choice(variants), "IR", entity)
            self._query("typo", "Person", _typo(rng, f"{g_lat[0]} {s_lat[0]}"), "IR", entity)
        for _ in range(30):  # Arabic people
            key, (g_ar, g_lat), (s_ar, s_lat) = self._person(AR_GIVEN, AR_SURNAMES, "IQ")
            entity = self._entity(key, "Person", [f"{g_lat[0]} {s_lat[0]}"], "IQ")
            self._query("arabic_script", "Person", f"{g_ar} {s_ar}", "IQ", entity)
            variants = [f"{g} {s}" for g in g_lat for s in s_lat][1:]
            if variants:
                self._query("romanisation", "Person", rng.choice(variants), "IQ", entity)
        for _ in range(40):  # Chinese people
            key, (s_zh, s_lat), (g_zh, g_lat) = self._person(ZH_SURNAMES, ZH_GIVEN, "CN")
            listed = f"{s_lat[0].upper()} {g_lat[0]}"
            if rng.random() < 0.2:
                entity = self._entity(key, "Person", [f"{s_zh}{g_zh}"], "CN")
                self._query("latin_to_script", "Person", f"{s_lat[0]} {g_lat[0]}", "CN", entity)
                continue
            entity = self._entity(key, "Person", [listed], "CN")
            self._query("chinese_script", "Person", f"{s_zh}{g_zh}", "CN", entity)
            given = g_lat[0]
            syllables = _split_pinyin(given)
            forms = [f"{given} {s_lat[0]}", f"{s_lat[0]} {'-'.join(syllables)}"]
            forms.append(f"{s_lat[0]} {' '.join(syllables)}")
            self._query("pinyin_forms", "Person", rng.choice(forms), "CN", entity)
            if len(s_lat) > 1:
                self._query("romanisation", "Person", f"{rng.choice(s_lat[1:])} {given}", "CN",
                            entity)  # fmt: skip
        for _ in range(30):  # Iranian companies
            key, org = self._fa_org()
            words, kind, legal = org
            registry = _registry_id(rng, "IR")
            latin = " ".join(w[1] for w in words) + f" {kind[1][0]} {legal[1]}"
            script = f"{legal[0]} {kind[0]} {' '.join(w[0] for w in words)}".strip()
            if rng.random() < 0.2:
                entity = self._entity(key, "Company", [script], "IR", (registry,))
                self._query("latin_to_script", "Organization", latin, "IR", entity)
                continue
            entity = self._entity(key, "Company", [latin], "IR", (registry,))
            self._query("persian_script", "Organization", script, "IR", entity)
            if len(kind[1]) > 1:
                alt = " ".join(w[1] for w in words) + f" {kind[1][1]} Co."
                self._query("romanisation", "Organization", alt, "IR", entity)
            self._query("registry_id", "Organization", "Shahr Sazan Novin", "IR", entity, registry)
            self._query("typo", "Organization", _typo(rng, latin), "IR", entity)
        for _ in range(30):  # Chinese companies
            key, (city, word, kind) = self._zh_org()
            registry = _registry_id(rng, "CN")
            latin = f"{city[1]} {word[1]} {kind[1]} Co., Ltd."
            entity = self._entity(key, "Company", [latin], "CN", (registry,))
            self._query("chinese_script", "Organization", f"{city[0]}{word[0]}{kind[0]}有限公司",
                        "CN", entity)  # fmt: skip
            spaced = " ".join(_split_pinyin(word[1]))
            self._query("pinyin_forms", "Organization", f"{city[1]} {spaced} {kind[1]} Limited",
                        "CN", entity)  # fmt: skip
            self._query("registry_id", "Organization", "Dongfang Shiye", "CN", entity, registry)
        for _ in range(15):  # Arab companies
            key, (word, kind) = self._ar_org()
            latin = f"{word[1]} {kind[1]} LLC"
            entity = self._entity(key, "Company", [latin], "AE")
            self._query("arabic_script", "Organization", f"شركة {word[0]} {kind[0]} ذ.م.م", "AE",
                        entity)  # fmt: skip

    def _fa_org(self) -> tuple:
        while True:
            count = self.rng.choice([1, 2])
            words = self.rng.sample(FA_ORG_WORDS, count)
            kind = self.rng.choice(FA_ORG_KINDS)
            key = ("IR", "o", *sorted(w[1] for w in words), kind[1][0])
            if key not in self.used:
                return key, (words, kind, self.rng.choice(FA_LEGAL))

    def _zh_org(self) -> tuple:
        while True:
            city, word, kind = (self.rng.choice(x) for x in (ZH_CITIES, ZH_ORG_WORDS, ZH_ORG_KINDS))
            key = ("CN", "o", city[1], word[1], kind[1])
            if key not in self.used:
                return key, (city, word, kind)

    def _ar_org(self) -> tuple:
        while True:
            word, kind = self.rng.choice(AR_ORG_WORDS), self.rng.choice(AR_ORG_KINDS)
            key = ("AE", "o", word[1], kind[1])
            if key not in self.used:
                return key, (word, kind)

    def _negatives(self) -> None:
        rng = self.rng
        targets = [e for e in self.entities if e.id in self.target_ids]
        for entity in rng.sample([e for e in targets if e.schema == "Person"], 40):
            country = entity.countries[0]
            given, surnames = {
                "IR": (FA_GIVEN, FA_SURNAMES),
                "IQ": (AR_GIVEN, AR_SURNAMES),
                "CN": (ZH_SURNAMES, ZH_GIVEN),
            }[country]
            for _attempt in range(20):
                g = rng.randrange(len(given))
                s = rng.randrange(len(surnames))
                if (country, "p", str(g), str(s)) not in self.used:
                    break
            name = f"{given[g][1][0]} {surnames[s][1][0]}"
            self._query("negative_same_part", "Person", name, country, None)
        for entity in rng.sample([e for e in targets if e.schema == "Person"], 20):
            other = {"IR": "AF", "IQ": "SY", "CN": "SG"}[entity.countries[0]]
            self._query("negative_other_country", "Person", entity.names[0], other, None)
        for _ in range(25):
            _key, (words, kind, _legal) = self._fa_org()
            name = " ".join(w[1] for w in words) + f" {kind[1][0]} Company"
            self._query("negative_company_words", "Organization", name, "IR", None)
        for _ in range(20):
            _key, (city, word, kind) = self._zh_org()
            self._query("negative_company_words", "Organization",
                        f"{city[1]} {word[1]} {kind[1]} Co., Ltd.", "CN", None)  # fmt: skip
        for _ in range(10):
            _key, (word, kind) = self._ar_org()
            self._query("negative_company_words", "Organization", f"{word[1]} {kind[1]} LLC",
                        "AE", None)  # fmt: skip
        for name in (
            "International Trading LLC",
            "Pars Sanat Company",
            "Sanat Gostar Co.",
            "Global Trading Group",
            "Huaxin International",
            "Al Noor Medical Center",
        ):
            self._query("negative_company_words", "Organization", name, "", None)  # fmt: skip

    def _distractors(self, count: int) -> None:
        """Look-alikes: common given names and surnames in other combinations, similar companies.
        A combination already used is replaced by a person with an invented surname."""
        rng = self.rng
        for _ in range(count):
            choice = rng.random()
            if choice < 0.6:
                country, given, surnames = (
                    ("IR", FA_GIVEN, FA_SURNAMES)
                    if choice < 0.25
                    else ("IQ", AR_GIVEN, AR_SURNAMES)
                    if choice < 0.4
                    else ("CN", ZH_SURNAMES, ZH_GIVEN)
                )
                g, s = rng.randrange(len(given)), rng.randrange(len(surnames))
                key = (country, "p", str(g), str(s))
                first, second = given[g][1][0], surnames[s][1][0]
                if key in self.used:
                    key, second = ("d", country, str(len(self.entities))), _pseudo(rng)
                name = f"{first.upper()} {second}" if country == "CN" else f"{first} {second}"
                self._entity(key, "Person", [name], country)
            elif choice < 0.8:
                name = f"{_pseudo(rng)} {rng.choice(FA_ORG_KINDS)[1][0]} Company"
                self._entity(("d", name), "Company", [name], "IR")
            else:
                name = f"{rng.choice(ZH_CITIES)[1]} {_pseudo(rng)} {rng.choice(ZH_ORG_KINDS)[1]}"
                self._entity(("d", name), "Company", [name + " Co., Ltd."], "CN")


_PINYIN = sorted(
    [
        "zhang",
        "wang",
        "li",
        "liu",
        "chen",
        "yang",
        "zhao",
        "zhou",
        "wu",
        "xu",
        "sun",
        "hu",
        "guo",
        "lin",
        "he",
        "luo",
        "zheng",
        "liang",
        "xie",
        "song",
        "zeng",
        "shan",
        "wei",
        "ming",
        "jian",
        "guo",
        "zhi",
        "qiang",
        "hai",
        "tao",
        "xiao",
        "dong",
        "hua",
        "xiu",
        "ying",
        "wen",
        "bo",
        "xin",
        "hong",
        "mei",
        "chun",
        "sheng",
        "yong",
        "kang",
        "de",
        "jun",
        "jie",
        "yu",
        "hang",
        "peng",
        "lei",
        "jing",
        "min",
        "jin",
        "long",
        "da",
        "tong",
        "yuan",
        "heng",
        "tian",
        "cheng",
        "rui",
        "feng",
        "tai",
        "fu",
        "xing",
        "chen",
        "jia",
    ],
    key=len,
    reverse=True,
)


def _split_pinyin(word: str) -> list[str]:
    text, parts = word.lower(), []
    while text:
        syllable = next((s for s in _PINYIN if text.startswith(s)), text)
        parts.append(syllable.capitalize())
        text = text[len(syllable) :]
    return parts


def _pseudo(rng: random.Random) -> str:
    syllables = ["ka", "ro", "va", "zen", "mi", "tar", "bo", "ne", "sul", "da", "ri", "fo", "lan"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()


def baseline(entities: list[ListEntity], queries: list[Query]) -> dict[str, list[str]]:
    """Plain rapidfuzz: token_sort_ratio of the raw strings against every name, same threshold."""
    names, owners = [], []
    for entity in entities:
        for name in entity.names:
            names.append(name)
            owners.append(entity.id)
    found: dict[str, list[str]] = {}
    for query in queries:
        hits = process.extract(
            query.names[0],
            names,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=THRESHOLD * 100,
            limit=None,
        )
        found[query.id] = list(dict.fromkeys(owners[index] for _name, _score, index in hits))
    return found


def evaluate(dev: DevSet, found: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    by_kind: dict[str, list[dict[str, object]]] = defaultdict(list)
    for query in dev.queries:
        by_kind[str(query["kind"])].append(query)
    by_kind["all"] = list(dev.queries)
    figures = {}
    for kind, queries in by_kind.items():
        positives = [q for q in queries if q["expected"]]
        negatives = [q for q in queries if not q["expected"]]
        hits = sum(1 for q in positives if q["expected"] in found[str(q["id"])])
        raised = sum(len(found[str(q["id"])]) for q in queries)
        correct = sum(1 for q in positives for e in found[str(q["id"])] if e == q["expected"])
        figures[kind] = {
            "queries": len(queries),
            "recall": hits / len(positives) if positives else float("nan"),
            "precision": correct / raised if raised else float("nan"),
            "negatives_raising": (
                sum(1 for q in negatives if found[str(q["id"])]) / len(negatives)
                if negatives
                else float("nan")
            ),
        }
    return figures


def _queries(dev: DevSet) -> list[Query]:
    return [
        Query(
            id=str(q["id"]),
            schema=str(q["schema"]),
            names=(str(q["name"]),),
            countries=(str(q["country"]),) if q["country"] else (),
            identifiers=(str(q["registry_id"]),) if q["registry_id"] else (),
        )
        for q in dev.queries
    ]


def write_files(dev: DevSet, folder: Path) -> None:
    """The set in the formats of `karvan screening match`, for inspection or another matcher."""
    with (folder / "list.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "schema", "name", "aliases", "birth_date", "countries",
                         "addresses", "identifiers", "sanctions", "phones", "emails", "dataset",
                         "first_seen", "last_seen", "last_change"])  # fmt: skip
        for e in dev.entities:
            writer.writerow([e.id, e.schema, e.names[0], ";".join(e.names[1:]), "",
                             ";".join(e.countries).lower(), "", ";".join(e.identifiers),
                             "Invented", "", "", "fictional", "", "", ""])  # fmt: skip
    (folder / "queries.json").write_text(
        json.dumps(dev.queries, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def quality(folder: Path | None) -> None:
    dev = DevSet()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        write_files(dev, folder)
    queries = _queries(dev)
    started = time.perf_counter()
    karvan = {
        query_id: [c.entity_id for c in candidates]
        for query_id, candidates in screen_names(dev.entities, queries, threshold=THRESHOLD).items()
    }
    karvan_seconds = time.perf_counter() - started
    started = time.perf_counter()
    plain = baseline(dev.entities, queries)
    plain_seconds = time.perf_counter() - started
    positives = sum(1 for q in dev.queries if q["expected"])
    print(
        f"development set: {len(dev.entities)} list entities, {len(dev.queries)} queries "
        f"({positives} with a listed entity, {len(dev.queries) - positives} negatives); "
        f"threshold {THRESHOLD}"
    )
    results = {"Karvan": evaluate(dev, karvan), "rapidfuzz token_sort_ratio": evaluate(dev, plain)}
    print(f"time: Karvan {karvan_seconds:.1f} s (index and screen), baseline {plain_seconds:.1f} s")
    kinds = list(results["Karvan"])
    columns = " | ".join(f"{s} recall | precision | negatives raising" for s in results)
    print(f"\n| kind | queries | {columns} |")
    print("|---|---|" + "---|---|---|" * len(results))
    for kind in sorted(kinds, key=lambda k: (k == "all", k.startswith("negative"), k)):
        cells = []
        for system in results:
            f = results[system][kind]
            cells += [_fmt(f["recall"]), _fmt(f["precision"]), _fmt(f["negatives_raising"])]
        print(f"| {kind} | {results['Karvan'][kind]['queries']:.0f} | {' | '.join(cells)} |")


def _fmt(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"


def synthetic(count: int, rng: random.Random) -> list[ListEntity]:
    entities = []
    for number in range(count):
        choice = rng.random()
        if choice < 0.3:
            g, s = rng.choice(FA_GIVEN)[1][0], rng.choice(FA_SURNAMES)[1][0]
            names = (f"{g} {_pseudo(rng)} {s}",)
            entities.append(ListEntity(f"s{number}", "Person", names, ("IR",)))
        elif choice < 0.5:
            s, g = rng.choice(ZH_SURNAMES)[1][0], rng.choice(ZH_GIVEN)[1][0]
            entities.append(ListEntity(f"s{number}", "Person", (f"{s} {g}{_pseudo(rng)}",)))
        elif choice < 0.6:
            g, s = rng.choice(AR_GIVEN)[1][0], rng.choice(AR_SURNAMES)[1][0]
            entities.append(ListEntity(f"s{number}", "Person", (f"{g} {_pseudo(rng)} {s}",)))
        else:
            kind = rng.choice(FA_ORG_KINDS + [(k, [v]) for k, v in ZH_ORG_KINDS])[1][0]
            name = f"{_pseudo(rng)} {_pseudo(rng)} {kind} Co., Ltd."
            entities.append(ListEntity(f"s{number}", "Company", (name,)))
    return entities


def speed(sizes: list[int], query_count: int) -> None:
    rng = random.Random(5)
    dev = DevSet()
    sample = [q for q in _queries(dev)][:query_count]
    for size in sizes:
        index = ScreeningIndex()
        started = time.perf_counter()
        index.extend(synthetic(size, rng))
        index.extend(dev.entities)
        built = time.perf_counter() - started
        times = []
        for query in sample:
            started = time.perf_counter()
            index.screen(query, threshold=THRESHOLD)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{size:>9,} entities: index built in {built:.0f} s; one name screened in "
            f"{statistics.median(times):.1f} ms median, {p95:.1f} ms p95 ({len(times)} queries)"
        )
        if size >= 100_000:
            _rescreen(index, rng)
        del index


def _rescreen(index: ScreeningIndex, rng: random.Random) -> None:
    """Re-screen 100,000 organisations after a list version changing 1,000 entries."""
    organisations = [
        Query(f"o{n}", "Organization", (e.names[0],), ())
        for n, e in enumerate(synthetic(100_000, random.Random(99)))
        if e.schema == "Company"
    ]
    while len(organisations) < 100_000:
        organisations.append(Query(f"o{len(organisations)}", "Organization",
                                   (f"{_pseudo(rng)} {_pseudo(rng)} Trading Co.",)))  # fmt: skip
    changed = synthetic(1000, rng)
    started = time.perf_counter()
    resembling = subjects_resembling(organisations, changed, threshold=THRESHOLD)
    queries = {q.id: q for q in organisations}
    for query_id in resembling:
        index.screen(queries[query_id], threshold=THRESHOLD)
    seconds = time.perf_counter() - started
    print(
        f"           re-screening 100,000 organisations after 1,000 changed entries: "
        f"{seconds:.0f} s "
        f"({len(resembling)} screened in full)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--write", type=Path, default=None, help="write list.csv, queries.json")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    quality(args.write)
    if not args.quality_only:
        print()
        speed([int(s) for s in args.sizes.split(",") if s], args.queries)


if __name__ == "__main__":
    tempfile.gettempdir()
    main()
