"""The week in brief: one standalone sentence per top story, each a different event."""

from __future__ import annotations

from datetime import UTC, datetime

from digest.models import Item, Origin, Relevance, ScoredItem, Story
from digest.summary.brief import week_in_brief

T0 = datetime(2026, 11, 20, 9, tzinfo=UTC)


def story(key: str, title: str, *summary: str, lang: str = "") -> Story:
    item = Item(
        key, f"outlet-{key}", Origin.FEED, title, f"https://example.org/{key}", "", T0, lang=lang
    )
    return Story(key, ScoredItem(item, Relevance(1.0, True)), (), summary)


LAUNCH = story(
    "a",
    "North Korea fires missile into Japan's waters",
    "North Korea fired a ballistic missile that fell inside Japan's exclusive economic zone on "
    "Friday, the defence ministry in Tokyo said.",
)
TALKS = story(
    "b",
    "Envoys meet in Ulaanbaatar",
    "It was the first such meeting in four years.",  # leans on what is absent: never a line
    "Tokyo hopes this contact will open the way to talks on the abductions.",  # "this contact"
    "Japanese and North Korean envoys met in Ulaanbaatar on Tuesday to discuss the abductions.",
)
SANCTIONS = story(
    "c",
    "Cabinet extends sanctions",
    "The extension covers trade and port calls.",  # "The extension": nothing before it
    "Japan's cabinet extended its own sanctions on North Korea for two more years on Friday.",
)
REMAINS = story(
    "d",
    "Red Cross talks on remains",
    "Red Cross officials of both countries met in Shenyang to discuss the remains of Japanese "
    "who died in the north at the end of the war.",
)
SAME_LAUNCH = story(
    "e",
    "Missile lands in Japan's economic zone",
    "A ballistic missile fired by North Korea fell inside Japan's exclusive economic zone on "
    "Friday, the defence ministry said.",
)
OLD_NEWS = story(
    "g",
    "Talks resume",
    "Last week the two governments held their first talks in four years.",
    "This week, the two governments agreed to meet again in the spring.",
    "Japanese and North Korean officials held talks in Beijing, the first in four years.",
)
CAPTION_ONLY = story("f", "Photo", "People watch a television screen showing the launch in Seoul.")


def test_one_standalone_sentence_per_story_and_one_per_event() -> None:
    brief = week_in_brief([LAUNCH, SAME_LAUNCH, CAPTION_ONLY, TALKS, SANCTIONS, REMAINS, OLD_NEWS])
    assert brief == (
        LAUNCH.summary[0],
        TALKS.summary[2],
        SANCTIONS.summary[1],
        REMAINS.summary[0],
        OLD_NEWS.summary[2],  # "Last week", "This week" count from a date the brief does not show
    )


def test_at_most_five_lines_and_none_below_three() -> None:
    lines = [
        "Fishing crews from Niigata reported a drifting wooden boat near Sado island on Monday.",
        "A court in Tokyo ordered compensation for former residents who moved to Pyongyang.",
        "Officials said a football match between the two women's teams would go ahead in May.",
        "Lawmakers passed a bill funding shelters in the prefectures nearest the peninsula.",
        "An envoy for the abductees' families went to Geneva to address a United Nations panel.",
        "Customs officers seized luxury watches bound for a trading firm in Dalian last week.",
    ]
    many = [story(str(i), f"Headline {i}", line) for i, line in enumerate(lines)]
    assert len(week_in_brief(many)) == 5
    assert week_in_brief([LAUNCH, TALKS]) == ()


def test_japanese_and_korean_stories_give_lines_by_their_own_languages_rules() -> None:
    ko_launch = story(
        "k1",
        "北, 동해상으로 탄도미사일 발사…日 EEZ 밖 낙하",
        "이날 발사된 미사일은 일본 배타적경제수역 밖에 떨어졌다.",  # "that day": leans back
        "북한이 14일 오전 동해상으로 탄도미사일 1발을 발사했다고 일본 방위성이 밝혔다.",
        lang="ko",
    )
    ko_same = story(
        "k2",
        "북한 탄도미사일 발사, 일본 방위성 발표",
        "북한이 14일 오전 동해상으로 탄도미사일 1발을 발사했다고 일본 방위성이 발표했다.",
        lang="ko",
    )
    ja_school = story(
        "j1",
        "朝鮮学校への補助金 自治体の支給減る",
        "きょう、文部科学省が調査結果を公表しました。",  # "today": of no date the brief shows
        "朝鮮学校に補助金を支給する自治体の数が、この14年間で大きく減ったことが分かりました。",
        lang="ja",
    )
    brief = week_in_brief([ko_launch, ko_same, ja_school, SANCTIONS])
    assert brief == (
        ko_launch.summary[1],
        ja_school.summary[1],
        SANCTIONS.summary[1],
    )


def test_each_line_of_the_brief_carries_its_storys_language_in_the_page() -> None:
    from digest.models import Edition
    from digest.publish.render import edition_page, make_environment, render_edition

    ko = story(
        "k",
        "北, 탄도미사일 발사",
        "북한이 14일 오전 탄도미사일 1발을 발사했다고 밝혔다.",
        lang="ko",
    )
    stories = (ko, SANCTIONS, REMAINS)
    brief = (ko.summary[0], REMAINS.summary[0], SANCTIONS.summary[1])
    made = Edition("Weekly", "weekly", T0, T0, T0, stories, brief=brief)
    html, text = render_edition(make_environment(), edition_page(made))
    assert f'<p lang="ko">{ko.summary[0]}</p><p>{REMAINS.summary[0]}</p>' in html
    assert f"- {ko.summary[0]}" in text
