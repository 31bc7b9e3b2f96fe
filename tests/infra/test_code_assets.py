"""Function code assets leave bytecode caches behind."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from infra.constructs.functions import ARCHITECTURE, HANDLER, RUNTIME, function_code

pytestmark = pytest.mark.infra


def test_function_code_excludes_pycache(tmp_path):
    source = tmp_path / "functions" / "probe"
    (source / "__pycache__").mkdir(parents=True)
    (source / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (source / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\0")
    (source / "stray.pyc").write_bytes(b"\0")
    outdir = tmp_path / "cdk.out"

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Probe")
    lambda_.Function(
        stack,
        "Fn",
        runtime=RUNTIME,
        architecture=ARCHITECTURE,
        handler=HANDLER,
        code=function_code(source),
    )
    app.synth()

    [staged] = [p for p in outdir.glob("asset.*") if p.is_dir()]
    assert sorted(p.name for p in staged.rglob("*")) == ["handler.py"]
