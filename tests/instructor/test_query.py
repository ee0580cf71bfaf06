from __future__ import annotations

from aula.instructor.language import stem
from aula.instructor.query import analyse


def nothing_known(_: str) -> bool:
    return False


def everything_known(_: str) -> bool:
    return True


def test_a_spanish_phrase_becomes_its_english_rendering() -> None:
    query = analyse("¿Cuánta memoria de vídeo necesita SDXL?", "en", nothing_known)
    assert query.lang == "es"
    assert query.translated
    assert frozenset({"vram"}) in query.groups
    assert frozenset({"sdxl"}) in query.groups  # names pass through unchanged
    # "cuánta" and "necesita" only make it a question
    assert len(query.groups) == 2


def test_spanish_inflections_meet_one_entry() -> None:
    singular = analyse("¿Qué es el peso?", "en", nothing_known)
    plural = analyse("¿Qué son los pesos?", "en", nothing_known)
    assert singular.groups == plural.groups == (frozenset({stem("weights", "en")}),)


def test_an_unknown_spanish_word_in_an_english_question_is_still_translated() -> None:
    query = analyse("How big are the pesos of SDXL?", "en", lambda s: s in {"big", "sdxl"})
    assert query.lang == "en"
    assert frozenset({stem("weights", "en")}) in query.groups


def test_english_synonyms_add_to_the_word_and_keep_it() -> None:
    query = analyse("How much does a picture cost?", "en", everything_known)
    assert any({"pictur", "imag"} <= group for group in query.groups)


def test_question_words_make_no_groups() -> None:
    assert analyse("What does it mean?", "en", everything_known).groups == ()
    assert analyse("¿Qué significa?", "en", nothing_known).groups == ()


def test_a_choice_between_two_things_is_a_comparison() -> None:
    for question in (
        "Which is easier for a beginner, Midjourney or Stable Diffusion?",
        "Should I choose Flux or Midjourney?",
        "What's the main tradeoff between closed and open models?",
        "¿Qué ventajas tiene usar Stable Diffusion en vez de Midjourney?",
        "¿Cuál es mejor, código abierto o cerrado?",
    ):
        assert analyse(question, "en", everything_known).shape == "comparison", question
    assert analyse("Is Midjourney open source?", "en", everything_known).shape == "yesno"


def test_chatter_words_name_no_topic() -> None:
    groups = analyse("Why is privacy a problem? I'm worried.", "en", everything_known).groups
    assert frozenset({stem("problem", "en")}) not in groups
    assert frozenset({stem("worried", "en")}) not in groups


def test_a_long_message_keeps_the_words_the_learner_quotes() -> None:
    query = analyse(
        "Hola, estoy empezando con la IA generativa y en los foros todo el mundo habla de "
        "«checkpoints» y de «pesos», pero nadie explica qué son. ¿Me lo explicas?",
        "en",
        everything_known,
        salience=lambda s: 1.0,
    )
    assert query.groups[0] & {"checkpoint", "checkpoints"}
    assert query.groups[1] & {"peso", stem("weights", "en")}


def test_what_a_question_asks_for_weighs_more_when_the_course_never_uses_it() -> None:
    def known(s: str) -> bool:
        return s in {"vram", "midjourney", "stabil", "ai"}

    for question, stranger in (
        ("How much VRAM does an Xbox have?", "xbox"),  # a name the course never uses
        ("Who is the CEO of Midjourney?", "ceo"),
        ("How many employees does Stability AI have?", stem("employees", "en")),
        ("¿Quién fundó Midjourney?", "fundo"),
    ):
        query = analyse(question, "en", known)
        assert frozenset({stranger}) in query.unknown_names, question
    # an unknown word that is not what the question asks for stays an ordinary one
    assert not analyse("how much vram for lovely pictures", "en", known).unknown_names


def test_how_a_thing_works_asks_what_it_is() -> None:
    assert analyse("how do loras work", "en", everything_known).shape == "definition"
    assert analyse("¿Cómo funciona ControlNet?", "en", everything_known).shape == "definition"
    assert analyse("how do I run it", "en", everything_known).shape == "why"
