"""Built-in topic catalogs and the expectation catalog.

Pure data plus a few lookups: no I/O, no platform imports, nothing stateful. Japanese is the
default language; every label has an English twin. Keys are stable identifiers that get stored
in the database and in action payloads, so never rename one — add a new key instead.

Length limits come from Block Kit (option text 75 chars, option description 75 chars): topic
labels stay within 30 chars and expectation labels within 20, so a UI may append a marker or a
count and still fit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Literal, Protocol

from bot.i18n import localized

__all__ = [
    "COMMON_SET_KEY",
    "COMMON_TOPICS",
    "EXPECTATIONS",
    "TOPIC_SETS",
    "Expectation",
    "ExpectationDef",
    "TopicDef",
    "TopicSetDef",
    "TopicSetKind",
    "department_topic_set_key",
    "expectation_def",
    "label",
    "topic_set",
]


# --------------------------------------------------------------------------------------------
# Expectations
# --------------------------------------------------------------------------------------------


class Expectation(StrEnum):
    """What the member wants from the leader for one topic."""

    ADVICE = "advice"
    THINK_TOGETHER = "think_together"
    LISTEN = "listen"
    COMPANY_VIEW = "company_view"
    FEEDBACK = "feedback"


@dataclass(frozen=True, slots=True)
class ExpectationDef:
    key: Expectation
    ja: str
    en: str
    description_ja: str
    description_en: str
    hint_ja: str
    hint_en: str


EXPECTATIONS: tuple[ExpectationDef, ...] = (
    ExpectationDef(
        key=Expectation.ADVICE,
        ja="アドバイスがほしい",
        en="Advice",
        description_ja="経験や知識をもとに、具体的な助言がほしい。",
        description_en="I'd like concrete suggestions based on your experience.",
        hint_ja=(
            "まず本人がすでに試したことを聞き、そのうえで具体的な案を一つに絞って伝えましょう。"
            "ご自身の失敗談も参考になります。"
        ),
        hint_en=(
            "Ask first what they have already tried, then offer one concrete suggestion. "
            "A mistake of your own can help too."
        ),
    ),
    ExpectationDef(
        key=Expectation.THINK_TOGETHER,
        ja="一緒に考えてほしい",
        # "Think it through together" would exceed the 20-char label budget.
        en="Think together",
        description_ja="答えをもらうより、一緒に考えを整理したい。",
        description_en="Rather than an answer, I want to work it through with you.",
        hint_ja=(
            "先に答えを出さず「いま見えている選択肢は？」と問いかけ、"
            "本人の案を広げながら一緒に比べてみましょう。"
        ),
        hint_en=(
            "Hold back your own answer. Ask which options they already see, "
            "then widen and weigh them together."
        ),
    ),
    ExpectationDef(
        key=Expectation.LISTEN,
        ja="ただ聞いてほしい",
        en="Just listen",
        description_ja="助言よりも、話を聞いてほしい・伝えておきたいことがある。",
        description_en="No solutions needed: I want to be heard, or just to let you know.",
        hint_ja=(
            "途中で助言せず最後まで聞きましょう。"
            "返す前に「つまり〜ということですね」と要約して受け止めます。"
        ),
        hint_en=(
            "Let them finish and hold back advice. "
            "Before you reply, sum up what you heard in your own words."
        ),
    ),
    ExpectationDef(
        key=Expectation.COMPANY_VIEW,
        ja="会社・部署の考えを知りたい",
        en="The company's view",
        description_ja="方針や決定の背景にある、会社・部署としての考えを知りたい。",
        description_en="I want to know the thinking behind the company's or team's decisions.",
        hint_ja=(
            "決まったことだけでなく「なぜそうするのか」を伝えましょう。"
            "自信がない点は、事前にご自身の上司へ確認しておくと安心です。"
        ),
        hint_en=(
            "Explain the why behind the policy, not only the what. "
            "If you are unsure, check with your own manager beforehand."
        ),
    ),
    ExpectationDef(
        key=Expectation.FEEDBACK,
        ja="フィードバックがほしい",
        en="Feedback",
        description_ja="自分の仕事ぶりについて、率直な意見がほしい。",
        description_en="I'd like your honest view of how I'm doing.",
        hint_ja=(
            "事実・感情・提案の順で伝えましょう。"
            "見たこと、それをどう感じたか、次にどうするとよさそうか。"
        ),
        hint_en=(
            "Go fact → feeling → suggestion: what you saw, "
            "how it struck you, and what could work better next time."
        ),
    ),
)

_EXPECTATIONS_BY_KEY: dict[Expectation, ExpectationDef] = {e.key: e for e in EXPECTATIONS}


def expectation_def(key: Expectation | str) -> ExpectationDef:
    """The definition for an expectation key; KeyError if the key is unknown."""
    try:
        return _EXPECTATIONS_BY_KEY[Expectation(key)]
    except ValueError:
        raise KeyError(key) from None


# --------------------------------------------------------------------------------------------
# Topics and topic sets
# --------------------------------------------------------------------------------------------

TopicSetKind = Literal["common", "department", "program"]


@dataclass(frozen=True, slots=True)
class TopicDef:
    key: str
    ja: str
    en: str
    # Topics that usually carry over from one 1on1 to the next (career, KPIs, a project).
    continuing: bool = False


@dataclass(frozen=True, slots=True)
class TopicSetDef:
    key: str
    kind: TopicSetKind
    ja: str
    en: str
    topics: tuple[TopicDef, ...]

    def topic(self, key: str) -> TopicDef:
        """The topic with this key in this set; KeyError if absent."""
        for t in self.topics:
            if t.key == key:
                return t
        raise KeyError(key)


WORK = TopicDef("work", "業務", "Work")
CAREER = TopicDef("career", "キャリア", "Career", continuing=True)
SKILLS = TopicDef("skills", "スキル向上", "Skill growth", continuing=True)
RELATIONSHIPS = TopicDef("relationships", "人間関係", "Relationships")
CONDITION = TopicDef("condition", "体調・コンディション", "Health & condition")
PRIVATE = TopicDef("private", "プライベート", "Private life")
POLICY = TopicDef("policy", "会社や部署の方針", "Company & team direction")

COMMON_TOPICS: tuple[TopicDef, ...] = (
    WORK,
    CAREER,
    SKILLS,
    RELATIONSHIPS,
    CONDITION,
    PRIVATE,
    POLICY,
)

COMMON_SET_KEY = "common"


def _t(key: str, ja: str, en: str, *, continuing: bool = False) -> TopicDef:
    return TopicDef(key=key, ja=ja, en=en, continuing=continuing)


TOPIC_SETS: tuple[TopicSetDef, ...] = (
    TopicSetDef(
        key=COMMON_SET_KEY,
        kind="common",
        ja="標準",
        en="Standard",
        topics=COMMON_TOPICS,
    ),
    # --- departments ------------------------------------------------------------------------
    TopicSetDef(
        key="dept:sales",
        kind="department",
        ja="営業",
        en="Sales",
        topics=(
            WORK,
            CAREER,
            CONDITION,
            _t("kpi_progress", "KPI・目標の進捗", "KPI & target progress", continuing=True),
            _t("next_move", "次の一手", "Next move"),
            _t("deal_strategy", "商談の進め方", "Running deals"),
            _t("proposal_closing", "提案・クロージング", "Proposals & closing"),
            _t("customer_issues", "顧客対応の悩み", "Difficult customers"),
            _t("target_pressure", "数字のプレッシャー", "Pressure from targets"),
        ),
    ),
    TopicSetDef(
        key="dept:engineering",
        kind="department",
        ja="開発・エンジニアリング",
        en="Engineering",
        topics=(
            WORK,
            # The common career topic doubles as the career-path talk (specialist or manager),
            # so there is no separate, near-identical "キャリアパス" option next to it.
            CAREER,
            RELATIONSHIPS,
            CONDITION,
            _t("progress_risks", "進捗・リスク", "Progress & risks", continuing=True),
            _t("priorities", "優先順位", "Priorities"),
            _t("stuck", "行き詰まっていること", "Where I'm stuck"),
            _t("tech_learning", "技術の学び", "Technical learning", continuing=True),
            _t("team_decisions", "チームでの意思決定", "Team decision-making"),
        ),
    ),
    TopicSetDef(
        key="dept:manufacturing",
        kind="department",
        ja="製造",
        en="Manufacturing",
        topics=(
            WORK,
            CAREER,
            RELATIONSHIPS,
            CONDITION,
            _t("safety", "安全・ヒヤリハット", "Safety & near misses"),
            _t("improvement", "改善提案", "Improvement ideas", continuing=True),
            _t("skill_efficiency", "技能・効率", "Skills & efficiency", continuing=True),
            _t("line_motivation", "ライン業務のモチベーション", "Motivation on the line"),
            _t("shift_workload", "シフト・業務負荷", "Shifts & workload"),
        ),
    ),
    TopicSetDef(
        key="dept:new_business",
        kind="department",
        ja="新規事業",
        en="New business",
        topics=(
            WORK,
            CAREER,
            POLICY,
            _t(
                "milestones", "仮説検証・マイルストーン", "Hypotheses & milestones", continuing=True
            ),
            _t("blockers", "障害・ボトルネック", "Blockers & bottlenecks"),
            _t("decisions", "決めたいこと", "Decisions to make"),
            _t("missing_skills", "不足スキル", "Skills to build", continuing=True),
            _t("lessons", "失敗からの学び", "Learning from failure"),
            _t("burnout", "燃え尽き防止", "Avoiding burnout"),
        ),
    ),
    TopicSetDef(
        key="dept:call_center",
        kind="department",
        ja="コールセンター",
        en="Call center",
        topics=(
            WORK,
            CAREER,
            SKILLS,
            CONDITION,
            _t("hard_calls", "難しい問い合わせ・クレーム", "Difficult calls & complaints"),
            _t("after_call_stress", "対応後のストレス", "Stress after tough calls"),
            _t("good_work", "うまくいった対応", "What went well"),
            _t("team_solving", "チームでの課題解決", "Solving issues as a team"),
            _t("unsaid", "会議で言えないこと", "Hard to say in meetings"),
        ),
    ),
    TopicSetDef(
        key="dept:corporate",
        kind="department",
        ja="コーポレート(管理部門)",
        en="Corporate (back office)",
        topics=(
            WORK,
            CAREER,
            POLICY,
            _t("early_risks", "リスクの早期発見", "Spotting risks early"),
            _t(
                "specialist_skills",
                "専門スキル(ESG・DXなど)",
                "Specialist skills (ESG, DX)",
                continuing=True,
            ),
            _t("cross_team", "部署間の連携", "Cross-team coordination"),
            _t("single_owner_tasks", "属人化している業務", "Tasks only one person can do"),
            _t("streamline", "効率化・標準化できること", "What to streamline"),
            _t("unseen_work", "見えにくい貢献", "Unseen contributions"),
        ),
    ),
    # --- programs ---------------------------------------------------------------------------
    TopicSetDef(
        key="program:new_hire",
        kind="program",
        ja="新入社員",
        en="New hires",
        topics=(
            WORK,
            CAREER,
            RELATIONSHIPS,
            CONDITION,
            _t("learning_the_job", "仕事の覚え方", "Learning the job"),
            _t("settling_in", "職場になじむ", "Settling in"),
            _t("need_help", "困っていること", "Where I need help"),
            _t("hard_to_ask", "聞きにくいこと", "Questions hard to ask"),
            _t("growth_goals", "成長の目標", "Growth goals", continuing=True),
        ),
    ),
    TopicSetDef(
        key="program:mid_career",
        kind="program",
        ja="中途入社者",
        en="Mid-career hires",
        topics=(
            WORK,
            CAREER,
            RELATIONSHIPS,
            POLICY,
            _t("role_expectations", "役割と期待", "Role & expectations", continuing=True),
            _t("previous_job_gap", "前職とのギャップ", "Gap from my previous job"),
            _t("unwritten_rules", "社内の暗黙のルール", "Unwritten rules"),
            _t("tools_procedures", "社内ツール・手続き", "Tools & procedures"),
            _t("networking", "人脈づくり", "Building a network"),
        ),
    ),
    TopicSetDef(
        key="program:mentoring",
        kind="program",
        ja="メンター制度",
        en="Mentoring",
        topics=(
            WORK,
            CAREER,
            SKILLS,
            PRIVATE,
            _t("long_term_growth", "長期的な成長", "Long-term growth", continuing=True),
            _t("broader_view", "視野を広げる", "Broadening my view"),
            _t("challenges", "挑戦したいこと", "Challenges to take on", continuing=True),
            _t("mentor_stories", "メンターの経験談", "Mentor's own experience"),
            _t("connections", "社内外のつながり", "Wider connections"),
        ),
    ),
)

_TOPIC_SETS_BY_KEY: dict[str, TopicSetDef] = {s.key: s for s in TOPIC_SETS}


def topic_set(key: str) -> TopicSetDef:
    """The built-in topic set with this key; KeyError if unknown."""
    return _TOPIC_SETS_BY_KEY[key]


# --------------------------------------------------------------------------------------------
# Department name -> department topic set
# --------------------------------------------------------------------------------------------

# Ordered rules; the first rule with a matching keyword wins. Keywords are lower-case and
# NFKC-normal. ASCII keywords match whole words (an optional plural "s" allowed; spaces also
# match "-", "_" or nothing), so "hr" never fires inside "three". Other keywords match as
# substrings of the name with whitespace removed.
#
# Order matters where words overlap:
# - Overrides come first. 営業企画 / 営業管理 / 営業事務 / 営業支援 (sales planning, sales ops,
#   sales admin) contain 営業 but are back-office roles: plans, data, contracts and internal
#   coordination rather than deals. The corporate topics (early risk detection, cross-team
#   coordination, unseen contribution) fit them better than 商談 or クロージング. Likewise
#   人材開発 / 組織開発 are HR, although they contain 開発.
# - New business precedes engineering so that 新規事業開発室 or "Business Development" is not
#   taken for a development team.
# - Call center precedes sales and engineering: "Technical Support" answers inquiries.
# - Sales precedes engineering: 技術営業 and "Sales Engineering" (presales) sell.
# - Manufacturing precedes engineering and corporate: 生産技術 and 製造技術 are plant work,
#   and 品質管理部 / 生産管理部 would otherwise hit corporate's 管理部. 品質保証 goes to
#   manufacturing because in Japanese makers it sits with the plant (safety, improvement
#   proposals), while "QA" alone is what software organisations call their test team, so it
#   goes to engineering.
# - 情報システム / IT go to engineering: project, priority and tech-learning topics fit them.
_DEPARTMENT_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "dept:corporate",
        (
            "営業企画",
            "営業管理",
            "営業事務",
            "営業支援",
            "営業サポート",
            "セールスサポート",
            "人材",
            "人財",
            "組織開発",
            "能力開発",
            "sales operations",
            "sales ops",
            "sales planning",
            "sales support",
            "sales admin",
            "sales administration",
            "talent",
            "learning and development",
            "l&d",
            "organizational development",
            "organization development",
            "people development",
        ),
    ),
    (
        "dept:new_business",
        (
            "新規事業",
            "新事業",
            "事業開発",
            "事業創出",
            "事業創造",
            "イノベーション",
            "インキュベーション",
            "new business",
            "business development",
            "bizdev",
            "innovation",
            "incubation",
            "venture",
        ),
    ),
    (
        "dept:call_center",
        (
            "コールセンター",
            "コンタクトセンター",
            "カスタマーサポート",
            "カスタマーサービス",
            "カスタマーセンター",
            "カスタマーケア",
            "サポートセンター",
            "サポートデスク",
            "ヘルプデスク",
            "テクニカルサポート",
            "ユーザーサポート",
            "itサポート",
            "お客様相談",
            "お客様センター",
            "お客さまセンター",
            "問い合わせ",
            "問合せ",
            "call center",
            "call centre",
            "contact center",
            "contact centre",
            "customer support",
            "customer service",
            "customer care",
            "help desk",
            "service desk",
            "support desk",
            "tech support",
            "technical support",
            "user support",
            "it support",
        ),
    ),
    (
        "dept:sales",
        (
            "営業",
            "セールス",
            "販売",
            "カスタマーサクセス",
            "代理店",
            "sales",
            "presales",
            "customer success",
            "account management",
            "account executive",
        ),
    ),
    (
        "dept:manufacturing",
        (
            "製造",
            "工場",
            "生産",
            "品質",
            "製作所",
            "組立",
            "加工",
            "検査",
            "保全",
            "manufacturing",
            "factory",
            "plant",
            "production",
            "quality",
            "qc",
            "assembly",
        ),
    ),
    (
        "dept:engineering",
        (
            "開発",
            "エンジニア",
            "技術",
            "研究",
            "設計",
            "ソフトウェア",
            "システム",
            "情シス",
            "インフラ",
            "engineering",
            "engineer",
            "development",
            "developer",
            "dev",
            "devops",
            "r&d",
            "software",
            "technology",
            "tech",
            "it",
            "information systems",
            "infrastructure",
            "infra",
            "sre",
            "qa",
        ),
    ),
    (
        "dept:corporate",
        (
            "人事",
            "総務",
            "経理",
            "財務",
            "法務",
            "労務",
            "採用",
            "給与",
            "管理部",
            "管理本部",
            "管理課",
            "管理室",
            "コーポレート",
            "経営企画",
            "事業企画",
            "経営戦略",
            "広報",
            "知財",
            "知的財産",
            "監査",
            "内部統制",
            "リスク管理",
            "コンプライアンス",
            "サステナビリティ",
            "dx推進",
            "秘書",
            "購買",
            "調達",
            "バックオフィス",
            "corporate",
            "hr",
            "human resources",
            "people",
            "finance",
            "accounting",
            "legal",
            "general affairs",
            "administration",
            "admin",
            "compliance",
            "audit",
            "treasury",
            "procurement",
            "purchasing",
            "payroll",
            "recruiting",
            "ir",
            "investor relations",
            "public relations",
            "pr",
            "esg",
            "sustainability",
            "risk management",
            "back office",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class _DepartmentRule:
    set_key: str
    words: re.Pattern[str] | None  # ASCII keywords, matched as whole words
    substrings: tuple[str, ...]  # other keywords, matched inside the compacted name


def _compile_rule(set_key: str, keywords: tuple[str, ...]) -> _DepartmentRule:
    ascii_words = [k for k in keywords if k.isascii()]
    bodies = [re.escape(k).replace(r"\ ", r"[\s\-_]*") for k in ascii_words]
    words = re.compile(rf"(?<![a-z0-9])(?:{'|'.join(bodies)})s?(?![a-z0-9])") if bodies else None
    return _DepartmentRule(set_key, words, tuple(k for k in keywords if not k.isascii()))


_DEPARTMENT_MATCHERS: tuple[_DepartmentRule, ...] = tuple(
    _compile_rule(set_key, keywords) for set_key, keywords in _DEPARTMENT_RULES
)


def _normalize(text: str) -> str:
    # NFKC folds full-width letters and half-width katakana; casefold handles "SALES".
    return unicodedata.normalize("NFKC", text).casefold().strip()


# Pure, and asked for every picker: departments are few, so remember the answers.
@lru_cache(maxsize=4096)
def department_topic_set_key(department: str | None) -> str:
    """Map a free-text department name (Japanese or English) to a department set key.

    Unknown or empty names map to the common set.
    """
    if not department:
        return COMMON_SET_KEY
    text = _normalize(department)
    compact = re.sub(r"\s+", "", text)
    for rule in _DEPARTMENT_MATCHERS:
        if rule.words is not None and rule.words.search(text):
            return rule.set_key
        if any(k in compact for k in rule.substrings):
            return rule.set_key
    return COMMON_SET_KEY


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------


class _Labelled(Protocol):
    @property
    def ja(self) -> str: ...

    @property
    def en(self) -> str: ...


def label(obj: _Labelled, locale: str) -> str:
    """The label in the reader's language (bot.i18n.localized)."""
    return localized(locale, obj.ja, obj.en)
