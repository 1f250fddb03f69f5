"""Loaded by every Python process the test suite starts (its directory is on PYTHONPATH), kernels included.

When VPCLAB_NETWORK_GUARD=1, any socket connection outside 127.0.0.0/8 (or ::1, or a Unix socket) raises, so a
test proves the sandbox never reaches AWS instead of assuming it.
"""
import os

if os.environ.get("VPCLAB_NETWORK_GUARD") == "1":
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from netguard_impl import install  # noqa: E402

    install()
