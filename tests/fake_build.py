"""Run `brief build` on a project with the fake executor and renderer, in a process of its own.

For tests that must kill or limit a real build process (SIGKILL mid-render, a full disk) but
are about the build's own publishing, not about kernels:

    python tests/fake_build.py PROJECT [--render-seconds S] [--output-bytes N] [--set TABLE:LINE:FIELD=VALUE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brief.cli import main  # noqa: E402
from tests.helpers import FakeExecutor, FakeRenderer  # noqa: E402


class SlowBigRenderer(FakeRenderer):
    def __init__(self, seconds: float, size: int):
        super().__init__()
        self.seconds, self.size = seconds, size

    def __call__(self, **kwargs):
        time.sleep(self.seconds)
        produced = super().__call__(**kwargs)
        for path in produced.values():
            with open(path, "a", encoding="utf-8") as f:
                f.write("x" * self.size)
        return produced


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--render-seconds", type=float, default=0)
    parser.add_argument("--output-bytes", type=int, default=0)
    args, rest = parser.parse_known_args()
    import brief.execute
    import brief.forkserver
    import brief.render

    brief.execute.execute = FakeExecutor()
    brief.render.render_brief = SlowBigRenderer(args.render_seconds, args.output_bytes)
    brief.forkserver.prestart = lambda: None
    import os

    os.chdir(args.project)
    main(["build", *rest])
