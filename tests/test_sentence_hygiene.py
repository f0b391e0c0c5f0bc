"""Clean sentences: captions, credits, deks, kickers, and openings that lean on what is absent.

The examples are written for these tests, in the shapes feeds deliver them.
"""

from __future__ import annotations

import itertools

import pytest

from digest.language.captions import is_caption
from digest.summary import cleaning
from digest.summary.deks import split_dek
from digest.summary.references import (
    dangles,
    definite_opening,
    full_names,
    leans_on_context,
    unmet_names,
)
from digest.summary.summarize import SummarySettings, summarize_many


@pytest.mark.parametrize(
    "sentence",
    [
        "(Hana Sato/Reuters)",
        "(KCNA via AP)",
        "(AP Photo/Lee Min-ho, File)",
        "(Getty Images)",
        "Photo: Kim Tae-hoon/Yonhap",
        "Commuters watch a television screen showing a news report of a missile launch at a "
        "station in Seoul, South Korea, on March 3, 2021.",
        "A woman walks past a poster of the leader in Pyongyang.",
        "The flag of Japan is seen outside the ministry in Tokyo on Jan. 9, 2022.",
        "This photo provided by the agency shows the rocket lifting off.",
        "In this file photo, the envoy arrives at the airport.",
        "Defence Minister Ito speaks at a news conference in Tokyo, Japan, on Oct. 5, 2022.",
        "Troops stand guard at the border (file image).",
    ],
)
def test_captions_and_credits_are_recognised(sentence: str) -> None:
    assert is_caption(sentence)
    assert not cleaning.is_pickable(sentence, 1, 100)


@pytest.mark.parametrize(
    "sentence",
    [
        "North Korea fired a ballistic missile on Tuesday, Japan's defence ministry said.",
        "Japan said the launch poses a grave threat to the region.",
        "The missile is seen as a test of a new solid-fuel engine.",
        "The talks took place in Stockholm on Jan. 9, 2022, officials said.",
        "Pyongyang looks at the summit as a chance to ease sanctions.",
    ],
)
def test_news_sentences_are_not_captions(sentence: str) -> None:
    assert not is_caption(sentence)


def test_a_credit_takes_the_caption_before_it_out_of_the_text() -> None:
    text = (
        "Officials inspect debris at a port in Okinawa, Japan, on May 2, 2023. "
        "(Ken Mori/Kyodo News via AP) Japan's coast guard said on Friday that debris from "
        "the rocket had fallen into the sea west of Okinawa."
    )
    [paragraph] = cleaning.paragraphs(text)
    assert paragraph.startswith("Japan's coast guard said on Friday")


GLUED_DEKS = [
    (
        "Launch comes days after Pyongyang warned of a strong response to joint naval drills "
        "North Korea fired a ballistic missile into the sea off its east coast on Sunday, "
        "Japan's defence ministry said, adding that it fell outside the country's exclusive "
        "economic zone and caused no damage.",
        "joint naval drills",
        "North Korea fired a ballistic missile",
    ),
    (  # "Nov. 22" and "Dec. 1" do not end the sentence the dek runs into
        "Leaders met at the launch site where the visitor offered to help them make rockets "
        "North Korea has told Japan it will launch a satellite between Nov. 22 and Dec. 1, "
        "the coast guard said on Tuesday, warning ships in three zones off the coast.",
        "help them make rockets",
        "North Korea has told Japan",
    ),
    (  # "ever" ends like a role noun ("worker Kim") but is an adverb
        "Tokyo says the regime's arsenal is a graver danger to the region than ever North "
        "Korea has flown new long-range drones over its capital, state television reported, "
        "while delegates from two friendly governments watched the parade from the stand "
        "beside Kim.",
        "than ever",
        "North Korea has flown",
    ),
    (  # a name, one plain noun, then the verb
        "Allies agree to share warning data in real time; meanwhile Seoul lands its first "
        "probe on the moon North Korean television has denounced the data-sharing plan as a "
        "prelude to invasion, as the South and its allies began their largest drills yet.",
        "first probe on the moon",
        "North Korean television has denounced",
    ),
    (  # a contraction that only opens sentences
        "Reviewers keep reaching for new words to describe the actor's turn in the film, "
        "which many expect to win her a third award It’s fair to say that nobody has seen a "
        "performance quite like this one in a Japanese-made drama before.",
        "a third award",
        "It’s fair to say",
    ),
]


@pytest.mark.parametrize(("glued", "dek_end", "sentence_start"), GLUED_DEKS)
def test_a_dek_that_runs_into_the_first_sentence_is_split_where_they_join(
    glued: str, dek_end: str, sentence_start: str
) -> None:
    dek, sentence = split_dek(glued)
    assert dek.endswith(dek_end)
    assert sentence.startswith(sentence_start)
    # The dek alone is no sentence, so only the real first sentence can be picked.
    assert cleaning.paragraphs(glued)[1].startswith(sentence_start)


def test_a_dek_runs_into_an_opening_article_phrase() -> None:
    opener = (
        "Talks stall as both sides trade blame over the missing abductees The Japanese "
        "delegation left Beijing on Thursday without a date for the next round."
    )
    assert split_dek(opener)[1].startswith("The Japanese delegation left Beijing")


@pytest.mark.parametrize(
    "sentence",
    [
        "Japan's defence minister Yasuo Kato said the missile fell outside the zone.",
        "The tour of the veteran golf legend Arnold Palmer was cut short after he dislocated "
        "his shoulder at a charity event in Florida, and the club said the rest of his "
        "appearances this season would be announced once doctors had seen him again.",
        "The talks were held after North Korean leader Kim Jong Un visited Russia last week.",
        "A meeting between the envoys of Japan and North Korea is planned for May, Kyodo said.",
    ],
)
def test_names_inside_a_sentence_are_no_join(sentence: str) -> None:
    assert split_dek(sentence) == [sentence]


def test_kickers_and_colon_datelines_are_removed() -> None:
    assert cleaning.paragraphs("SEOUL: North Korea fired two missiles on Sunday, Seoul said.") == [
        "North Korea fired two missiles on Sunday, Seoul said."
    ]
    assert cleaning.paragraphs("EXCLUSIVE: Japan plans a new envoy for the abduction issue.") == [
        "Japan plans a new envoy for the abduction issue."
    ]
    assert cleaning.paragraphs("[Wire Review] Japan and North Korea met in Hanoi this week.") == [
        "Japan and North Korea met in Hanoi this week."
    ]
    filed = "North Korea fired a missile on Monday, South Korea and Japan said."
    assert cleaning.paragraphs(f"SEOUL/TOKYO: {filed}") == [filed]
    assert cleaning.paragraphs(f"SEOUL/TOKYO — {filed}") == [filed]


def test_a_one_sentence_description_without_its_stop_is_a_sentence() -> None:
    whole = "Japan has asked North Korea to return the remains of soldiers buried near Pyongyang"
    assert cleaning.paragraphs(whole) == [whole + "."]
    cut = "Japan has asked North Korea to return the remains of soldiers buried near the…"
    assert cleaning.paragraphs(cut) == [cut]
    truncated = "Japan has asked North Korea to return the remains. Officials said the…"
    assert cleaning.paragraphs(truncated) == [truncated]
    marked = "Japan has asked North Korea to return the remains of its soldiers.…"
    assert cleaning.paragraphs(marked) == [
        "Japan has asked North Korea to return the remains of its soldiers."
    ]


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("He said the talks would resume next month.", True),
        ("But Tokyo rejected the offer on Friday.", True),
        ("This came a day after the launch.", True),
        ("Speaking in Tokyo, she said the families were tired of waiting.", True),
        ("Japan has not commented on it yet.", True),
        ("The envoy also met the families of abductees.", True),
        ("The two-day meeting ended without a statement.", True),
        ("The move drew a protest from Seoul.", True),
        ("It was the third launch this month.", True),
        ("It has been reported that the two sides met secretly in March.", False),
        ("It is not clear whether the missile reached orbit.", False),
        ("There were no reports of damage to ships or aircraft.", False),
        ("The United States condemned the launch.", False),
        ("The Japanese government lodged a protest.", False),
        ("The head of the Red Cross delegation said both sides would meet again.", False),
        ("Japan's cabinet approved the extension on Friday.", False),
        # connectives of several words, and quantifiers that count what came before
        ("In response, Japan lodged a protest through its embassy in Beijing.", True),
        ("As a result, the talks were put off until the spring.", True),
        ("Both sides agreed to meet again in Ulaanbaatar.", True),
        ("Another missile fell into the sea an hour later.", True),
        ("Separately, the ministry said two ships had been seen.", True),
        ("This after Pyongyang promised a strong response to the drills.", True),
        ("Both Japan and North Korea sent delegations to the meeting.", False),
        # a demonstrative of time, and "it" standing for a span of time, point at no sentence
        ("This week, the envoy flew to Beijing for talks on the remains.", False),
        ("It has been more than 20 years since the two leaders last met.", False),
    ],
)
def test_openings_that_lean_on_what_is_absent(sentence: str, leans: bool) -> None:
    assert leans_on_context(sentence) is leans


def test_a_verbless_pointer_is_never_picked_even_after_its_antecedent() -> None:
    text = (
        "North Korea fired a ballistic missile off its east coast, Seoul's military said. "
        "This after the North promised shocking consequences for the drills.\n\n"
        "Japan's defence ministry said the missile fell outside its exclusive economic zone."
    )
    assert not cleaning.is_pickable("This after the North promised consequences.", 1, 100)
    summary = summarize_many([text], SummarySettings(max_words=0))
    assert summary[0].startswith("North Korea fired")
    assert not any(s.startswith("This after") for s in summary)


def test_a_definite_description_stands_when_what_it_names_came_before() -> None:
    sentence = "The meeting was the first such contact in years."
    assert definite_opening(sentence) == ("meeting",)
    assert leans_on_context(sentence)
    assert not leans_on_context(sentence, ["Officials of both sides are meeting in Shenyang."])
    assert not leans_on_context(sentence, ["The meeting in Shenyang opened on Monday."])


ARTICLE = """Skip to content
Menu

Red Cross officials of two countries meet on wartime remains

By A. Writer

Red Cross officials from Japan and North Korea met in Shenyang this week to discuss the remains \
of Japanese who died in the north of the peninsula at the end of the war, the Japanese Red Cross \
Society said on Wednesday, in the first such talks for several years between the two societies.

The two-day meeting was the first such contact between the two organisations in years.

North Korea's delegation did not comment on that point, the statement said.

Families of the Japanese believed buried in the North have pressed Tokyo for years to visit.

Share this article
"""


def test_a_summary_opens_with_the_lede_not_with_what_leans_on_it() -> None:
    summary = summarize_many([ARTICLE], SummarySettings())
    assert summary[0].startswith("Red Cross officials from Japan and North Korea met")
    for previous, sentence in itertools.pairwise(summary):
        if sentence.startswith("The two-day meeting"):
            assert previous.startswith("Red Cross officials")
    assert not any("that point" in s for s in summary[:1])


def test_no_summary_sentence_leans_on_a_sentence_left_out() -> None:
    text = (
        "Japan and North Korea agreed on Friday to hold a new round of talks on the abductions "
        "in Stockholm next month, officials in Tokyo said after a day of meetings in Beijing.\n\n"
        "Diplomats said the agenda was still open.\n\n"
        "It was the first such agreement since 2014, and it surprised many in Tokyo.\n\n"
        "But families of the abductees said they expected little from the new round."
    )
    summary = summarize_many([text], SummarySettings(sentences=2, max_words=0))
    assert summary[0].startswith("Japan and North Korea agreed")
    assert not leans_on_context(summary[0])
    if len(summary) > 1 and leans_on_context(summary[1]):
        assert summary[1] in text.split("\n\n")


# A person met in full once, then by one name: the second reference needs the first shown.
SECOND_REFERENCE = (
    "Officials in Tokyo said on Wednesday that talks with Pyongyang could resume within weeks, "
    "the first sign of movement since the summer.\n\n"
    "The North is shifting its weight to its economy and its diplomacy, Hiroko Tanabe, a "
    "professor of Korean studies at a university in Kyoto, told a seminar in the city.\n\n"
    "A researcher at a Seoul institute, Park Min-jae, echoed Tanabe's views on the shift.\n\n"
    "The families of the abductees have asked the government to put their cause first."
)


def test_a_bare_surname_needs_the_full_name_shown_before_it() -> None:
    names = full_names("Hiroko Tanabe, a professor, said so. Park Min-jae agreed.")
    assert names["Tanabe"] == "Hiroko Tanabe" and names["Park"] == "Park Min-jae"
    assert unmet_names("Others echoed Tanabe's views.", names) == {"Hiroko Tanabe"}
    assert unmet_names("Tanabe said the talks would resume.", names) == {"Hiroko Tanabe"}
    assert not unmet_names("Hiroko Tanabe said so again.", names)  # the full name is here
    assert not unmet_names("Nakamura said so.", names)  # never named in full before: a first
    assert not unmet_names("The North said so.", full_names("North Korea said so."))


# The full name comes in an aside the ranking passes over; the bare surname in a central one.
ASIDE_THEN_SURNAME = (
    "Japan and North Korea could resume talks on the abductions within weeks, officials in Tokyo "
    "said on Wednesday.\n\n"
    "The weather in Kyoto was mild, Hiroko Tanabe noted in a lecture on the city's gardens and "
    "temples last spring.\n\n"
    "Families of the abductees want the government to put their cause first in any new talks.\n\n"
    "Tanabe said North Korea wanted food aid and an end to port bans before any visit by "
    "Japanese officials to Pyongyang.\n\n"
    "Tokyo has kept its own sanctions on North Korea since 2006."
)


def test_no_summary_calls_someone_by_a_name_the_reader_has_not_met() -> None:
    for text in (SECOND_REFERENCE, ASIDE_THEN_SURNAME):
        for sentences in (2, 3, 4):
            summary = summarize_many([text], SummarySettings(sentences=sentences))
            assert len(summary) >= 2
            for at, sentence in enumerate(summary):
                if "Tanabe" in sentence and "Hiroko Tanabe" not in sentence:
                    assert any("Hiroko Tanabe" in s for s in summary[:at]), summary


def test_the_dangling_count_finds_a_surname_without_its_full_name() -> None:
    sentence = (
        "A researcher at a Seoul institute, Park Min-jae, echoed Tanabe's views on the shift."
    )
    flat = " ".join(SECOND_REFERENCE.split())
    assert dangles(sentence, ["Talks could resume"], [SECOND_REFERENCE])
    full = next(s for s in flat.split(". ") if "Hiroko Tanabe" in s) + "."
    assert not dangles(sentence, ["Talks could resume", full], [SECOND_REFERENCE])


def test_one_fact_told_by_two_outlets_in_the_same_words_is_shown_once() -> None:
    first = (
        "North Korea plans to put a second spy satellite into orbit, Japan said on Tuesday. "
        "The launch could take place between August 24 and 31, after the failure in May."
    )
    second = (
        "Pyongyang told the coast guard on Tuesday that the rocket would take place between "
        "August 24 and 31 as Seoul and Washington began their annual drills. "
        "Debris may fall in the Yellow Sea and the East China Sea, the coast guard said."
    )
    summary = summarize_many([first, second], SummarySettings(sentences=4, max_words=0))
    assert sum("between August 24 and 31" in s for s in summary) == 1, summary
    assert len(summary) >= 2


@pytest.mark.parametrize(
    ("text", "lang", "shown"),
    [
        # a feed's teaser cut mid-sentence: its dots follow a word, so nothing is whole
        (
            "North Korea fired a ballistic missile toward Japan on Thursday, the defence "
            "ministry said, adding that the missile ...",
            "en",
            (),
        ),
        ("Japan protested through its embassy in Beijing, Chief Cabinet Secretary [...]", "en", ()),
        # the feed's mark after a whole sentence goes; the sentence stays
        (
            "Japan protested to North Korea through its embassy in Beijing on Friday. The "
            "missile fell inside …",
            "en",
            ("Japan protested to North Korea through its embassy in Beijing on Friday.",),
        ),
        (
            "북한이 일본의 방위비 증액을 비난하며 일본이 긴장을 높이고 있다고 주장했다고 "
            "조선중앙통신 ...",
            "ko",
            (),
        ),
        (
            "北朝鮮は28日、日本海に向けて弾道ミサイル1発を発射しました。防衛省によりますと…",
            "ja",
            ("北朝鮮は28日、日本海に向けて弾道ミサイル1発を発射しました。",),
        ),
    ],
)
def test_a_sentence_cut_short_by_the_feed_is_never_shown(
    text: str, lang: str, shown: tuple[str, ...]
) -> None:
    assert summarize_many([text], SummarySettings(), lang) == shown


def test_a_cut_off_opening_is_kept_whole_up_to_its_cap_and_ends_in_an_ellipsis() -> None:
    from digest.summary.gaps import OPENING_MAX, cut_opening, summary_gap

    long = "TOKYO (Kyodo) -- " + "Japan and North Korea held talks in Mongolia again " * 20 + "..."
    opening = cut_opening(long, "en")
    assert opening.startswith("Japan and North Korea") and opening.endswith("…")
    assert len(opening) <= OPENING_MAX + 1 and opening[:-1] + " " in long  # cut at a space
    assert cut_opening("Japan and North Korea held talks in Mongolia.", "en") == ""
    assert summary_gap(["", "  "]) == "headline"
    assert summary_gap(["A patrol aircraft on the tarmac. (AP Photo)"]) == "unfit"
    assert summary_gap(["Japan and North Korea held talks in…"]) == "cut"
