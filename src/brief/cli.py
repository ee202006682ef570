"""Command line: thin wrappers that merge options and make one library call each."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .exceptions import BriefError


class BriefGroup(click.Group):
    """Turns any BriefError into its one readable message and exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BriefError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)


@click.group(cls=BriefGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """Build the Armenia–Azerbaijan peace-process brief from the curated data in data/.

    \b
    Example:
      brief validate && brief build -p as_of=2024-06-30
    """


@main.command()
@click.option("--data", "data_dir", default="data", show_default=True, type=click.Path(path_type=Path),
              help="Directory holding datapackage.json and the CSV tables.")
def validate(data_dir: Path):
    """Check the whole dataset; print every problem as file:line:field and exit 1 if any.

    \b
    Example:
      brief validate
      brief validate --data /tmp/copy-of-data
    """
    from .validate import check_dataset

    tables, problems = check_dataset(data_dir)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found; nothing was built.", err=True)
        sys.exit(1)
    rows = sum(len(t.rows) for t in tables.values())
    click.echo(f"ok: {len(tables)} tables, {rows} rows, every quote found in its source")


@main.command()
def params():
    """List every build parameter with its type, default and description.

    \b
    Example:
      brief params
      brief build -p as_of=2024-06-30 -p mediators=united_states,germany_eu
    """
    from .params import SPECS

    for spec in SPECS:
        click.echo(f"{spec.name}\n  type:    {spec.type}\n  default: {spec.default}\n  {spec.help}\n")


if __name__ == "__main__":
    main()
