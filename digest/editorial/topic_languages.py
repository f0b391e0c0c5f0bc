"""The topic's vocabulary in Japanese and Korean (`topic.languages` in feeds.yaml).

Each language has its own terms for the two sides, the key terms, relation terms, third parties,
reporting words and exclusions; the weights, threshold and scoring rules are the English ones.
Items in these languages are matched on morphemes (see `digest.language.morphemes`): a term must
start and end where a morpheme does, so 北 counts in 北ミサイル and 「北」 but not in 北海道.
Terms written in Hanja in Korean (北, 日) are the headline shorthand of the Korean press.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_LANGUAGES", "LanguageTerms", "SideTerms"]


class SideTerms(BaseModel):
    """One side's names in one language (the side's name comes from `topic.sides`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: tuple[str, ...] = Field(description="Names that mean this side in this language.")
    voice: tuple[str, ...] = Field(
        default=(), description="Words that mark an item as written in this side's own voice."
    )


class LanguageTerms(BaseModel):
    """The topic's terms in one language; the same rules as the English ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sides: tuple[SideTerms, SideTerms] = Field(description="The two sides, in `topic.sides` order.")
    key_terms: tuple[str, ...] = Field(default=(), description="Terms naming the relation itself.")
    relation_terms: tuple[str, ...] = Field(default=(), description="What the sides do.")
    others: tuple[str, ...] = Field(default=(), description="Third parties.")
    attribution: tuple[str, ...] = Field(default=(), description="Reporting words.")
    exclude: tuple[str, ...] = Field(default=(), description="Phrases that are no evidence.")
    background: tuple[str, ...] = Field(default=(), description="Background-clause openers.")
    sports: tuple[str, ...] = Field(default=(), description="Words of sports reports.")


JAPANESE = LanguageTerms(
    sides=(
        SideTerms(
            terms=(
                "日本", "日本人", "日本政府", "政府", "官房長官", "外相", "防衛相", "訪日",
                "外務省", "防衛省", "自衛隊", "海上自衛隊", "航空自衛隊", "海上保安庁",
                "高市", "石破", "岸田", "安倍", "菅", "小泉", "茂木", "上川", "林", "木原",
                "北海道", "青森", "秋田", "新潟", "島根", "沖縄", "佐渡",
                # in Japan's press a missile over or near the country concerns Japan, named or not
                "EEZ", "排他的経済水域", "Jアラート", "上空", "避難", "破壊措置命令",
            ),
        ),
        SideTerms(
            terms=(
                "北朝鮮", "北", "金正恩", "金総書記", "キム・ジョンウン", "キム総書記",
                "金与正", "キム・ヨジョン", "崔善姫", "チェ・ソンヒ", "金永南", "キム・ヨンナム",
                "平壌", "ピョンヤン", "朝鮮労働党", "労働党", "朝鮮人民軍", "北朝鮮外務省",
                "北朝鮮外相", "北朝鮮軍", "訪朝",
            ),
            voice=("朝鮮中央通信", "労働新聞", "朝鮮中央テレビ", "わが民族同士"),
        ),
    ),
    key_terms=(
        "日朝", "日朝関係", "日朝首脳会談", "日朝交渉", "日朝平壌宣言", "ストックホルム合意",
        "拉致問題", "拉致被害者", "拉致被害者家族", "家族会", "救う会", "特定失踪者",
        "横田めぐみ", "横田早紀江", "曽我ひとみ", "蓮池", "地村", "朝鮮総連", "総連",
        "朝鮮学校", "朝鮮大学校", "在日朝鮮人", "日本人妻", "帰国事業", "よど号", "万景峰",
    ),
    relation_terms=(
        "会談", "首脳会談", "交渉", "協議", "対話", "国交正常化", "正常化", "外交", "特使", "拉致",
        "接触", "面会", "ミサイル", "弾道ミサイル", "発射", "落下", "飛翔", "通過", "核",
        "核実験", "衛星", "ロケット", "ICBM", "迎撃", "警戒", "脅威", "挑発", "抗議", "非難",
        "批判", "反発", "談話", "制裁", "独自制裁", "入港禁止", "送金", "遺骨", "軍事", "侵略",
        "再侵略", "謝罪", "賠償", "植民地", "慰安婦",
    ),
    others=(
        "韓国", "韓", "米国", "アメリカ", "米", "中国", "中", "ロシア", "ロ", "台湾", "国連",
        "韓国政府", "米政府", "中国政府", "韓国大統領", "米大統領", "大統領", "ソウル", "北京",
        "韓国外相", "米国務長官", "中国外相",
        "モスクワ", "ワシントン", "国務省", "トランプ", "プーチン", "習近平",
    ),
    attribution=("によると", "によれば", "報道", "伝えた", "明らかにした", "発表した"),
    exclude=(
        "日本海", "共同通信", "時事通信", "NHK", "朝日新聞", "朝日", "読売新聞", "毎日新聞",
        "日経", "日本経済新聞", "産経新聞", "聯合ニュース", "日本代表", "北朝鮮代表",
        # 北 as a compass word before a region is no North Korea: 北日本 (northern Japan),
        # 北～西日本 (from the north to western Japan), 北関東
        "北日本", "北～", "北〜", "北・", "北東北", "北関東", "北九州", "北陸", "北半球", "北極",
        "北米", "北欧", "北部", "北側",
    ),
    sports=(
        "サッカー", "女子サッカー", "なでしこ", "W杯", "ワールドカップ", "五輪", "オリンピック",
        "パラリンピック", "アジア大会", "予選", "決勝", "準決勝", "準々決勝", "野球", "卓球",
        "柔道", "レスリング", "重量挙げ", "ボクシング", "バスケットボール", "バレーボール",
        "メダル",
    ),
)  # fmt: skip

KOREAN = LanguageTerms(
    sides=(
        SideTerms(
            terms=(
                "일본", "日", "일본 정부", "日 정부", "일본인", "도쿄", "다카이치", "이시바",
                "기시다", "아베", "스가", "고이즈미", "모테기", "자위대", "해상자위대",
                "항공자위대", "방위성", "일본 외무성", "홋카이도", "오키나와", "방일", "訪日",
            ),
        ),
        SideTerms(
            terms=(
                "북한", "北", "북측", "김정은", "김여정", "최선희", "김영남", "평양", "북한군",
                "조선노동당", "노동당", "북한 외무성", "방북", "訪北",
            ),
            voice=("조선중앙통신", "노동신문", "조선중앙TV", "우리민족끼리", "괴뢰"),
        ),
    ),
    key_terms=(
        "북일", "북일관계", "북일 관계", "북일 정상회담", "조일", "조총련", "총련",
        "재일조선인", "조선학교", "조선대학교", "만경봉호", "일본인 납북자", "일본 납북자",
        "日 납북자", "일본인 납치",
        "일본인 납치피해자", "납치 문제", "요코타 메구미", "재일교포 북송", "북송사업",
    ),
    relation_terms=(
        "회담", "정상회담", "협상", "대화", "수교", "외교", "특사", "접촉", "면담", "미사일",
        "탄도미사일", "발사", "낙하", "EEZ", "배타적경제수역", "상공", "통과", "핵", "핵실험",
        "위성", "로켓", "ICBM", "요격", "경계", "위협", "도발", "항의", "비난", "비판",
        "반발", "규탄", "담화", "제재", "송금", "유해", "군사", "침략", "재침략", "군국주의",
        "사죄", "배상", "식민지", "위안부", "납치", "납북자", "비핵화", "송환",
    ),
    others=(
        "한국", "韓", "미국", "美", "중국", "中", "러시아", "러", "대만", "유엔", "서울",
        "워싱턴", "베이징", "모스크바", "한미", "한미일", "트럼프", "푸틴", "시진핑",
        "우리 정부", "정부",
    ),
    attribution=("에 따르면", "밝혔다", "보도했다", "전했다", "발표했다"),
    exclude=(
        "일본해", "교도통신", "日언론", "일본 언론", "NHK", "아사히", "요미우리", "마이니치",
        "닛케이", "산케이", "연합뉴스", "일본어", "일본 대표팀", "북한 대표팀",
    ),
    sports=(
        "축구", "여자축구", "월드컵", "올림픽", "패럴림픽", "아시안게임", "예선", "결승", "준결승",
        "16강", "8강", "4강", "승부차기", "야구", "탁구", "농구", "배구", "유도", "레슬링", "역도",
        "권투", "메달",
    ),
)  # fmt: skip

DEFAULT_LANGUAGES: dict[str, LanguageTerms] = {"ja": JAPANESE, "ko": KOREAN}
