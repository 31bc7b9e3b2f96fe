"""Where the app finds what it deploys."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
SHARED = ROOT / "shared"
PYPROJECT = ROOT / "pyproject.toml"
CDK_JSON = ROOT / "cdk.json"
LAYER_LOCK = ROOT / "requirements-layer.lock"
