"""The session platform: opening a lab (sandbox or live), its clients, tags, ledger, teardown and waits.

Nothing here knows about simulators or teaching aids; they sit above and reach the world through a
:class:`~lab_helpers.core.session.LabSession`'s describe calls.
"""
