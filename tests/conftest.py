import sys
from pathlib import Path

# Shared test helpers (tests/report_files.py) import as a top-level module.
sys.path.insert(0, str(Path(__file__).parent))
