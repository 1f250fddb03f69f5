# Makes network.py importable from tests/ (pytest puts this folder on sys.path). The vpc_sandbox fixture comes
# from vpc-labs' pytest plugin, which pytest loads by itself once vpc-labs is installed.
