"""Diffs mark exactly what changed, stay escaped, and a version pair's diff is computed once."""

from __future__ import annotations

import html
import logging
import random
import re
import uuid

import pytest

from tests.conftest import CASE_FORM, page_text
from thinktank.diff import diff_html


def _old_side(diff) -> str:
    """What a reader of the older version read: the text without the insertions."""
    return html.unescape(re.sub(r"<ins>.*?</ins>|</?del>", "", str(diff), flags=re.S))


def _new_side(diff) -> str:
    return html.unescape(re.sub(r"<del>.*?</del>|</?ins>", "", str(diff), flags=re.S))


def _words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocabulary = ["kommunen", "borgeren", "modellen", "data", "og", "at", "skal", "risiko"]
    return [f"{rng.choice(vocabulary)}{rng.randint(0, 300)}" for _ in range(count)]


def _paragraphs(words: list[str], size: int = 100) -> str:
    return "\n\n".join(" ".join(words[i : i + size]) for i in range(0, len(words), size))


# --- what the diff marks ---------------------------------------------------------------


def test_an_added_word_is_marked_inserted_and_the_rest_left_plain():
    diff = str(diff_html("Brug modeller med omtanke.", "Brug gode modeller med omtanke."))
    assert diff == "Brug<ins> gode</ins> modeller med omtanke."


def test_a_removed_word_is_marked_deleted():
    diff = str(diff_html("Brug altid gode modeller.", "Brug gode modeller."))
    assert diff == "Brug<del> altid</del> gode modeller."


def test_a_replaced_word_is_deleted_then_inserted_in_place():
    diff = str(diff_html("Brug kun rådgivende modeller.", "Brug altid rådgivende modeller."))
    assert diff == "Brug <del>kun</del><ins>altid</ins> rådgivende modeller."


def test_a_rewritten_sentence_reads_as_one_deletion_and_one_insertion():
    diff = str(diff_html("Kommunerne bør kun bruge modeller, der rådgiver.", "Nyt resumé."))
    assert diff == (
        "<del>Kommunerne bør kun bruge modeller, der rådgiver.</del><ins>Nyt resumé.</ins>"
    )


def test_unchanged_text_has_no_marks_and_empty_sides_are_all_inserted_or_deleted():
    assert str(diff_html("Samme tekst.", "Samme tekst.")) == "Samme tekst."
    assert str(diff_html("", "Ny tekst")) == "<ins>Ny tekst</ins>"
    assert str(diff_html(None, "Ny")) == "<ins>Ny</ins>"
    assert str(diff_html("Gammel tekst", "")) == "<del>Gammel tekst</del>"


def test_short_choices_are_compared_as_wholes():
    diff = diff_html("Nej, ingen konsekvensanalyse", "En konsekvensanalyse er i gang", whole=True)
    assert str(diff) == (
        "<del>Nej, ingen konsekvensanalyse</del><ins>En konsekvensanalyse er i gang</ins>"
    )
    assert str(diff_html("Ja", "Ja", whole=True)) == "Ja"


def test_paragraphs_keep_their_breaks_and_only_the_changed_paragraph_is_marked():
    old = "Første afsnit bliver.\n\nAndet afsnit ændres her.\n\nTredje bliver."
    new = "Første afsnit bliver.\n\nAndet afsnit skærpes her.\n\nTredje bliver.\n\nEt nyt afsnit."
    diff = str(diff_html(old, new))
    assert diff.startswith("Første afsnit bliver.\n\nAndet afsnit <del>ændres</del><ins>skærpes")
    assert "Tredje bliver." in diff and "<ins>\n\nEt nyt afsnit.</ins>" in diff


def test_every_piece_of_both_texts_is_escaped():
    diff = str(diff_html('<b onclick="x()">gammel</b> & tekst', "<script>ny</script> & tekst"))
    assert "<script>" not in diff and "<b " not in diff
    assert "&lt;script&gt;ny&lt;/script&gt;" in diff and "&amp; tekst" in diff
    whole = str(diff_html("<i>a</i>", "<img src=x>", whole=True))
    assert whole == "<del>&lt;i&gt;a&lt;/i&gt;</del><ins>&lt;img src=x&gt;</ins>"


def test_a_long_text_with_scattered_changes_marks_each_changed_word():
    words = _words(5000, seed=1)
    changed = list(words)
    positions = sorted(random.Random(2).sample(range(5000), 250))
    for position in positions:
        changed[position] = f"ændret{position}"
    old, new = _paragraphs(words), _paragraphs(changed)

    diff = diff_html(old, new)

    assert _old_side(diff) == old and _new_side(diff) == new
    # neighbouring changed words may share one mark; no unchanged word is ever marked
    inserted = " ".join(re.findall(r"<ins>(.*?)</ins>", str(diff))).split()
    deleted = " ".join(re.findall(r"<del>(.*?)</del>", str(diff))).split()
    assert inserted == [f"ændret{position}" for position in positions]
    assert deleted == [words[position] for position in positions]


@pytest.mark.parametrize("seed", range(5))
def test_any_two_texts_give_a_diff_that_rebuilds_both(seed):
    rng = random.Random(seed)
    old_words = _words(rng.randint(0, 400), seed)
    new_words = list(old_words)
    for _ in range(rng.randint(0, 60)):
        position = rng.randint(0, len(new_words))
        action = rng.choice(["insert", "delete", "replace", "break"])
        if action == "insert":
            new_words.insert(position, "indsat")
        elif action == "break":
            new_words.insert(position, "\n\n")
        elif new_words and position < len(new_words):
            if action == "delete":
                del new_words[position]
            else:
                new_words[position] = "erstattet"
    old, new = _paragraphs(old_words, 37), " ".join(new_words)

    diff = diff_html(old, new)

    assert _old_side(diff) == old and _new_side(diff) == new


def test_two_unrelated_long_texts_still_give_a_correct_diff():
    old, new = _paragraphs(_words(3000, seed=3)), _paragraphs(_words(3000, seed=4))
    diff = diff_html(old, new)
    assert _old_side(diff) == old and _new_side(diff) == new


# --- a version pair's diff is computed once ---------------------------------------------


def _edit_case(client, case, **changes):
    return client.post(f"/cases/{case.id}/edit", data=CASE_FORM | changes | {"action": "save"})


def _publish_second_version(client_as, secretariat, make_recommendation):
    recommendation = make_recommendation("published", body="Brug modeller med omtanke.")
    staff = client_as(secretariat)
    staff.post(
        f"/recommendations/{recommendation.id}/edit",
        data={
            "title": recommendation.title,
            "summary": recommendation.summary,
            "body": "Brug kun rådgivende modeller med omtanke.",
        },
    )
    staff.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "Skærpet"})
    return recommendation


def _diff_list(response) -> str:
    """The page's list of changes (the rest holds a per-request CSRF token)."""
    page = response.get_data(as_text=True)
    return page[page.index('<dl class="changes">') : page.index("</dl>")]


@pytest.fixture
def count_diffs(monkeypatch):
    """How many texts were diffed since the fixture started (both callers counted)."""
    import thinktank.diff
    import thinktank.recommendations.portal

    calls = []
    original = thinktank.diff.diff_html

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(thinktank.diff, "diff_html", counting)
    monkeypatch.setattr(thinktank.recommendations.portal, "diff_html", counting)
    return calls


def test_the_version_diff_page_is_computed_once(
    client_as, secretariat, make_recommendation, count_diffs
):
    recommendation = _publish_second_version(client_as, secretariat, make_recommendation)
    reader = client_as(None)
    url = f"/recommendations/{recommendation.id}/diff?from=1&to=2"

    first = reader.get(url)
    computed = len(count_diffs)
    second = reader.get(url)

    assert computed == 3  # title, summary, body
    assert len(count_diffs) == computed
    assert "Brug<ins> kun rådgivende</ins> modeller med omtanke." in second.get_data(as_text=True)
    assert _diff_list(second) == _diff_list(first)


def test_the_case_history_is_computed_once_per_language(client_as, member, make_case, count_diffs):
    case = make_case(state="draft")
    client = client_as(member)
    _edit_case(client, case, summary="En helt ny opsummering.", dpia="done")
    url = f"/cases/{case.id}/history"

    client.get(url)
    computed = len(count_diffs)
    again = client.get(url)
    assert computed == 2 and len(count_diffs) == computed
    assert "<ins>" in again.get_data(as_text=True)
    assert "Ja, der er lavet en konsekvensanalyse" in page_text(again)

    client.get("/language/en")
    english = client.get(url)
    assert len(count_diffs) == computed + 2  # the choices' labels are in another language
    assert "Yes, a DPIA has been made" in page_text(english)


def test_the_same_version_ids_with_other_texts_are_diffed_again(app, client_as, member, make_case):
    """As after a database restore while the cache kept its keys."""
    from sqlalchemy import select

    from thinktank.cases.models import CaseRevision
    from thinktank.extensions import db

    case = make_case(state="draft")
    client = client_as(member)
    _edit_case(client, case, summary="Den første rettelse.")
    url = f"/cases/{case.id}/history"
    assert "<ins>Den første rettelse.</ins>" in client.get(url).get_data(as_text=True)
    with app.app_context():
        newest = db.session.scalars(select(CaseRevision).where(CaseRevision.number == 2)).one()
        newest.content = newest.content | {"summary": "En anden tekst."}
        db.session.commit()

    page = client.get(url).get_data(as_text=True)

    assert "<ins>Den første rettelse.</ins>" not in page
    assert "<ins>En anden tekst.</ins>" in page


def test_a_redis_url_in_the_environment_keeps_diffs_in_redis(monkeypatch, make_app):
    from thinktank.extensions import cache

    monkeypatch.setenv("THINKTANK_CACHE_REDIS_URL", "redis://127.0.0.1:1/0")
    app = make_app()
    assert app.config["CACHE_TYPE"] == "RedisCache"
    with app.app_context():
        assert type(cache.cache).__name__ == "RedisCache"
    monkeypatch.delenv("THINKTANK_CACHE_REDIS_URL")
    with make_app().app_context():
        assert type(cache.cache).__name__ == "SimpleCache"


@pytest.fixture
def app(make_app, request):
    return make_app(**getattr(request, "param", {}))


@pytest.mark.parametrize("app", [{"CACHE_REDIS_URL": "redis://127.0.0.1:1/0"}], indirect=True)
def test_an_unreachable_cache_still_shows_the_diff_and_warns_once(
    app, client_as, secretariat, make_recommendation, caplog
):
    recommendation = _publish_second_version(client_as, secretariat, make_recommendation)
    url = f"/recommendations/{recommendation.id}/diff?from=1&to=2"

    with caplog.at_level(logging.WARNING, logger="thinktank.diff"):
        first = client_as(None).get(url)
        second = client_as(None).get(url)

    for response in (first, second):
        assert response.status_code == 200
        assert "Brug<ins> kun rådgivende</ins> modeller med omtanke." in response.get_data(
            as_text=True
        )
    warnings = [
        r.getMessage() for r in caplog.records if "Diff cache unavailable" in r.getMessage()
    ]
    assert len(warnings) == 1  # the second request did not wait for the cache again


def test_workers_share_diffs_through_redis(
    make_app, client_as, secretariat, make_recommendation, count_diffs
):
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    recommendation = _publish_second_version(client_as, secretariat, make_recommendation)
    shared = {
        "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
        "CACHE_DEFAULT_TIMEOUT": 60,
    }
    url = f"/recommendations/{recommendation.id}/diff?from=1&to=2"

    first = make_app(**shared).test_client().get(url)
    computed = len(count_diffs)
    second = make_app(**shared).test_client().get(url)

    assert computed == 3 and len(count_diffs) == computed
    assert "Brug<ins> kun rådgivende</ins> modeller med omtanke." in second.get_data(as_text=True)
    assert _diff_list(second) == _diff_list(first)
