"""Command line: thin wrappers that merge options and make one library call each."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from .exceptions import BriefError
from .text import printable


class BriefGroup(click.Group):
    """Turns any failure into one readable message and an exit code, never a bare traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BriefError as err:
            click.echo(f"error: {printable(str(err))}", err=True)
            sys.exit(err.exit_code)
        except click.exceptions.UsageError as err:  # a bad option or command: one line, like every error
            where = err.ctx.command_path if err.ctx else "brief"
            click.echo(f"error: {' '.join(err.format_message().split())} (see `{where} --help`)", err=True)
            sys.exit(2)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # --help and the like: click handles them itself
        except KeyboardInterrupt:
            # The build has removed its staging and killed its kernels; worker threads still winding
            # down must neither print nor keep the process alive.
            logging.disable(logging.CRITICAL)
            click.echo("interrupted: nothing was published; reports/ is as it was", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        except Exception as err:
            if os.environ.get("BRIEF_DEBUG"):
                raise
            click.echo(f"internal error: {type(err).__name__}: {err} (a bug in brief, not in your data: "
                       "rerun with BRIEF_DEBUG=1 for the traceback and report it)", err=True)
            sys.exit(70)


@click.group(cls=BriefGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """Build the Armenia–Azerbaijan peace-process brief from the curated data in data/.

    \b
    Example:
      brief validate && brief build -p as_of=2024-06-30
    """


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path),
              help="Directory holding datapackage.json and the CSV tables [default: the project's data/].")
def validate(data_dir: Path | None):
    """Check the whole dataset; print every problem as file:line:field and exit 1 if any.

    \b
    Example:
      brief validate
      brief validate --data /tmp/copy-of-data
    """
    from .project import find_root
    from .validate import check_dataset

    tables, problems = check_dataset(data_dir or find_root() / "data")
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
      brief build -p as_of=2024-06-30 -p known_by=latest -p mediators=none
    """
    from .params import describe

    for spec in describe():
        click.echo(f"{spec['name']}\n  type:    {spec['type']}\n  default: {spec['default']}\n  example: "
                   f"-p {spec['name']}={spec['example']}\n  {spec['help']}\n")


def _raw_params(assignments, params_file) -> dict:
    from .params import parse_assignments, read_params_file

    raw = read_params_file(params_file) if params_file else {}
    raw.update(parse_assignments(assignments))
    return raw


@main.command()
@click.option("-p", "--param", "assignments", multiple=True, metavar="NAME=VALUE",
              help="Set a parameter (repeatable); see `brief params`.")
@click.option("--params", "params_file", type=click.Path(path_type=Path), help="YAML file of NAME: VALUE.")
@click.option("--to", "formats", default="pdf,html", show_default=True, help="Comma-separated: pdf, html.")
@click.option("--engine", default="builtin", show_default=True, type=click.Choice(["builtin", "quarto"]),
              help="builtin = pandoc + Typst (pip-installed); quarto = the Quarto CLI, if installed.")
@click.option("--jobs", type=int, default=None, help="Notebooks executed at once [default: number of cores].")
@click.option("--force", is_flag=True, help="Ignore the cache: execute and render everything.")
@click.option("--edition", help="Build a committed edition (editions/NAME.yml); see `brief editions`.")
@click.option("--all-editions", is_flag=True, help="Build every edition, concurrently.")
@click.option("--since-edition", help="Compare with this edition in 'What changed' (default: the previous one).")
@click.option("--timeout", type=float, default=600, show_default=True,
              help="Seconds one notebook may run before the build stops it.")
@click.option("--strict", is_flag=True, help="Refuse to publish when an analyst passage is stale.")
def build(assignments, params_file, formats, engine, jobs, force, edition, all_editions, since_edition, timeout,
          strict):
    """Validate the data and parameters, execute the notebooks, render, publish into reports/.

    Only notebooks whose inputs changed are executed again; nothing is published unless
    everything succeeded.

    \b
    Examples:
      brief build
      brief build -p as_of=2024-06-30 -p known_by=latest -p mediators=none --to html
      brief build --edition 2024-12
      brief build --all-editions
      brief build --timeout 1200    # allow a slow notebook 20 minutes
      brief build --strict          # refuse to publish with stale analyst prose
    """
    from .build import build as run_build
    from .build import build_all_editions
    from .project import find_root

    root = find_root()
    formats = tuple(formats.split(","))
    if all_editions:
        results = build_all_editions(project_root=root, formats=formats, engine=engine, jobs=jobs, force=force,
                                     timeout=timeout, strict=strict)
    else:
        results = [run_build(project_root=root, params_raw=_raw_params(assignments, params_file), formats=formats,
                             engine=engine, jobs=jobs, force=force, edition=edition, since_edition=since_edition,
                             timeout=timeout, strict=strict)]
    for result in results:
        for path in result.outputs.values():
            click.echo(str(path.relative_to(Path.cwd().resolve()) if Path.cwd().resolve() in path.parents else path))


@main.command()
@click.option("--edition", help="Edition to verify [default: the latest built].")
def verify(edition):
    """Rebuild an edition from scratch in a temporary directory and compare with its manifest.

    Exits 1 and lists every differing file when the outputs cannot be reproduced.

    \b
    Example:
      brief build && brief verify
    """
    from .project import find_root
    from .verify import verify as run_verify

    differences = run_verify(project_root=find_root(), edition=edition)
    for difference in differences:
        click.echo(str(difference), err=True)
    if differences:
        click.echo(f"{len(differences)} difference(s): the published outputs are not what these inputs build.",
                   err=True)
        sys.exit(1)
    click.echo("verified: a clean rebuild gives byte-identical outputs")


@main.command()
def editions():
    """List the committed editions (editions/*.yml), oldest first.

    \b
    Example:
      brief editions
      brief build --edition 2024-12
    """
    from .editions import list_editions
    from .project import find_root

    listed = list_editions(find_root())
    previous = None
    for edition in listed:
        since = f", compared with {previous.name}" if previous else ", first edition"
        click.echo(f"{edition.name}  as_of {edition.as_of}  {edition.title}{since}")
        previous = edition
    if not listed:
        click.echo("no editions yet: add editions/<name>.yml (see README)")


@main.command()
@click.option("-p", "--param", "assignments", multiple=True, metavar="NAME=VALUE", help="Set a parameter.")
@click.option("--edition", help="Preview a committed edition.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port on 127.0.0.1.")
def preview(assignments, edition, port):
    """Build the HTML, serve it on localhost and rebuild when data, notebooks or the brief change.

    The page reloads itself after each rebuild; bad data shows its errors in the page.

    \b
    Example:
      brief preview --port 8765     # then open http://127.0.0.1:8765/
    """
    from .build import build as run_build
    from .preview import serve
    from .project import find_root

    root = find_root()
    raw = _raw_params(assignments, None)

    def build_html() -> Path:
        result = run_build(project_root=root, params_raw=raw, formats=("html",), edition=edition,
                           out_root=root / ".brief-cache" / "preview")
        return result.outputs["html"]

    serve(project_root=root, build_html=build_html, port=port, echo=lambda text: click.echo(text, err=True))


if __name__ == "__main__":
    main()
