"""Parameters, declared once: every malformed form is refused in one line with its fix, the same forms
mean the same thing from the CLI, a --params file and an edition file, and defaults come from the data."""

from __future__ import annotations

import datetime as dt

import nbformat
import pytest
from papermill.translators import PythonTranslator

from brief import params
from brief.editions import load_edition
from brief.exceptions import EditionError, ParameterError
from brief.params import DataDefaults, check_forms, resolve

D = dt.date
# Defaults as the data would give them: latest fact on 31 Dec 2024, one reported in March 2025.
DEFAULTS = DataDefaults(latest=D(2024, 12, 31), latest_known=D(2025, 3, 31), actors=("arda", "belor", "colonia"))


def refusal(raw: dict, defaults: DataDefaults | None = None) -> tuple[str, str]:
    with pytest.raises(ParameterError) as err:
        resolve(raw, defaults) if defaults else check_forms(raw)
    assert err.value.exit_code == 2, "a parameter error is a usage error (exit 2)"
    return err.value.message, err.value.fix


# --------------------------------------------------------------------------- forms, before any data is read


@pytest.mark.parametrize(("raw", "message", "fix"), [
    ({"as_off": "2024-06-30"}, "unknown parameter 'as_off'", "did you mean 'as_of'? see `brief params` for the list"),
    ({"colour": "red"}, "unknown parameter 'colour'", "see `brief params` for the list"),
    ({"as_of": "30/06/2024"}, "parameter as_of: '30/06/2024' is not a date",
     "expected YYYY-MM-DD, e.g. as_of=2024-06-30"),
    ({"since": "2024-6-30"}, "parameter since: '2024-6-30' is not a date",
     "expected YYYY-MM-DD, e.g. since=2024-06-30"),
    ({"as_of": "2024-02-30"}, "parameter as_of: '2024-02-30' is not a real date (day is out of range for month)",
     "expected YYYY-MM-DD, e.g. as_of=2024-06-30"),
    ({"as_of": "1899-12-31"}, "parameter as_of: 1899-12-31 is out of range", "give a date between 1900 and 2100"),
    ({"known_by": "2101-01-01"}, "parameter known_by: 2101-01-01 is out of range", "give a date between 1900 and 2100"),
    ({"period": "monthly"}, "parameter period: 'monthly' is not a period",
     "did you mean 'month'? expected one of month, quarter"),
    ({"period": "year"}, "parameter period: 'year' is not a period", "expected one of month, quarter"),
    ({"mediators": "Colonia"}, "parameter mediators: 'Colonia' is not an actor id",
     "use lowercase ids from data/vocabulary/actors.csv, 'none' or 'all', comma-separated"),
    ({"mediators": "colonia;arda"}, "parameter mediators: 'colonia;arda' is not an actor id",
     "use lowercase ids from data/vocabulary/actors.csv, 'none' or 'all', comma-separated"),
])
def test_malformed_forms_are_refused_with_the_fix(raw, message, fix):
    assert refusal(raw) == (message, fix)


def test_a_misspelt_latest_is_pointed_at_latest():
    message, fix = refusal({"known_by": "lastest"})
    assert message == "parameter known_by: 'lastest' is neither a date nor 'latest'"
    assert fix == "did you mean 'latest'? expected YYYY-MM-DD or latest, e.g. known_by=latest"


@pytest.mark.parametrize("raw", [{}, {"as_of": ""}, {"as_of": None}, {"mediators": "all"}, {"mediators": " , "}])
def test_blank_none_and_all_mean_the_default(raw):
    assert check_forms(raw) == params.ParameterForms()


def test_forms_are_checked_without_data():
    forms = check_forms({"as_of": "2024-06-30", "known_by": "latest", "since": "2024-01-01",
                         "mediators": " colonia , none ", "period": "month"})
    assert forms == params.ParameterForms(as_of=D(2024, 6, 30), known_by="latest", since=D(2024, 1, 1),
                                          mediators=("colonia", "none"), period="month")


# --------------------------------------------------------------------------- resolve: defaults and values from the data


def test_defaults_come_from_the_data():
    p = resolve({}, DEFAULTS)
    assert (p.as_of, p.known_by, p.since, p.period) == (D(2024, 12, 31), D(2024, 12, 31), D(2024, 1, 1), "quarter")
    assert p.mediators == ("arda", "belor", "colonia", "none") and p.all_mediators
    assert p.view.describe().startswith("The brief as it could have been written on 31 December 2024")


def test_known_by_latest_is_the_last_day_anything_became_known():
    p = resolve({"as_of": "2024-06-30", "known_by": "latest"}, DEFAULTS)
    assert (p.as_of, p.known_by, p.since) == (D(2024, 6, 30), D(2025, 3, 31), D(2023, 7, 1))
    assert p.view.retrospective


def test_known_by_latest_never_falls_before_as_of():
    # as_of after everything in the data: 'latest' means as_of itself, not an impossible earlier day.
    p = resolve({"as_of": "2025-06-30", "known_by": "latest"}, DEFAULTS)
    assert p.known_by == D(2025, 6, 30) and not p.view.retrospective


def test_known_by_before_as_of_is_refused():
    assert refusal({"as_of": "2024-06-30", "known_by": "2024-06-29"}, DEFAULTS) == (
        "known_by (2024-06-29) is before as_of (2024-06-30)",
        "a brief cannot know less than what had happened by its date: use known_by on or after as_of, "
        "or known_by=latest")


def test_since_after_as_of_is_refused():
    assert refusal({"since": "2025-01-01"}, DEFAULTS) == (
        "since (2025-01-01) is after as_of (2024-12-31)", "the window must start on or before as_of: swap the dates")


def test_since_defaults_to_one_year_before_as_of_even_on_29_february():
    assert resolve({"as_of": "2024-02-29"}, DEFAULTS).since == D(2023, 3, 1)


@pytest.mark.parametrize(("given", "selected", "everyone"), [
    ("colonia,arda", ("arda", "colonia"), False),  # the vocabulary's order, whatever order they were given in
    ("none", ("none",), False),
    ("colonia,colonia,none", ("colonia", "none"), False),
    ("none,colonia,belor,arda", ("arda", "belor", "colonia", "none"), True),
])
def test_mediators_are_in_canonical_order(given, selected, everyone):
    p = resolve({"mediators": given}, DEFAULTS)
    assert (p.mediators, p.all_mediators) == (selected, everyone)


def test_any_actor_of_the_vocabulary_is_a_mediator():
    # A new actor is a data edit: the same parameter accepts it once the vocabulary has it.
    assert refusal({"mediators": "estria"}, DEFAULTS)[0] == "parameter mediators: unknown actor 'estria'"
    grown = DataDefaults(DEFAULTS.latest, DEFAULTS.latest_known, (*DEFAULTS.actors, "estria"))
    assert resolve({"mediators": "estria"}, grown).mediators == ("estria",)


def test_unknown_mediator_gets_did_you_mean():
    assert refusal({"mediators": "colonai"}, DEFAULTS) == (
        "parameter mediators: unknown actor 'colonai'",
        "did you mean 'colonia'? see data/vocabulary/actors.csv, or use 'none' for meetings without a named mediator")


def test_resolved_values_reach_notebooks_as_json():
    p = resolve({"as_of": "2024-06-30", "mediators": "colonia"}, DEFAULTS)
    assert p.to_notebook() == {"as_of": "2024-06-30", "known_by": "2024-06-30", "since": "2023-07-01",
                               "mediators": ["colonia"], "period": "quarter"}
    # What a notebook receives resolves to the same parameters again (the kernel re-resolves it).
    assert resolve(p.to_notebook(), DEFAULTS) == p


# --------------------------------------------------------------------------- one declaration: help and the cell


def test_describe_lists_every_parameter_with_an_example_that_is_accepted():
    described = params.describe()
    assert [d["name"] for d in described] == ["as_of", "known_by", "since", "mediators", "period"]
    for d in described:
        assert d["type"] and d["default"] and d["help"], f"{d['name']}: `brief params` would show a blank"
        check_forms({d["name"]: d["example"]})  # the documented example is a valid value
    assert {d["name"]: d["example"] for d in described} == {
        "as_of": "2024-06-30", "known_by": "latest", "since": "2024-01-01", "mediators": "none", "period": "month"}


def test_parameters_cell_declares_each_name_once_with_its_help():
    cell = params.parameters_cell(params.NOTEBOOK_PARAMETERS)
    namespace: dict = {}
    exec(cell, namespace)  # noqa: S102 - our own generated source
    assert {k: v for k, v in namespace.items() if k != "__builtins__"} == dict.fromkeys(params.NOTEBOOK_PARAMETERS)
    assert params.NOTEBOOK_PARAMETERS == ("as_of", "known_by", "since", "mediators", "period", "edition",
                                          "provenance")
    first = cell.splitlines()[0]
    assert first == ("as_of = None  # date (YYYY-MM-DD); default: the latest day by which a fact in data/ happened "
                     "or became known")


def test_papermill_reads_every_parameter_of_the_cell():
    """papermill (and `papermill --help-notebook`) must see each parameter with its help: a second '=' on a
    line makes it skip the line."""
    cell = nbformat.v4.new_code_cell(params.parameters_cell(params.NOTEBOOK_PARAMETERS))
    found = {p.name: p for p in PythonTranslator.inspect(cell)}
    assert list(found) == list(params.NOTEBOOK_PARAMETERS)
    assert all(p.default == "None" and p.help for p in found.values())
    assert found["period"].help == "month or quarter; default: quarter"


# --------------------------------------------------------------------------- the same forms from CLI, YAML and editions

EXPECTED = params.ParameterForms(as_of=D(2024, 6, 30), known_by="latest", since=D(2024, 1, 1),
                                 mediators=("colonia", "none"), period="month")


def test_cli_assignments():
    raw = params.parse_assignments(["as_of=2024-06-30", "known_by=latest", "since = 2024-01-01",
                                    "mediators=colonia,none", "period=month"])
    assert check_forms(raw) == EXPECTED


def test_cli_assignment_without_equals_is_refused():
    with pytest.raises(ParameterError) as err:
        params.parse_assignments(["as_of"])
    assert str(err.value) == "parameter 'as_of' is not NAME=VALUE (write e.g. -p as_of=2024-06-30)"


@pytest.mark.parametrize("mediators", ["[colonia, none]", "colonia,none", '"colonia, none"'])
def test_params_file(tmp_path, monkeypatch, mediators):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yml").write_text(f"as_of: 2024-06-30\nknown_by: latest\nsince: 2024-01-01\n"
                                    f"mediators: {mediators}\nperiod: month\n", encoding="utf-8")
    assert check_forms(params.read_params_file(tmp_path / "p.yml")) == EXPECTED


@pytest.mark.parametrize(("line", "message"), [
    ("as_of: 2024-02-30", "parameter as_of: '2024-02-30' is not a real date (day is out of range for month)"),
    ("as_of: 2024-6-30", "parameter as_of: '2024-6-30' is not a date"),
    ("period: 1", "parameter period: '1' is not a period"),
])
def test_params_file_values_are_checked_like_cli_values(tmp_path, monkeypatch, line, message):
    """A YAML value is read as the text the user wrote, so it gets the CLI's one-line message (YAML's own
    date parsing would crash on 2024-02-30 and silently accept 2024-6-30)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yml").write_text(line + "\n", encoding="utf-8")
    assert refusal(params.read_params_file(tmp_path / "p.yml"))[0] == message


def test_params_file_must_be_a_mapping(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yml").write_text("- as_of\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p\.yml: expected a mapping of NAME: VALUE"):
        params.read_params_file(tmp_path / "p.yml")


def test_edition_file(tmp_path):
    (tmp_path / "editions").mkdir()
    path = tmp_path / "editions" / "mid.yml"
    path.write_text("as_of: 2024-06-30\nknown_by: latest\nsince: 2024-01-01\nmediators: [colonia, none]\n"
                    "period: month\n", encoding="utf-8")
    edition = load_edition(path, tmp_path)
    assert edition.forms == EXPECTED
    assert check_forms(edition.params) == EXPECTED, "an edition's parameters must round-trip as -p values"


def test_edition_file_form_errors_name_the_file(tmp_path):
    (tmp_path / "editions").mkdir()
    path = tmp_path / "editions" / "mid.yml"
    path.write_text("as_of: 2024-06-31\n", encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_edition(path, tmp_path)
    assert err.value.message == ("editions/mid.yml: parameter as_of: '2024-06-31' is not a real date "
                                 "(day is out of range for month)")
    assert err.value.exit_code == 2
