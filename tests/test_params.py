"""Parameter checking: every error is a ParameterError naming the fix, raised by plain Python
(``params.resolve``) before anything is executed, so no kernel is ever started for bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from brief.exceptions import ParameterError
from brief.params import MEDIATORS, NAMES, parse_assignments, read_params_file, resolve

LATEST = dt.date(2024, 12, 31)


def error(raw: dict) -> str:
    with pytest.raises(ParameterError) as info:
        resolve(raw, LATEST)
    return str(info.value)


def test_defaults_come_from_the_data_not_the_clock():
    p = resolve({"as_of": None, "since": None, "mediators": None, "period": "quarter"}, LATEST)
    assert (p.as_of, p.since, p.mediators, p.period) == (LATEST, dt.date(2024, 1, 1), MEDIATORS, "quarter")
    assert p.to_notebook() == {"as_of": "2024-12-31", "since": "2024-01-01", "mediators": list(MEDIATORS),
                               "period": "quarter"}


def test_since_defaults_to_one_year_before_as_of_even_from_a_leap_day():
    assert resolve({"as_of": "2024-02-29"}, LATEST).since == dt.date(2023, 3, 1)
    assert resolve({"as_of": "2024-06-30"}, LATEST).since == dt.date(2023, 7, 1)


@pytest.mark.parametrize("name,hint", [("as_off", "as_of"), ("snce", "since"), ("mediator", "mediators"),
                                       ("periods", "period")])
def test_unknown_name_suggests_the_closest(name, hint):
    message = error({name: "x"})
    assert f"unknown parameter '{name}'" in message
    assert f"did you mean '{hint}'?" in message


def test_unknown_name_without_a_close_match_points_to_the_list():
    message = error({"colour": "red"})
    assert "did you mean" not in message and "brief params" in message


@pytest.mark.parametrize("value", ["30/06/2024", "2024-6-30", "June 2024", "2024-06"])
def test_malformed_date_says_what_is_expected(value):
    message = error({"as_of": value})
    assert f"parameter as_of: '{value}' is not a date" in message
    assert "expected YYYY-MM-DD" in message


def test_impossible_date_is_refused():
    assert "is not a real date" in error({"since": "2024-02-30"})


def test_inverted_window_is_refused():
    message = error({"as_of": "2024-06-30", "since": "2024-07-01"})
    assert "since (2024-07-01) is after as_of (2024-06-30)" in message
    assert "swap the dates" in message


def test_unknown_mediator_and_period_suggest_the_closest():
    assert "did you mean 'united_states'?" in error({"mediators": "united_state"})
    assert "did you mean 'month'?" in error({"period": "mnth"})
    assert "expected one of month, quarter" in error({"period": "week"})


def test_mediators_keep_the_canonical_order_and_accept_lists():
    assert resolve({"mediators": "turkey, united_states"}, LATEST).mediators == ("united_states", "turkey")
    assert resolve({"mediators": ["germany_eu"]}, LATEST).mediators == ("germany_eu",)
    assert resolve({"mediators": "all"}, LATEST).mediators == MEDIATORS


def test_cli_assignments_and_files_are_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a parameters file must lie inside the project
    assert parse_assignments(["as_of=2024-06-30"]) == {"as_of": "2024-06-30"}
    with pytest.raises(ParameterError, match="is not NAME=VALUE"):
        parse_assignments(["as_of"])
    bad = tmp_path / "p.yml"
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="expected a mapping"):
        read_params_file(bad)
    with pytest.raises(ParameterError, match="cannot read parameters file"):
        read_params_file(tmp_path / "missing.yml")


def test_parameter_errors_exit_with_code_2():
    with pytest.raises(ParameterError) as info:
        resolve({"as_off": "2024-06-30"}, LATEST)
    assert info.value.exit_code == 2
    assert set(NAMES) == {"as_of", "since", "mediators", "period"}
