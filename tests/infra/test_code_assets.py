"""Function code assets leave local bytecode caches behind and ship the runtime's own."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from infra.bundling import runtime_interpreter
from infra.constructs.functions import ARCHITECTURE, HANDLER, RUNTIME, function_code

pytestmark = pytest.mark.infra


def test_function_code_excludes_local_pycache_and_ships_the_runtimes_bytecode(tmp_path):
    # Given a function folder with the local interpreter's bytecode caches in it
    source = tmp_path / "functions" / "probe"
    (source / "__pycache__").mkdir(parents=True)
    (source / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (source / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\0")
    (source / "stray.pyc").write_bytes(b"\0")
    outdir = tmp_path / "cdk.out"

    # When its code asset is synthesized (bundling runs)
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

    # Then the asset holds the handler and, where the runtime's Python is here, its bytecode only
    [staged] = [p for p in outdir.glob("asset.*") if p.is_dir()]
    files = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file())
    if runtime_interpreter() is None:
        assert files == ["handler.py"]
    else:
        assert files == ["__pycache__/handler.cpython-312.pyc", "handler.py"]
