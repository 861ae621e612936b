"""Rendering many data files in one command: inputs (files, folders, globs) → outputs, in worker processes.

Each worker keeps its template libraries (templates.library_for) for its whole life, so a template is read and
compiled once per process, not once per document. One bad file never stops the others: its error is collected
and reported in the closing summary. Every output is written atomically, so an interrupted batch leaves either
the old file or the new one, never a partial one.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import NamedTuple

from cchc_docgen.errors import DocgenError
from cchc_docgen.output import is_stdout, real_target, same_file, write_output

DATA_SUFFIXES = (".yaml", ".yml")


# Named tuples, not frozen dataclasses: as immutable, and made without compiling six methods each at every start
# (measured: a one-shot render 582 M → 574 M).
class Job(NamedTuple):
    data: Path
    output: Path
    fmt: str
    template_name: str | None
    template_dirs: tuple[Path, ...]
    province: str | None
    strict: bool = False
    pdfa: bool = False  # a PDF job: PDF/A-2b


class Outcome(NamedTuple):
    job: Job
    error: str | None = None
    template_name: str = ""
    notes: int = 0
    findings: tuple[str, ...] = ()  # the domain checks' messages, printed as warnings
    docx: bytes | None = None  # a PDF job's .docx, rendered and waiting for LibreOffice (see convert_to_pdf)

    @property
    def ok(self) -> bool:
        return self.error is None


def expand_inputs(arguments, purpose: str = "để sinh văn bản") -> list[Path]:
    """Files as given; a folder means its *.yaml / *.yml files; an unmatched pattern is expanded as a glob
    (for shells, or callers, that pass it through quoted). `purpose` ends the message when nothing is found."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file())
            if not inside:
                raise DocgenError(f"không có tệp dữ liệu (.yaml) nào trong thư mục {path}")
            found.extend(inside)
        elif not path.exists() and glob.has_magic(str(argument)):
            matches = sorted(Path(p) for p in glob.glob(str(argument), recursive=True))
            if not matches:
                raise DocgenError(f"không có tệp nào khớp mẫu tên '{argument}'")
            found.extend(p for p in matches if p.is_file())
        else:
            found.append(path)
    if not found:
        raise DocgenError(f"không có tệp dữ liệu nào {purpose}")
    return found


def plan(inputs: list[Path], out_dir: Path, fmt: str, template_name, template_dirs, province, strict=False,
         pdfa=False) -> list[Job]:
    """One job per input, writing OUT_DIR/<stem>.<fmt>; two inputs with the same stem would overwrite each other."""
    jobs, seen = [], {}
    for data in inputs:
        output = out_dir / f"{data.stem}.{fmt}"
        if output in seen:
            raise DocgenError(f"{seen[output]} và {data} cùng ra tệp {output}: đổi tên một tệp dữ liệu")
        seen[output] = data
        jobs.append(Job(data, output, fmt, template_name, tuple(template_dirs), province, strict, pdfa))
    # An input that is (or links to) another job's output would be overwritten before, or while, it is read.
    inputs_by_file = {real_target(job.data): job.data for job in jobs}
    for job in jobs:
        overwritten = inputs_by_file.get(real_target(job.output))
        if overwritten is not None:
            raise DocgenError(f"tệp kết quả {job.output} chính là tệp dữ liệu {overwritten}: đổi thư mục kết quả (-o)")
    return jobs


def run_job(job: Job, convert: bool = True) -> Outcome:
    """Render one file and write it; never raises (a worker must report, not die). A PDF job renders the .docx
    and, unless `convert` is false (a batch converts all its PDFs in one LibreOffice start), converts it."""
    from cchc_docgen.pipeline import Pipeline

    try:
        if not is_stdout(job.output) and same_file(job.output, job.data):
            # "docgen render bao-cao.docx" lands here (its output would be bao-cao.docx): say what the input is
            from cchc_docgen.reading.loader import what_document_file

            document = what_document_file(job.data)
            raise DocgenError(f"{job.data}: {document}" if document
                              else f"tệp kết quả trùng với tệp dữ liệu: {job.output}")
        fmt = "docx" if job.fmt == "pdf" else job.fmt
        result = Pipeline(job.template_dirs, job.province).render(job.data, job.template_name, fmt, job.strict)
        outcome = Outcome(job, None, result.template, result.footnote_count, tuple(map(str, result.findings)))
        if job.fmt == "pdf":
            outcome = outcome._replace(docx=result.content)
            return convert_to_pdf([outcome])[0] if convert else outcome
        write_output(job.output, result.content)
        return outcome
    except DocgenError as exc:
        return Outcome(job, str(exc))
    except Exception as exc:  # a bug of ours, reported like any failure so the batch goes on
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        return Outcome(job, f"lỗi nội bộ của docgen ({type(exc).__name__}: {exc})")


def convert_to_pdf(outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes whose .docx waits for conversion, converted by one LibreOffice start and written; each
    failure is its file's (LibreOffice missing or stuck fails them all, and writes none)."""
    from cchc_docgen.writers import pdf

    waiting = [o for o in outcomes if o.ok and o.docx is not None]
    if not waiting:
        return outcomes
    try:
        converted = pdf.convert([o.docx for o in waiting], pdfa=waiting[0].job.pdfa)
    except DocgenError as exc:
        converted = [exc] * len(waiting)
    done = {}
    for outcome, result in zip(waiting, converted):
        try:
            if isinstance(result, DocgenError):
                raise result
            write_output(outcome.job.output, result)
            done[id(outcome)] = outcome._replace(docx=None)
        except DocgenError as exc:
            done[id(outcome)] = outcome._replace(error=str(exc), docx=None)
    return [done.get(id(o), o) for o in outcomes]


def _render_only(job: Job) -> Outcome:
    return run_job(job, convert=False)


def run(jobs: list, workers: int, on_done=lambda outcome: None, work=None) -> list:
    """Run the jobs, in `workers` processes when there are several jobs; results in input order. `work`: the
    function each job is given to (a module-level one, so workers can find it); by default each job is rendered,
    and PDF jobs are then converted together (see convert_to_pdf)."""
    if work is not None:
        return _run(jobs, workers, on_done, work)
    return convert_to_pdf(_run(jobs, workers, on_done, _render_only))


def _run(jobs: list, workers: int, on_done, work) -> list:
    if workers <= 1 or len(jobs) <= 1:
        outcomes = []
        for job in jobs:
            outcomes.append(work(job))
            on_done(outcomes[-1])
        return outcomes
    import multiprocessing
    import sys
    from concurrent.futures import (
        ProcessPoolExecutor,  # only for batches: a one-shot render never pays for it
    )

    # On Linux the workers are forked from this process after it has imported the pipeline, so they start
    # with it in memory instead of importing it each (~0.1 s per worker). Elsewhere fork is unsafe or missing,
    # and each worker imports it.
    context = None
    if sys.platform.startswith("linux"):
        import cchc_docgen.pipeline  # noqa: F401
        import cchc_docgen.writers.docx  # noqa: F401

        context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context)
    try:
        outcomes = []
        # chunks keep inter-process traffic low; map keeps input order for the summary
        for outcome in pool.map(work, jobs, chunksize=max(1, len(jobs) // (workers * 4))):
            outcomes.append(outcome)
            on_done(outcome)
        return outcomes
    finally:
        # On Ctrl-C or SIGTERM the jobs not started are dropped; each worker finishes (or, interrupted too,
        # abandons) the file it is writing, whole or not at all.
        pool.shutdown(wait=True, cancel_futures=True)
