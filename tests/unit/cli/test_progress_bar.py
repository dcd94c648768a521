"""The progress bar draws on a terminal and stays silent when output is piped."""

from __future__ import annotations

import io

from idms.cli.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_bar_and_it_is_cleared_at_the_end():
    screen = Terminal()
    bar = ProgressBar("Importing h.csv", screen)
    bar.INTERVAL = 0

    bar.update(50, 100, "5,000 rows")
    drawn = screen.getvalue()
    bar.close()

    assert "Importing h.csv [" in drawn
    assert " 50% 5,000 rows" in drawn
    assert screen.getvalue().endswith("\r\033[K")


def test_piped_output_gets_no_bar_at_all():
    pipe = io.StringIO()
    bar = ProgressBar("Importing h.csv", pipe)
    bar.INTERVAL = 0

    bar.update(50, 100)
    bar.close()

    assert pipe.getvalue() == ""
