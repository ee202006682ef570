"""The CLI: every command explains itself with an example; `brief params` lists every parameter."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from brief.cli import main
from brief.params import describe


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "brief " in result.output.split("Example", 1)[1]


def test_params_lists_type_default_and_description_of_each():
    output = CliRunner().invoke(main, ["params"]).output
    for spec in describe():
        block = output.split(spec["name"] + "\n", 1)[1].split("\n\n", 1)[0]
        assert f"type:    {spec['type']}" in block and f"default: {spec['default']}" in block
        assert spec["help"] in block and f"-p {spec['name']}={spec['example']}" in block


def test_unknown_command_suggests_the_closest():
    result = CliRunner().invoke(main, ["biuld"])
    assert result.exit_code == 2 and "Did you mean 'build'?" in result.output
