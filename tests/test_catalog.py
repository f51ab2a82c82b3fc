from __future__ import annotations

import dataclasses
import re

import pytest

from bot.catalog import (
    COMMON_SET_KEY,
    COMMON_TOPICS,
    EXPECTATIONS,
    TOPIC_SETS,
    Expectation,
    ExpectationDef,
    TopicDef,
    TopicSetDef,
    department_topic_set_key,
    expectation_def,
    label,
    topic_set,
)

KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
COMMON_KEYS = [t.key for t in COMMON_TOPICS]

EXPECTED_SET_KEYS = [
    "common",
    "dept:sales",
    "dept:engineering",
    "dept:manufacturing",
    "dept:new_business",
    "dept:call_center",
    "dept:corporate",
    "program:new_hire",
    "program:mid_career",
    "program:mentoring",
]


def _set_id(s: TopicSetDef) -> str:
    return s.key


# --- topic sets --------------------------------------------------------------------------------


def test_set_keys_are_exactly_the_built_in_ones() -> None:
    assert [s.key for s in TOPIC_SETS] == EXPECTED_SET_KEYS


def test_common_topics_in_order() -> None:
    assert COMMON_KEYS == [
        "work",
        "career",
        "skills",
        "relationships",
        "condition",
        "private",
        "policy",
    ]
    assert [t.ja for t in COMMON_TOPICS] == [
        "業務",
        "キャリア",
        "スキル向上",
        "人間関係",
        "体調・コンディション",
        "プライベート",
        "会社や部署の方針",
    ]
    assert topic_set(COMMON_SET_KEY).topics == COMMON_TOPICS


def test_set_kinds_follow_key_prefix() -> None:
    for s in TOPIC_SETS:
        if s.key == COMMON_SET_KEY:
            assert s.kind == "common"
        elif s.key.startswith("dept:"):
            assert s.kind == "department"
        else:
            assert s.key.startswith("program:")
            assert s.kind == "program"


@pytest.mark.parametrize("tset", TOPIC_SETS, ids=_set_id)
def test_topic_count(tset: TopicSetDef) -> None:
    if tset.kind == "common":
        assert len(tset.topics) == 7
    else:
        assert 6 <= len(tset.topics) <= 10


@pytest.mark.parametrize("tset", TOPIC_SETS, ids=_set_id)
def test_topic_keys_unique_and_snake_case(tset: TopicSetDef) -> None:
    keys = [t.key for t in tset.topics]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert KEY_RE.fullmatch(key), key


@pytest.mark.parametrize("tset", TOPIC_SETS, ids=_set_id)
def test_topic_labels_present_and_short(tset: TopicSetDef) -> None:
    for t in tset.topics:
        for text in (t.ja, t.en):
            assert text, t.key
            assert text.strip() == text, t.key
        assert len(t.ja) <= 30, t.ja
        assert len(t.en) <= 30, t.en
        # The Japanese label must actually be Japanese, not an untranslated copy.
        assert not t.ja.isascii(), t.ja
        assert t.en.isascii(), t.en
    for name in (tset.ja, tset.en):
        assert name
        assert len(name) <= 30


@pytest.mark.parametrize("tset", TOPIC_SETS, ids=_set_id)
def test_labels_unique_within_set(tset: TopicSetDef) -> None:
    ja = [t.ja for t in tset.topics]
    en = [t.en.casefold() for t in tset.topics]
    assert len(ja) == len(set(ja))
    assert len(en) == len(set(en))


@pytest.mark.parametrize("tset", TOPIC_SETS, ids=_set_id)
def test_common_topics_come_first_unchanged(tset: TopicSetDef) -> None:
    keys = [t.key for t in tset.topics]
    n_common = sum(1 for k in keys if k in COMMON_KEYS)
    assert n_common >= 1
    head = tset.topics[:n_common]
    # Every common topic sits in the head, unchanged, in the common order.
    assert all(t in COMMON_TOPICS for t in head)
    assert [t.key for t in head] == [k for k in COMMON_KEYS if k in keys]
    # No set-specific topic borrows a common key.
    assert all(t.key not in COMMON_KEYS for t in tset.topics[n_common:])


@pytest.mark.parametrize("tset", [s for s in TOPIC_SETS if s.kind != "common"], ids=_set_id)
def test_non_common_sets_have_specific_topics(tset: TopicSetDef) -> None:
    specific = [t for t in tset.topics if t.key not in COMMON_KEYS]
    assert len(specific) >= 3


def test_a_topic_key_means_the_same_topic_across_sets() -> None:
    seen: dict[str, TopicDef] = {}
    for s in TOPIC_SETS:
        for t in s.topics:
            if t.key in seen:
                assert seen[t.key] == t, t.key
            seen[t.key] = t


def test_key_topics_are_present_and_continuing() -> None:
    assert topic_set("dept:sales").topic("kpi_progress").continuing
    assert topic_set("dept:sales").topic("kpi_progress").ja == "KPI・目標の進捗"
    assert topic_set("dept:sales").topic("deal_strategy").ja == "商談の進め方"
    assert topic_set("dept:manufacturing").topic("safety").ja == "安全・ヒヤリハット"
    assert topic_set("dept:manufacturing").topic("improvement").ja == "改善提案"
    assert topic_set("dept:engineering").topic("progress_risks").continuing
    assert topic_set(COMMON_SET_KEY).topic("career").continuing
    assert not topic_set(COMMON_SET_KEY).topic("private").continuing


def test_topic_lookup_raises_key_error() -> None:
    with pytest.raises(KeyError):
        topic_set("dept:sales").topic("safety")


@pytest.mark.parametrize("key", ["", "sales", "dept:marketing", "DEPT:SALES", "program:"])
def test_topic_set_unknown_key(key: str) -> None:
    with pytest.raises(KeyError):
        topic_set(key)


def test_topic_set_lookup() -> None:
    for s in TOPIC_SETS:
        assert topic_set(s.key) is s


def test_defs_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        COMMON_TOPICS[0].ja = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        EXPECTATIONS[0].en = "x"  # type: ignore[misc]


# --- expectations ------------------------------------------------------------------------------


def test_expectation_values() -> None:
    assert [e.value for e in Expectation] == [
        "advice",
        "think_together",
        "listen",
        "company_view",
        "feedback",
    ]


def test_expectations_in_enum_order() -> None:
    assert [e.key for e in EXPECTATIONS] == list(Expectation)


@pytest.mark.parametrize("exp", EXPECTATIONS, ids=lambda e: str(e.key))
def test_expectation_texts_within_limits(exp: ExpectationDef) -> None:
    for text, limit in [
        (exp.ja, 20),
        (exp.en, 20),
        (exp.description_ja, 75),
        (exp.description_en, 75),
        (exp.hint_ja, 150),
        (exp.hint_en, 150),
    ]:
        assert text
        assert text.strip() == text
        assert len(text) <= limit, text
    assert not exp.ja.isascii()
    assert not exp.description_ja.isascii()
    assert not exp.hint_ja.isascii()


def test_expectation_labels_unique() -> None:
    assert len({e.ja for e in EXPECTATIONS}) == len(EXPECTATIONS)
    assert len({e.en for e in EXPECTATIONS}) == len(EXPECTATIONS)


def test_expectation_wording() -> None:
    assert expectation_def(Expectation.ADVICE).ja == "アドバイスがほしい"
    assert expectation_def(Expectation.LISTEN).ja == "ただ聞いてほしい"
    # "just listen" also covers "I simply want to tell you this".
    assert "伝えて" in expectation_def(Expectation.LISTEN).description_ja
    assert "let you know" in expectation_def(Expectation.LISTEN).description_en
    assert "事実・感情・提案" in expectation_def(Expectation.FEEDBACK).hint_ja


def test_expectation_def_lookup() -> None:
    for e in EXPECTATIONS:
        assert expectation_def(e.key) is e
        assert expectation_def(str(e.key)) is e
    with pytest.raises(KeyError):
        expectation_def("praise")


# --- labels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("ja", "キャリア"),
        ("ja-JP", "キャリア"),
        ("", "キャリア"),
        ("fr", "キャリア"),
        ("en", "Career"),
        ("en-US", "Career"),
        ("en_GB", "Career"),
        ("EN", "Career"),
    ],
)
def test_label_topic(locale: str, expected: str) -> None:
    assert label(topic_set(COMMON_SET_KEY).topic("career"), locale) == expected


def test_label_other_defs() -> None:
    assert label(topic_set("dept:sales"), "en") == "Sales"
    assert label(topic_set("dept:sales"), "ja") == "営業"
    assert label(expectation_def(Expectation.FEEDBACK), "en-US") == "Feedback"
    assert label(expectation_def(Expectation.FEEDBACK), "ja") == "フィードバックがほしい"


# --- department mapping ------------------------------------------------------------------------

DEPARTMENTS: list[tuple[str | None, str]] = [
    # sales
    ("営業部", "dept:sales"),
    ("第二営業課", "dept:sales"),
    ("東日本営業本部 法人営業部", "dept:sales"),
    ("Sales", "dept:sales"),
    ("Inside Sales", "dept:sales"),
    ("インサイドセールス", "dept:sales"),
    ("技術営業部", "dept:sales"),
    ("Sales Engineering", "dept:sales"),
    ("Pre-Sales", "dept:sales"),
    ("カスタマーサクセス部", "dept:sales"),
    ("ＳＡＬＥＳ", "dept:sales"),
    ("  営業部  ", "dept:sales"),
    # engineering
    ("開発本部", "dept:engineering"),
    ("エンジニアリング", "dept:engineering"),
    ("Engineering", "dept:engineering"),
    ("Software Engineers", "dept:engineering"),
    ("プロダクト開発部", "dept:engineering"),
    ("研究開発センター", "dept:engineering"),
    ("R&D", "dept:engineering"),
    ("情報システム部", "dept:engineering"),
    ("IT部", "dept:engineering"),
    ("Ｅｎｇｉｎｅｅｒｉｎｇ", "dept:engineering"),
    ("QA", "dept:engineering"),
    # manufacturing
    ("製造部", "dept:manufacturing"),
    ("第一工場", "dept:manufacturing"),
    ("品質保証部", "dept:manufacturing"),
    ("品質管理課", "dept:manufacturing"),
    ("生産技術部", "dept:manufacturing"),
    ("生産管理部", "dept:manufacturing"),
    ("Manufacturing", "dept:manufacturing"),
    ("Osaka Plant", "dept:manufacturing"),
    # new business
    ("新規事業開発室", "dept:new_business"),
    ("新規事業部", "dept:new_business"),
    ("事業開発部", "dept:new_business"),
    ("New Business", "dept:new_business"),
    ("Business Development", "dept:new_business"),
    ("イノベーション推進室", "dept:new_business"),
    # call center
    ("コールセンター", "dept:call_center"),
    ("カスタマーサポート", "dept:call_center"),
    ("ｶｽﾀﾏｰｻﾎﾟｰﾄ課", "dept:call_center"),
    ("お客様相談室", "dept:call_center"),
    ("Customer Support", "dept:call_center"),
    ("customer-support", "dept:call_center"),
    ("Technical Support", "dept:call_center"),
    ("ヘルプデスク", "dept:call_center"),
    # corporate
    ("人事部", "dept:corporate"),
    ("総務", "dept:corporate"),
    ("経理", "dept:corporate"),
    ("財務経理部", "dept:corporate"),
    ("法務", "dept:corporate"),
    ("管理部", "dept:corporate"),
    ("経営企画室", "dept:corporate"),
    ("Corporate", "dept:corporate"),
    ("HR", "dept:corporate"),
    ("ＨＲ", "dept:corporate"),
    ("Human Resources", "dept:corporate"),
    ("Finance", "dept:corporate"),
    ("Legal & Compliance", "dept:corporate"),
    ("営業企画部", "dept:corporate"),
    ("営業管理課", "dept:corporate"),
    ("人材開発部", "dept:corporate"),
    ("Sales Operations", "dept:corporate"),
    # unknown / empty
    ("", "common"),
    ("   ", "common"),
    (None, "common"),
    ("マーケティング部", "common"),
    ("社長室", "common"),
    ("Three Rivers Office", "common"),
    ("Marketing", "common"),
]


@pytest.mark.parametrize(("department", "expected"), DEPARTMENTS)
def test_department_topic_set_key(department: str | None, expected: str) -> None:
    assert department_topic_set_key(department) == expected


def test_department_keys_are_real_sets() -> None:
    for _department, expected in DEPARTMENTS:
        assert topic_set(expected).kind in ("department", "common")
