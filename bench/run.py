"""Benchmark: docgen against plain docxtpl, pandoc and the zip-writing floor on a 25-page report.

    python bench/run.py [--repeat N] [--batch N] [--rounds N] [--no-instructions]

The case: a plan (template ke-hoach) with 8 level-1 and 40 level-2 headings, 250 paragraphs, 3 tables of 15,
25 and 40 rows and 30 footnotes, generated in our data format. Measured in one run, medians over --repeat:

- floor: writing the final parts of our output into a zip (what no .docx generator can avoid);
- docgen in-process: one document rendered by an already warm process (templates compiled once), from the YAML
  file (the measure of the target), and from the same data already in memory, as docxtpl gets its context;
- plain docxtpl in-process: DocxTemplate(path).render(context).save() on an equivalent template (docxtpl has no
  footnotes: the equivalent marks them as text), as a docxtpl user would call it per document;
- one-shot: `docgen render` as a new process, warm (its cache folder filled by an earlier run) and on an empty
  cache folder (a new one each run), and a new process running the docxtpl equivalent; peak memory (max RSS) of
  each. The package is byte-compiled first, as a regular install leaves it;
- where the time of a warm one-shot goes: the interpreter's start, the imports (python -X importtime, the
  heaviest listed), and the rest (reading, rendering, writing);
- instructions (valgrind's cachegrind, when installed): of one in-process render and of the floor, and of each
  one-shot process. They do not move with the machine's load, as wall time on a shared machine does;
- pandoc from the equivalent Markdown, one-shot, when pandoc is installed;
- throughput of `docgen render DIR -j N` on --batch copies, for N = 1 and the number of cores.

Every measure is taken in turn with the ones it is compared to (in-process ones in blocks of five, processes one
run each), so the ratios come from the same moments of a shared machine. With --rounds N the in-process
measures are taken N times in a row and each round is printed. Timings live here, never in the tests. Needs
the test extras (python-docx) for building the docxtpl template. bench/README.md has the method and figures.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("UBND phường đã triển khai thực hiện đầy đủ, kịp thời các nhiệm vụ cải cách hành chính theo kế hoạch; "
         "công tác tiếp nhận, giải quyết hồ sơ thủ tục hành chính được duy trì nền nếp, đúng quy định").split()


def sentence(i: int, length: int = 60) -> str:
    words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(length)]
    return " ".join(words).capitalize() + "."


def build_case() -> dict:
    """The 25-page case in our data format (the ke-hoach template)."""
    paragraph_no = 0
    note_no = 0

    def paragraphs(n):
        nonlocal paragraph_no, note_no
        out = []
        for _ in range(n):
            paragraph_no += 1
            text = sentence(paragraph_no)
            if note_no < 30 and paragraph_no % 8 == 0:
                note_no += 1
                text = text[:-1] + f"^[Chú thích số {note_no}: Kế hoạch số {note_no}/KH-UBND ngày 15/3/2024.]."
            out.append(text)
        return out

    def table(rows: int):
        return {"bang": {
            "tieu_de": f"Bảng số liệu {rows} dòng",
            "dau": [["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện"]],
            "dong": [[r + 1, f"Chỉ tiêu thống kê số {r + 1}", "Hồ sơ", 1000 + r * 37, 950 + r * 31] for r in range(rows)],
            "cot_so": [1, 4, 5], "do_rong": [1, 6, 2, 2, 2]}}

    sections = []
    for s in range(6):
        subsections = [{"muc": f"Nội dung {s + 1}.{k + 1}", "noi_dung": paragraphs(5)} for k in range(5)]
        if s in (1, 3, 5):
            subsections[2]["noi_dung"].append(table({1: 15, 3: 25, 5: 40}[s]))
        sections.append({"muc": f"Nhóm nhiệm vụ thứ {s + 1}", "noi_dung": subsections})
    data = {
        "mau": "ke-hoach",
        "co_quan": {"chu_quan": "UBND thành phố Uông Bí", "ten": ["Ủy ban nhân dân", "phường Quang Trung"],
                    "ten_goi": "UBND phường Quang Trung"},
        "van_ban": {"so": 25, "dia_danh": "Quang Trung", "ngay": "2024-03-15",
                    "trich_yeu": "Kế hoạch cải cách hành chính năm 2024"},
        "nguoi_ky": {"tham_quyen": ["TM. Ủy ban nhân dân"], "chuc_vu": "Chủ tịch", "ho_ten": "Nguyễn Văn A"},
        "noi_nhan": {"danh_sach": ["UBND thành phố (b/c)", "Phòng Nội vụ (b/c)"], "luu": "VT, VP"},
        "noi_dung": {
            "can_cu": paragraphs(3),
            "muc_dich": paragraphs(5),
            "yeu_cau": paragraphs(5),
            "cac_muc": sections,
            "to_chuc_thuc_hien": [{"muc": f"Trách nhiệm của đơn vị {k + 1}", "noi_dung": paragraphs(11 if k < 5 else 12)}
                                  for k in range(8)],
        },
    }
    data["noi_dung"]["to_chuc_thuc_hien"][-1]["noi_dung"] += paragraphs(250 - paragraph_no)
    return data


def count_case(data: dict) -> dict:
    text = yaml.safe_dump(data, allow_unicode=True)
    return {"level-1": 2 + len(data["noi_dung"]["cac_muc"]), "level-2": 2 + 30 + 8,
            "footnotes": text.count("^["), "tables": text.count("bang:")}


# --- the docxtpl equivalent ---------------------------------------------------------------------------

def build_docxtpl_template(path: Path) -> None:
    """Same content through docxtpl's own loops: headings, paragraphs, tables (rows via {%tr %})."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ co_quan }}")
    doc.add_paragraph("Số: {{ so }}")
    doc.add_paragraph("{{ trich_yeu }}")
    doc.add_paragraph("{%p for muc in muc_lon %}")
    doc.add_paragraph("{{ muc.so }} {{ muc.ten }}", style="Heading 1")
    doc.add_paragraph("{%p for con in muc.con %}")
    doc.add_paragraph("{{ con.so }} {{ con.ten }}", style="Heading 2")
    doc.add_paragraph("{%p for doan in con.doan %}")
    doc.add_paragraph("{{ doan }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p for bang in con.bang %}")
    table = doc.add_table(rows=3, cols=5)
    for cell, text in zip(table.rows[0].cells, ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện"]):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for r in bang %}"
    for cell, text in zip(table.rows[2].cells, ["{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}", "{{ r[3] }}", "{{ r[4] }}"]):
        cell.text = text
    row = doc.add_table(rows=1, cols=1).rows[0]  # placeholder removed below
    row._tr.getparent().getparent().remove(row._tr.getparent())
    table.add_row().cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{{ nguoi_ky }}")
    doc.save(path)


def docxtpl_context(data: dict) -> dict:
    """The case's content as docxtpl would get it; footnotes become bracketed text (docxtpl cannot make them)."""
    import re

    def plain(text):
        return re.sub(r"\^\[(.*?)\]", r" [\1]", text)

    def section(number, title, blocks):
        con, paragraphs = [], []
        for i, block in enumerate(blocks):
            if isinstance(block, dict) and "muc" in block:
                doan = [plain(b) for b in block["noi_dung"] if isinstance(b, str)]
                tables = [b["bang"]["dong"] for b in block["noi_dung"] if isinstance(b, dict) and "bang" in b]
                con.append({"so": f"{len(con) + 1}.", "ten": block["muc"], "doan": doan, "bang": tables})
            elif isinstance(block, str):
                paragraphs.append(plain(block))
        if paragraphs:
            con.insert(0, {"so": "", "ten": "", "doan": paragraphs, "bang": []})
        return {"so": number, "ten": title, "con": con}

    nd = data["noi_dung"]
    muc = [section("I.", "MỤC ĐÍCH, YÊU CẦU", [{"muc": "Mục đích", "noi_dung": nd["muc_dich"]},
                                                {"muc": "Yêu cầu", "noi_dung": nd["yeu_cau"]}])]
    for i, s in enumerate(nd["cac_muc"]):
        muc.append(section(f"{i + 2}.", s["muc"].upper(), s["noi_dung"]))
    muc.append(section("VIII.", "TỔ CHỨC THỰC HIỆN", nd["to_chuc_thuc_hien"]))
    return {"co_quan": "UBND PHƯỜNG QUANG TRUNG", "so": "25/KH-UBND", "trich_yeu": data["van_ban"]["trich_yeu"],
            "muc_lon": muc, "nguoi_ky": data["nguoi_ky"]["ho_ten"]}


DOCXTPL_ONESHOT = """
import pickle, sys
from docxtpl import DocxTemplate
context = pickle.load(open(sys.argv[2], "rb"))
template = DocxTemplate(sys.argv[1])
template.render(context)
template.save(sys.argv[3])
"""


# --- measuring ------------------------------------------------------------------------------------------------

def interleaved_ms(functions: dict, repeat: int, block: int = 5) -> dict:
    """Median ms of each function over `repeat` runs, taken in blocks in turn (a×5, b×5, c×5, a×5, …), each block
    after one untimed run. A shared machine's speed drifts over seconds: measuring one function after the other
    would put the drift into the ratios. Blocks, not single runs in turn: each function is measured as it is
    used, many documents in a row, not with its caches just emptied by the other."""
    times = {name: [] for name in functions}
    while len(next(iter(times.values()))) < repeat:
        for name, fn in functions.items():
            fn()
            for _ in range(block):
                start = time.perf_counter()
                fn()
                times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


# Started by a fresh, small interpreter: Linux counts a child's peak memory from its parent's at fork/spawn time
# (the benchmark itself is large), so the program is started from this launcher, which reports what it measured.
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), (time.perf_counter() - start) * 1000, usage.ru_maxrss / 1024)
"""


def run_process(args, env: dict | None = None) -> tuple[float, float]:
    """Wall time (ms) of the program itself and its peak RSS (MiB)."""
    out = subprocess.run([sys.executable, "-c", LAUNCHER, *args], capture_output=True, text=True, check=True, env=env)
    code, elapsed, rss = out.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"{args} failed (exit {code}): {out.stderr}")
    return float(elapsed), float(rss)


def interleaved_processes(commands: dict, repeat: int, warm_up: bool = True) -> dict:
    """Median wall ms and max peak RSS (MiB) of each command, run in turn like interleaved_ms. A command is its
    arguments, or a function giving (arguments, environment) for each run."""
    def start(command):
        return run_process(*command()) if callable(command) else run_process(command)

    if warm_up:
        for command in commands.values():
            start(command)  # file cache, compiled-template cache
    runs = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            runs[name].append(start(command))
    return {name: (statistics.median(r[0] for r in values), max(r[1] for r in values)) for name, values in runs.items()}


# --- instructions (valgrind) ------------------------------------------------------------------------------------

def instructions(args: list[str], env: dict | None = None) -> int:
    """Instructions a program executes (valgrind's cachegrind, without cache simulation)."""
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *args],
                         capture_output=True, text=True, env={**(env or os.environ), "PYTHONHASHSEED": "0"})
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if out.returncode != 0 or not found:
        raise SystemExit(f"valgrind failed on {args}:\n{out.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def instructions_per_call(child: str, child_args, count: int = 5) -> float:
    """Instructions of one call: a child making 1 + `count` calls less one making 1, so that start-up, imports
    and the first (compiling) call cancel out. `child_args(n)`: the child's arguments for n calls."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(child)
    try:
        base = instructions([sys.executable, handle.name, *child_args(1)])
        more = instructions([sys.executable, handle.name, *child_args(1 + count)])
    finally:
        os.unlink(handle.name)
    return (more - base) / count


# Run under valgrind: builds what the in-process measures call (as main does), then calls one of them n times.
IN_PROCESS_CHILD = """
import sys
sys.path[:0] = [{root!r}, {here!r}]
import run
functions = run.in_process_functions(run.Path(sys.argv[1]))
function = functions[sys.argv[2]]
for _ in range(int(sys.argv[3])):
    function()
"""


# --- where a one-shot run's time goes ---------------------------------------------------------------------------

def import_times(args: list[str], env: dict | None = None) -> tuple[float, list[tuple[str, float]]]:
    """Total ms of a program's imports by python -X importtime, and the heaviest top-level packages (their own
    modules' self time added up). importtime's own bookkeeping makes these somewhat larger than without it."""
    out = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, env=env)
    by_package: dict[str, float] = {}
    total = 0.0
    for line in out.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not found:
            continue
        self_us, name = int(found.group(1)), found.group(4)
        total += self_us / 1000
        package = name.split(".")[0]
        by_package[package] = by_package.get(package, 0.0) + self_us / 1000
    return total, sorted(by_package.items(), key=lambda item: -item[1])


def zip_floor(docx_bytes: bytes) -> callable:
    """Writing the final parts (as our output has them) into a new zip: the floor for any generator."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]

    def write():
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts:
                target.writestr(name, data)
        return out.getvalue()

    return write


HERE = Path(__file__).resolve().parent


def in_process_functions(case: Path) -> dict:
    """What the in-process measures call, built from the case file: the floor, a docgen render (its pipeline
    warmed by one render) and the docxtpl equivalent."""
    from docxtpl import DocxTemplate

    from cchc_docgen.pipeline import Pipeline

    pipeline = Pipeline()
    docx_bytes = pipeline.render(case).content
    template_path = case.with_name("docxtpl.docx")
    if not template_path.exists():
        build_docxtpl_template(template_path)
    context = docxtpl_context(yaml.safe_load(case.read_text(encoding="utf-8")))

    def docxtpl_once():
        template = DocxTemplate(template_path)
        template.render(context)
        template.save(io.BytesIO())

    # The data as docxtpl gets its context: already in memory (a mapping as yaml.safe_load gives it), so neither
    # side reads a file. Shown beside the measure of the target, which reads the YAML file each time.
    in_memory = yaml.load(case.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if pipeline.render(in_memory).content != docx_bytes:
        raise SystemExit("the case rendered from its mapping differs from the case rendered from its file")
    return {"floor": zip_floor(docx_bytes), "docgen in-process": lambda: pipeline.render(case),
            "docgen in-process, data in memory": lambda: pipeline.render(in_memory),
            "docxtpl in-process": docxtpl_once}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--batch", type=int, default=96, help="documents in the -j throughput run")
    parser.add_argument("--rounds", type=int, default=1,
                        help="take the in-process measures this many times in a row, print each round's, and "
                             "report the median of the rounds' medians: shows how much the machine's state moves them")
    parser.add_argument("--no-instructions", action="store_true", help="skip valgrind even when it is installed")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from cchc_docgen.pipeline import Pipeline

    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    # The benchmark's own cache folder: warm one-shot runs fill it, empty-cache runs get a new one each time.
    warm_env = {**os.environ, "DOCGEN_CACHE_DIR": str(work / "cache")}
    os.environ["DOCGEN_CACHE_DIR"] = str(work / "cache")
    data = build_case()
    case = work / "case.yaml"
    case.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pipeline = Pipeline()
    rendered = pipeline.render(case)
    docx_bytes = rendered.content
    (work / "case.docx").write_bytes(docx_bytes)
    md_bytes = pipeline.render(case, fmt="md").content
    (work / "case.md").write_bytes(md_bytes)

    in_process = in_process_functions(case)
    rounds = []
    for number in range(1, args.rounds + 1):
        rounds.append(interleaved_ms(in_process, args.repeat))
        if args.rounds > 1:
            figures = rounds[-1]
            print(f"round {number:2} at {time.strftime('%H:%M:%S')}: floor {figures['floor']:.1f} ms, "
                  f"docgen {figures['docgen in-process']:.1f} ms, docxtpl {figures['docxtpl in-process']:.1f} ms; "
                  f"docgen / floor {figures['docgen in-process'] / figures['floor']:.2f}", flush=True)
    results = {name: statistics.median(figures[name] for figures in rounds) for name in in_process}
    if args.rounds > 1:
        spread = [figures["docgen in-process"] / figures["floor"] for figures in rounds]
        print(f"docgen / floor over {args.rounds} rounds: {min(spread):.2f}–{max(spread):.2f}\n")

    # A regular install (pip install .) byte-compiles the package, as it did docxtpl's; an editable install run
    # with PYTHONDONTWRITEBYTECODE has no .pyc files and would recompile all of docgen in every one-shot run.
    import compileall
    import pickle

    import cchc_docgen

    compileall.compile_dir(Path(cchc_docgen.__file__).parent, quiet=2)

    context = docxtpl_context(data)
    (work / "context.pickle").write_bytes(pickle.dumps(context))
    (work / "docxtpl_oneshot.py").write_text(DOCXTPL_ONESHOT, encoding="utf-8")
    beside = Path(sys.executable).with_name("docgen")
    docgen_args = [str(beside)] if beside.is_file() else [sys.executable, "-m", "cchc_docgen"]
    render_args = docgen_args + ["render", str(case), "-o", str(work / "oneshot.docx")]
    docxtpl_args = [sys.executable, str(work / "docxtpl_oneshot.py"), str(work / "docxtpl.docx"),
                    str(work / "context.pickle"), str(work / "docxtpl-out.docx")]

    def empty_cache():
        return render_args, {**os.environ, "DOCGEN_CACHE_DIR": tempfile.mkdtemp(dir=work, prefix="cache-")}

    commands = {
        "docgen one-shot": lambda: (render_args, warm_env),
        "docgen one-shot, empty cache": empty_cache,
        "docxtpl one-shot": docxtpl_args,
    }
    pandoc = shutil.which("pandoc")
    if pandoc:
        commands["pandoc one-shot"] = [pandoc, str(work / "case.md"), "-o", str(work / "pandoc.docx")]
    oneshot = interleaved_processes(commands, args.repeat)
    for name, (elapsed, _) in oneshot.items():
        results[name] = elapsed
    rss = {name: peak for name, (_, peak) in oneshot.items()}

    # Where a warm one-shot run's time goes.
    start_ms = interleaved_processes({"start": [sys.executable, "-c", "pass"]}, args.repeat)["start"][0]
    imports = [import_times(render_args, warm_env) for _ in range(5)]
    imports_ms = statistics.median(total for total, _ in imports)
    heaviest = imports[0][1][:8]

    batch_dir = work / "batch"
    batch_dir.mkdir()
    for i in range(args.batch):
        shutil.copy(case, batch_dir / f"case-{i:03d}.yaml")
    batches = {jobs: (lambda jobs=jobs: (docgen_args + ["render", str(batch_dir), "-o", str(work / f"out-{jobs}"),
                                                        "-j", str(jobs)], warm_env))
               for jobs in sorted({1, os.cpu_count() or 1})}
    throughput = {jobs: args.batch / (elapsed / 1000)
                  for jobs, (elapsed, _) in interleaved_processes(batches, 3).items()}

    counted = None
    if shutil.which("valgrind") and not args.no_instructions:
        child = IN_PROCESS_CHILD.format(root=str(ROOT), here=str(HERE))
        counted = {name: instructions_per_call(child, lambda n, name=name: [str(case), name, str(n)])
                   for name in ("floor", "docgen in-process", "docgen in-process, data in memory",
                                "docxtpl in-process")}
        counted["docgen one-shot"] = instructions(render_args, warm_env)
        counted["docgen one-shot, empty cache"] = instructions(*empty_cache())
        counted["docxtpl one-shot"] = instructions(docxtpl_args)

    counts = count_case(data)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    print(f"Case: {counts['level-1']} level-1 and {counts['level-2']} level-2 headings, 250 paragraphs, "
          f"{counts['tables']} tables (15, 25, 40 rows), {rendered.footnote_count} footnotes; "
          f"{len(docx_bytes) // 1024} KiB .docx\n")
    print(f"{'measure':34} {'median ms':>10} {'M instructions':>15} {'peak RSS MiB':>13}")
    for name, value in results.items():
        instr = f"{counted[name] / 1e6:15.1f}" if counted and name in counted else f"{'not measured':>15}"
        peak = f"{rss[name]:13.0f}" if name in rss else ""
        print(f"{name:34} {value:10.1f} {instr} {peak}")
    print("\nthroughput: " + ", ".join(f"-j {j}: {t:.1f} documents/s" for j, t in throughput.items()))
    oneshot_ms = results["docgen one-shot"]
    print(f"\nwhere a warm one-shot run's {oneshot_ms:.0f} ms go: interpreter start {start_ms:.0f} ms, imports "
          f"{imports_ms:.0f} ms (python -X importtime), reading, rendering and writing the rest "
          f"({max(oneshot_ms - start_ms - imports_ms, 0):.0f} ms)")
    print("heaviest imports (own modules' time): " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in heaviest))

    floor = results["floor"]
    docxtpl_oneshot = results["docxtpl one-shot"]
    ratios = [
        ("docxtpl / docgen in-process", results["docxtpl in-process"] / results["docgen in-process"], "≥ 5",
         results["docxtpl in-process"] >= 5 * results["docgen in-process"]),
        ("docgen one-shot / docxtpl one-shot", oneshot_ms / docxtpl_oneshot, "≤ 0.6", oneshot_ms <= 0.6 * docxtpl_oneshot),
        ("… on an empty cache", results["docgen one-shot, empty cache"] / docxtpl_oneshot, "≤ 0.75",
         results["docgen one-shot, empty cache"] <= 0.75 * docxtpl_oneshot),
        ("peak RSS docgen one-shot (MiB)", rss["docgen one-shot"], "≤ 80", rss["docgen one-shot"] <= 80),
        ("docgen in-process / floor", results["docgen in-process"] / floor, "", None),
        ("  in instructions", counted["docgen in-process"] / counted["floor"] if counted else float("nan"), "", None),
        ("docxtpl / docgen, data in memory",
         results["docxtpl in-process"] / results["docgen in-process, data in memory"], "", None),
    ]
    if counted:
        ratios += [
            ("docxtpl / docgen in-process, instr.", counted["docxtpl in-process"] / counted["docgen in-process"],
             "", None),
            ("… data in memory, instr.", counted["docxtpl in-process"]
             / counted["docgen in-process, data in memory"], "", None),
            ("one-shot / docxtpl one-shot, instr.", counted["docgen one-shot"] / counted["docxtpl one-shot"], "", None),
            ("… on an empty cache, instr.", counted["docgen one-shot, empty cache"] / counted["docxtpl one-shot"],
             "", None),
        ]
    if len(throughput) > 1:
        low, high = throughput[min(throughput)], throughput[max(throughput)]
        ratios.append((f"throughput -j {max(throughput)} / -j 1", high / low, "> 1", high > low))
    print(f"\n{'ratio':38} {'value':>8}  target  met")
    for name, value, target, met in ratios:
        shown = "not measured (valgrind not installed)" if value != value else f"{value:8.2f}"
        print(f"{name:38} {shown:>8}  {target:6}  {'' if met is None else 'yes' if met else 'NO'}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
