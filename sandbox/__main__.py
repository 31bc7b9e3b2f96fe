"""``python -m sandbox serve`` (make sandbox) and ``python -m sandbox demo`` (make demo)."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

# Before anything imports powertools: its Logger reads the level when it is created.
for _key, _value in {
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "AWS_ACCESS_KEY_ID": "sandbox",
    "AWS_SECRET_ACCESS_KEY": "sandbox",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ.setdefault(_key, _value)

import typer  # noqa: E402

from sandbox.served import FIXED_PORTS, Ports, ServedWorld  # noqa: E402

cli = typer.Typer(add_completion=False, help="ledgerlink's local world.")
ENDPOINTS = Path(".sandbox/endpoints.json")


def _quiet_servers() -> None:
    """Request logs of the local HTTP servers would drown the story."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    import warnings

    warnings.filterwarnings("ignore", category=UserWarning, module="aws_lambda_powertools")


@cli.command()
def serve(
    ephemeral_ports: bool = typer.Option(False, help="Pick free ports instead of 8700-8766."),
) -> None:
    """Run the local world in the foreground until Ctrl-C."""
    _quiet_servers()
    served = ServedWorld(ports=Ports() if ephemeral_ports else FIXED_PORTS)
    served.start()
    path = served.write_endpoints(ENDPOINTS)
    endpoints = served.endpoints()
    typer.echo(f"ledgerlink sandbox is up. Endpoints and demo credentials: {path.resolve()}")
    typer.echo(f"  API Gateway stand-in  {endpoints['api_url']}")
    typer.echo(f"  Salesforce emulator   {endpoints['salesforce']['url']}")
    typer.echo(f"  Intacct XML gateway   {endpoints['intacct']['url']}")
    typer.echo(f"  AWS (moto)            {endpoints['aws']['endpoint_url']}")
    typer.echo("Ctrl-C stops everything.")
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    typer.echo("stopping...")
    served.stop()


@cli.command()
def demo() -> None:
    """Start the world on free ports, run the whole story, print what happened."""
    _quiet_servers()
    from sandbox.demo import run_demo

    raise typer.Exit(run_demo())


@cli.command()
def chaos(
    records: int = typer.Option(2000, help="Records to make, split over every mapped object."),
    seed: int = typer.Option(7, help="The dice: a failing run can be replayed."),
) -> None:
    """Soak the whole pipe under faults and check nothing is lost, duplicated, drifted or
    flipped (make chaos)."""
    _quiet_servers()
    from sandbox.chaos import run_chaos

    raise typer.Exit(run_chaos(records, seed))


if __name__ == "__main__":
    cli()
