"""Lesson content: the seminar's Kubernetes objects and the course notes' worked cost scenarios.

Kept apart from the simulators so a simulator models AWS, and a lesson decides what to show with it.
"""
