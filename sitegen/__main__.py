"""Where `sitegen` and `python -m sitegen` start: quiet about Ctrl-C from the first line on.

Importing the build's libraries takes a noticeable moment; a Ctrl-C (or a CI runner's SIGTERM)
in that moment must end the command with one word, not a traceback through an import. The
command line installs its own handlers once it is ready to clean up after itself.
"""

import os
import signal
import sys


def _stop(signum: int, frame: object) -> None:
    os.write(2, b"interrupted\n")
    os._exit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:  # `sitegen` rather than `python` in ps and top (and for tests to see the command has started)
        with open("/proc/self/comm", "w") as comm:
            comm.write("sitegen")
    except OSError:
        pass
    from sitegen.cli import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
