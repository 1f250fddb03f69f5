"""Teaching with the labs: an instructor's copy with the answers in place, a seminar timing sheet, and progress.

    from lab_helpers import classroom
    classroom.instructor("01", "build/classroom")      # build/classroom/{instructor,student}/01_vpc_basics.ipynb
    print(classroom.timing_sheet(start="14:00"))        # Markdown; fmt="csv" for a spreadsheet
    classroom.progress_report(["alice/progress.json", "bob/progress.json"])   # one summary table

The same from a shell: ``vpclab instructor 01``, ``vpclab timing``, ``vpclab progress FILES...``; a class on a
real JupyterHub: ``vpclab classroom serve --users N`` and ``vpclab progress --hub URL --token T``.

* :mod:`.copies` — instructor and student copies of a lab.
* :mod:`.timing` — the seminar timing sheet.
* :mod:`.class_progress` — the class progress table.
* :mod:`.hub` — a JupyterHub on this machine: a server and home per learner, a shared password.
* :mod:`.hub_client` — the hub's REST and kernel APIs: the live progress table, a learner's session from a script.
* :mod:`.commands` — the ``vpclab`` subcommands.
"""
from lab_helpers.classroom.class_progress import ProgressReport, learner_name, progress_report
from lab_helpers.classroom.commands import add_classroom_commands
from lab_helpers.classroom.copies import Copies, instructor
from lab_helpers.classroom.timing import Section, lab_sections, timing_sheet

__all__ = ["instructor", "Copies", "timing_sheet", "lab_sections", "Section", "progress_report", "ProgressReport",
           "learner_name", "add_classroom_commands"]
