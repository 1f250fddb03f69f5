"""The classroom: instructor and student copies, a seminar timing sheet, and a class progress table."""
from lab_helpers.classroom.copies import *  # noqa: F401,F403  (split by concept in this step)
