"""Re-execute notebooks in place, each top to bottom in a fresh kernel (`make notebooks`).

    python tools/execute_notebooks.py [--timeout SECONDS] NOTEBOOK...

Stored outputs are what nbval compares, so this is how they are regenerated. Differences
from a plain `jupyter nbconvert --execute --inplace`, each for a reason:
- every cell has a time limit; a cell that hangs fails with the notebook, the cell number and
  its first line, instead of waiting for ever;
- no per-cell timestamps (they would change on every run);
- the saved widget state is dropped after execution: JupyterLab shows nothing from it before
  the cells run, and it is ~100 KB per explorer that changes on every run. (nbclient's own
  store_widget_state=False is not an option: nbclient 0.11 then fails with a KeyError on every
  Output widget.)
- replies from the kernel are looked for at least once a second (PatientChannel below): a
  reply can otherwise sit unnoticed until the cell's time limit;
- on Linux and macOS the kernel talks over local sockets (IPC) rather than TCP on 127.0.0.1,
  so it does not print its warning about unencrypted TCP.
Stops at the first notebook that fails; the notebooks after it are left as they were.
"""
import argparse
import sys
import time
import uuid
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

DEFAULT_TIMEOUT = 300   # seconds per cell: a few s when idle; one took over 120 s under load


class PatientChannel(AsyncZMQSocketChannel):
    """A kernel channel whose get_msg wakes up at least once a second to look for a message.

    Measured here (docs/notebook-execution.md): in 8 of 28 runs of notebooks 04 and 07 on a
    loaded machine, the execute_reply of the explorer cell reached the client's socket but the
    asyncio poll was not woken (ZeroMQ's file descriptor is edge-triggered, and the wake-up
    was lost). The kernel was idle, and nbclient waited until the cell's timeout, whose final
    poll found the reply at once; with no timeout it waits for ever. A short poll repeated
    until the deadline finds such a message within a second."""

    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 1.0 if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await super().get_msg(timeout=min(1.0, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class PatientKernelClient(AsyncKernelClient):
    shell_channel_class = PatientChannel
    iopub_channel_class = PatientChannel
    control_channel_class = PatientChannel


def kernel_manager(kernel_name):
    """A kernel manager using PatientKernelClient, and IPC where ZeroMQ supports it (not on
    Windows), else TCP.

    The IPC sockets get an absolute path in Jupyter's runtime folder: by default they would be
    relative, and the kernel (started in the notebook's folder) and this client (started
    elsewhere) would look for them in different places."""
    if sys.platform == "win32":
        km = AsyncKernelManager(kernel_name=kernel_name)
    else:
        runtime = Path(jupyter_runtime_dir())
        runtime.mkdir(parents=True, exist_ok=True)
        km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc",
                                ip=str(runtime / f"kernel-{uuid.uuid4().hex[:12]}-ipc"))
    km.client_factory = PatientKernelClient
    return km


def cell_label(nb, index):
    """'cell 12 (`rnnlib.widgets.gradient_flow_explorer()`)': position in the file, first line."""
    source = nb.cells[index].source.strip()
    first_line = source.splitlines()[0] if source else ""
    return f"cell {index} (`{first_line[:70]}`)"


def execute(path, timeout):
    """Execute the notebook at `path` in place. Returns None, or a one-line reason it failed."""
    nb = nbformat.read(path, as_version=4)
    running = {}
    km = kernel_manager(nb.metadata.get("kernelspec", {}).get("name", "python3"))
    client = NotebookClient(nb, km=km, timeout=timeout, record_timing=False, coalesce_streams=True,
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_start=lambda cell, cell_index: running.update(index=cell_index))
    try:
        client.execute()
    except CellTimeoutError:
        return (f"{path}: {cell_label(nb, running['index'])} did not finish within {timeout} s "
                "(raise the limit with CELL_TIMEOUT=...)")
    except CellExecutionError as error:
        return f"{path}: {cell_label(nb, running['index'])} raised an error:\n{error}"
    except DeadKernelError:
        return f"{path}: the kernel died during {cell_label(nb, running['index'])}"
    finally:   # nbclient shuts down only the kernels it started itself
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help=f"seconds one cell may run (default {DEFAULT_TIMEOUT})")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"executing {path}", flush=True)
        failure = execute(path, args.timeout)
        if failure:
            sys.exit(f"execute_notebooks: {failure}")


if __name__ == "__main__":
    main()
