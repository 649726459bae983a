# Loaded by `npm run notebooks` (bin/notebooks.ts) with `jupyter nbconvert --config`.
# tslab answers a failed cell with status "error" but no ename/evalue/traceback: the message is
# on the cell's stderr stream, which nbconvert's CellExecutionError leaves out. Print it.
import sys

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)


def report_failed_cell(cell, cell_index, execute_reply):
    stderr = "".join(
        out.get("text", "") for out in cell.get("outputs", []) if out.get("name") == "stderr"
    )
    errors = "".join(
        "\n".join(out.get("traceback", [])) or f"{out.get('ename')}: {out.get('evalue')}"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    )
    print(
        f"\n=== cell {cell_index + 1} failed (counting from 1, markdown cells included) ===\n{cell.source}\n--- its error output ---\n"
        f"{stderr}{errors}".rstrip()
        + "\n===",
        file=sys.stderr,
        flush=True,
    )


c.ExecutePreprocessor.on_cell_error = report_failed_cell
