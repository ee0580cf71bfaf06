from __future__ import annotations

from aula.content.markdown import render
from aula.instructor.text import Block, blocks, sentences, terminal_lines


def test_blocks_keep_paragraphs_items_headings_and_label_table_rows() -> None:
    html = render(
        "Intro\nwrapped line.\n\n## A heading\n\n- **LoRA**: an add-on.\n\n"
        "| Version | File |\n|---|---|\n| SD 1.5 | 2.13 GB |\n"
    ).html
    assert blocks(html) == [
        Block("Intro wrapped line."),
        Block("A heading", heading=True),
        Block("LoRA: an add-on."),
        Block("Version: SD 1.5; File: 2.13 GB"),
    ]


def test_sentences_split_at_full_stops_but_not_after_abbreviations() -> None:
    assert sentences("Convenience vs. Control is a choice. It is strategic! Is it? Yes.") == [
        "Convenience vs. Control is a choice.",
        "It is strategic!",
        "Is it?",
        "Yes.",
    ]
    assert sentences("SD 1.5 has 1.07B parameters.") == ["SD 1.5 has 1.07B parameters."]


def test_terminal_tables_become_labelled_rows_and_ascii_art_is_dropped() -> None:
    out = (
        "setup            peak    3060\n"
        "SDXL fp16        21.7 GB  -\n"
        "..##..####..\n"
        "\n"
        "privacy\n"
        "  Midjourney   public unless Stealth\n"
        "Offloading to system RAM lowers the peak but costs speed, and\n"
        "diffusers calls it slow.\n"
    )
    assert terminal_lines(out) == [
        "setup: SDXL fp16; peak: 21.7 GB; 3060: -",
        "privacy",
        "Midjourney: public unless Stealth",
        "Offloading to system RAM lowers the peak but costs speed, and",
        "diffusers calls it slow.",
    ]
