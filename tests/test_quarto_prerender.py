"""What the Quarto pre-render step makes of Quarto's command line and profiles, without Quarto: the
refusals a user meets before anything is built. (test_quarto.py runs real Quarto: that a profile and
-P reach this step, and that a refusal stops the render with its line.)"""

from __future__ import annotations

import shutil

import pytest

from brief.exceptions import BriefError, EditionError
from brief.quarto_prerender import check_formats, edition_from_profiles, params_from_quarto

from .helpers import FIXTURE


def test_a_profile_is_an_edition_and_an_unknown_one_names_the_editions():
    assert edition_from_profiles(FIXTURE, "2024-06") == "2024-06"
    assert edition_from_profiles(FIXTURE, "") is None
    with pytest.raises(EditionError) as err:
        edition_from_profiles(FIXTURE, "no-such-edition")
    assert str(err.value) == ("quarto --profile no-such-edition: no edition of that name and no "
                              "_quarto-no-such-edition.yml (editions: 2024-06, 2024-12 (see `brief editions`))")
    with pytest.raises(EditionError, match=r"names 2 editions \(2024-06, 2024-12\).*one edition at a time"):
        edition_from_profiles(FIXTURE, "2024-06,2024-12")


def test_a_profile_with_its_own_quarto_file_is_left_to_quarto(tmp_path):
    shutil.copytree(FIXTURE / "editions", tmp_path / "editions")
    (tmp_path / "_quarto-draft.yml").write_text("format: html\n", encoding="utf-8")
    assert edition_from_profiles(tmp_path, "draft,2024-12") == "2024-12"
    assert edition_from_profiles(tmp_path, "draft") is None


@pytest.mark.parametrize("argv", [["quarto", "render", "brief.qmd", "--to", "pdf"],
                                  ["quarto", "render", "-t", "html,pdf"]])
def test_quartos_latex_pdf_is_refused_with_the_typst_command(argv):
    with pytest.raises(BriefError) as err:
        check_formats(argv)
    assert "run `quarto render brief.qmd --to typst` for the PDF" in str(err.value)


def test_typst_and_html_pass():
    check_formats(["quarto", "render", "brief.qmd", "--to", "typst"])
    check_formats(["quarto", "render", "--to", "html"])


def test_parameters_come_from_quartos_p_flags(tmp_path):
    argv = ["quarto", "render", "-P", "as_of:2024-06-30", "--execute-param=period: month", "--to", "html"]
    assert params_from_quarto(argv, tmp_path) == {"as_of": "2024-06-30", "period": "month"}
    with pytest.raises(BriefError, match="is not name:value"):
        params_from_quarto(["quarto", "render", "-P", "as_of"], tmp_path)
