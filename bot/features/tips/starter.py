"""A small shipped set of tips from well-known 1on1 practice, in Japanese and English.

They give a new workspace something to find on day one and something for the leader's digest
before any leader has written a tip. Each is tagged with a catalog topic and an expectation.
Seeding is idempotent and insert-only: an admin's edit is kept, and a starter tip an admin
removed stays removed (its row remains, marked deleted, so the key is never re-inserted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select

from bot.catalog import Expectation
from bot.features.tips.search import store_index
from storage.db import Database
from storage.models import Tip


@dataclass(frozen=True)
class StarterTip:
    key: str  # stable: stored as "<key>:<locale>", never rename one
    topic_key: str
    expectation: Expectation
    title_ja: str
    body_ja: str
    title_en: str
    body_en: str


STARTER_TIPS: tuple[StarterTip, ...] = (
    StarterTip(
        key="listen_summarize",
        topic_key="condition",
        expectation=Expectation.LISTEN,
        title_ja="返事の前に、聞いた内容を要約して返す",
        body_ja=(
            "「ただ聞いてほしい」と選ばれた日は、途中で口を挟まずに最後まで聞き、"
            "「つまり〇〇で困っている、ということですね」と自分の言葉でまとめて返してから話すようにしました。"
            "受け止めてもらえたと分かるだけで、メンバーの表情が和らぎ、その後の話が深くなりました。"
        ),
        title_en="Sum up what you heard before you reply",
        body_en=(
            "When a member asked me to just listen, I let them finish without jumping in, then "
            'said back in my own words what I had heard ("So the hard part is...") before '
            "saying anything else. Knowing they had been heard visibly relaxed them, and the "
            "conversation went deeper from there."
        ),
    ),
    StarterTip(
        key="options_first",
        topic_key="career",
        expectation=Expectation.THINK_TOGETHER,
        title_ja="答えを出す前に「いま見えている選択肢は？」と聞く",
        body_ja=(
            "キャリアの相談で先に自分の考えを言うと、メンバーはそれに合わせてしまいがちでした。"
            "まず「いま見えている選択肢はいくつある？」と聞き、出てきた案を紙に並べてから、"
            "それぞれの良い点と不安な点を一緒に比べるようにしたところ、本人が自分で決めた実感を持てるようになりました。"
        ),
        title_en="Ask which options they already see before offering yours",
        body_en=(
            "In career talks, members tended to adopt whatever I suggested first. Now I ask "
            '"Which options do you see right now?", write them side by side, and we weigh '
            "the upsides and worries of each together. The decision ends up being theirs, and "
            "they follow through on it."
        ),
    ),
    StarterTip(
        key="feedback_fact_feeling_suggestion",
        topic_key="work",
        expectation=Expectation.FEEDBACK,
        title_ja="フィードバックは「事実→感情→提案」の順で",
        body_ja=(
            "「資料がわかりにくい」と言う代わりに、"
            "「3ページ目で結論が最後に出てきた(事実)。読み手として迷った(感情)。"
            "次は結論を1行目に置いてみては(提案)」と伝えるようにしました。"
            "人格ではなく行動の話になるので、受け取る側も構えずに聞いてくれます。"
        ),
        title_en="Give feedback as fact, then feeling, then suggestion",
        body_en=(
            'Instead of "the deck is confusing", I say: "On page 3 the conclusion comes last '
            "(fact). As a reader I got lost (feeling). Next time, try putting it in the first "
            'line (suggestion)." It is about the work, not the person, so it lands without '
            "getting defensive."
        ),
    ),
    StarterTip(
        key="sales_weekly_mini",
        topic_key="next_move",
        expectation=Expectation.THINK_TOGETHER,
        title_ja="営業は週1回15分の「ミニ1on1」で次の一手を話す",
        body_ja=(
            "外出が多く30分の枠が取れなかったので、週次の営業会議の直後に15分だけ、オンラインで話す枠を固定しました。"
            "進捗の確認ではなく「今週の次の一手」だけに絞ると、短くても毎週続き、スランプの兆しにも早く気づけます。"
        ),
        title_en="In sales, a weekly 15-minute mini 1on1 on the next move",
        body_en=(
            "My team is out most of the week, so 30-minute slots kept slipping. I fixed 15 "
            "minutes by video right after the weekly sales meeting and kept it to one question: "
            "what is your next move this week? Short enough to never skip, and I notice a slump "
            "weeks earlier."
        ),
    ),
    StarterTip(
        key="kpi_support",
        topic_key="kpi_progress",
        expectation=Expectation.ADVICE,
        title_ja="KPIの話は「なぜ未達？」ではなく「どんな支援があれば届きそう？」",
        body_ja=(
            "数字が足りないとき「なぜ届かなかったの？」と聞くと、言い訳探しの時間になっていました。"
            "「あとどんな支援があれば届きそう？」と聞き方を変えると、訪問件数や提案の準備時間など具体的な困りごとが出てきて、"
            "翌月のKPIの計画にそのまま反映できました。"
        ),
        title_en="On KPIs, ask what support would help, not why they missed",
        body_en=(
            'Asking "why did you miss?" turned the meeting into a search for excuses. '
            'Asking "what support would help you get there?" brought out concrete blockers, '
            "like too few customer visits or no time to prepare proposals, which went straight "
            "into next month's plan."
        ),
    ),
    StarterTip(
        key="company_view_why",
        topic_key="policy",
        expectation=Expectation.COMPANY_VIEW,
        title_ja="会社の方針は「なぜ」まで伝え、わからない点は上司に確認してから",
        body_ja=(
            "「会社や部署の考えを知りたい」と選ばれていたら、1on1の前に自分の上司に背景を確認しておきます。"
            "決まったことだけでなく、なぜそう決めたのかまで話せると、納得感が違います。"
            "その場で答えられないことは「確認して次回までに返す」と約束して、必ず返しています。"
        ),
        title_en="Explain the why behind a policy, and check with your own manager first",
        body_en=(
            'When a member picks "the company\'s view", I ask my own manager about the '
            "background before we meet. Explaining why a decision was made, not only what it "
            "is, makes the difference. What I cannot answer on the spot, I promise to follow "
            "up on by the next 1on1, and I do."
        ),
    ),
    StarterTip(
        key="own_failure",
        topic_key="skills",
        expectation=Expectation.ADVICE,
        title_ja="アドバイスの前に、自分の失敗談を一つ話す",
        body_ja=(
            "スキルの相談では、正解を教える前に自分が同じところでつまずいた話をするようにしています。"
            "「リーダーもできなかったんだ」と分かると、メンバーが今どこで困っているかを正直に話してくれるので、"
            "助言も一つに絞って具体的にできます。"
        ),
        title_en="Share one of your own mistakes before giving advice",
        body_en=(
            "When someone asks for help with a skill, I first tell them where I got stuck with "
            "the same thing. Once they see I struggled too, they say honestly where they are "
            "stuck now, and my advice can be one concrete step instead of a lecture."
        ),
    ),
    StarterTip(
        key="not_evaluation",
        topic_key="private",
        expectation=Expectation.LISTEN,
        title_ja="最初に「ここで話したことは評価に使わない」と言葉にする",
        body_ja=(
            "プライベートや体調の話は、評価に響くのではと心配されがちです。"
            "新しいメンバーとの最初の1on1と、評価の時期の前には、「この時間はあなたのための時間で、評価には使わない」とはっきり伝えています。"
            "それからは、言いにくい相談も早めに来るようになりました。"
        ),
        title_en="Say out loud that nothing here feeds into evaluation",
        body_en=(
            "Members worry that private matters or health will count against them. In the "
            "first 1on1 with someone new, and again before review season, I say plainly: "
            '"This time is yours, and it is not used for evaluation." Since then, hard topics '
            "reach me earlier."
        ),
    ),
)


def starter_rows(now: datetime) -> list[Tip]:
    rows: list[Tip] = []
    for tip in STARTER_TIPS:
        for locale, title, body in (
            ("ja", tip.title_ja, tip.body_ja),
            ("en", tip.title_en, tip.body_en),
        ):
            rows.append(
                Tip(
                    starter=True,
                    starter_key=f"{tip.key}:{locale}",
                    topic_key=tip.topic_key,
                    expectation=tip.expectation.value,
                    title=title,
                    body=body,
                    locale=locale,
                    created_at=now,
                    updated_at=now,
                )
            )
    return rows


async def ensure_starter_tips(db: Database) -> int:
    """Add the shipped starter tips that were never added; how many were added.

    Safe on every start of every replica: a key already present (even deleted) is skipped,
    and two replicas racing insert each key once.
    """
    now = datetime.now(UTC)
    added = 0
    async with db.write() as session:
        present = set(
            (await session.exec(select(Tip.starter_key).where(col(Tip.starter).is_(True)))).all()
        )
        for row in starter_rows(now):
            if row.starter_key in present:
                continue
            values = row.model_dump(exclude={"id", "search_grams"})
            result = await session.exec(
                db.insert(Tip)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["starter_key"])
                .returning(col(Tip.id))
            )
            tip_id = result.scalar()
            if tip_id is None:
                continue
            tip = await session.get(Tip, tip_id)
            assert tip is not None
            await store_index(session, tip, postgres=db.is_postgresql)
            added += 1
        # Tips stored before the search index existed get indexed once.
        unindexed = await session.exec(select(Tip).where(Tip.search_text == ""))
        for tip in unindexed.all():
            await store_index(session, tip, postgres=db.is_postgresql)
    return added
