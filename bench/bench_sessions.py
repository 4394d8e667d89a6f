"""Page times when many sessions read the app at once, against one session alone, on the demo store.

Run from the repository root: python bench/bench_sessions.py [--sessions N] [--views K] [--timeout S]

What it measures, every figure from this run (nothing is asserted; the target is printed as met or not):
1. a demo store, built in a temporary folder by `python -m het init` (geography pack from
   $HET_GEOGRAPHY_DIR, else ../shared/data beside the checkout if it is there, else none);
2. the app, started as `streamlit run app.py` on a free port of 127.0.0.1 only, against that store;
3. sessions simulated without a browser: each one is a websocket to /_stcore/stream speaking Streamlit's
   own protocol with the protobuf classes shipped in streamlit. A page view sends a BackMsg rerun_script
   whose ClientState names the page by its URL path (page_name; "" is the default page), as the browser
   does on a deep link, and is timed from the send until the ForwardMsg script_finished of that run.
   Streamlit writes a run's messages to the socket in order, so the time includes the server running the
   page script and sending every delta of it to this client (no ref_hash shortcuts: the client reports
   no cached messages), but not a browser's rendering or its fetches of media, components or lazily
   loaded table chunks. Exception elements (delta.new_element.exception), compile errors,
   page_not_found and unsuccessful finishes are counted and reported;
4. one session alone first: --repeats rounds over every page of het.ui.nav.PAGES in order (the first
   round is cold, the others warm) gives the single-session p50 / p95 of the warm views; then
   --sessions sessions at once (default 20), each visiting the pages in its own seeded shuffle for
   --views views (default 10), with no pause between views unless --think gives a mean pause (then each
   session arrives at a uniformly random moment within one mean pause, as readers come in, unless
   --all-at-once starts them in the same instant); the first views of each session are reported apart:
   p50 / p95 / max over all views, page views per second in total, and p95(concurrent) / p50(single);
   per-page p50 / p95, kilobytes and messages per view to find slow pages; the server's CPU time and peak RSS (VmHWM from /proc).
Target: p95 under 3 s with 20 concurrent sessions on this (2-core) machine.
The whole run is bounded by --timeout seconds (default 600): on it the phase stops and what was measured
is reported. The server runs with server.fileWatcherType none, so edits to the checkout during a run do
not evict modules mid-measurement; the bench process itself shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from het.ui.nav import PAGES  # noqa: E402

TARGET_SECONDS = 3.0
TARGET_SESSIONS = 20
SEED = 20240601
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class View:
    phase: str  # "single" or "concurrent"
    session: int
    page: str  # URL path; "" is the default page
    seconds: float
    cold: bool = False  # single session, first round
    ok: bool = True  # finished successfully, on the page asked for, with no exception element
    exceptions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # not found, compile error, unexpected finish
    messages: int = 0
    kilobytes: float = 0.0


class Session:
    """One simulated browser tab: a websocket speaking Streamlit's protocol."""

    def __init__(self, port: int, number: int):
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.number = number
        self.ws = None

    async def __aenter__(self) -> Session:
        # The browser offers the subprotocol "streamlit" (then an XSRF token and a session id to resume,
        # both optional); with no Origin header the server skips the XSRF check, as for any non-browser.
        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, open_timeout=60
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def view(self, page: str, phase: str, cold: bool = False) -> View:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = page
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        view = View(phase, self.number, page, 0.0, cold)
        size = 0
        while True:
            data = await self.ws.recv()
            size += len(data)
            view.messages += 1
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta":
                element = forward.delta.new_element if forward.delta.HasField("new_element") else None
                if element is not None and element.WhichOneof("type") == "exception":
                    view.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])
            elif kind == "page_not_found":
                view.problems.append("page_not_found")
            elif kind == "session_event" and forward.session_event.HasField("script_compilation_exception"):
                view.problems.append(
                    "compile error: " + forward.session_event.script_compilation_exception.message
                )
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun(): the view goes on in the next run
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    view.problems.append(f"finished: {ForwardMsg.ScriptFinishedStatus.Name(status)}")
                break
        view.seconds = time.perf_counter() - started
        view.kilobytes = size / 1024
        view.ok = not view.exceptions and not view.problems
        return view


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def geography_dir() -> str | None:
    if os.environ.get("HET_GEOGRAPHY_DIR"):
        return os.environ["HET_GEOGRAPHY_DIR"]
    shared = ROOT.parent / "shared" / "data"
    return str(shared) if shared.is_dir() else None


def wait_healthy(port: int, server: subprocess.Popen, deadline: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit("the server was not healthy before the timeout")


def proc_status(pid: int, key: str) -> float | None:
    """A memory figure (MB) from /proc/<pid>/status, e.g. VmHWM (peak RSS) or VmRSS; None off Linux."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of the process, all its threads, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


async def single_phase(port: int, pages: list[str], repeats: int, views: list[View]) -> None:
    async with Session(port, 0) as session:
        for round_ in range(repeats):
            for page in pages:
                views.append(await session.view(page, "single", cold=round_ == 0))


def sequence(pages: list[str], count: int, rng: random.Random) -> list[str]:
    """count page views: the pages in a shuffled order, reshuffled each time round."""
    order: list[str] = []
    while len(order) < count:
        round_ = pages[:]
        rng.shuffle(round_)
        order.extend(round_)
    return order[:count]


async def concurrent_phase(
    port: int, pages: list[str], sessions: int, count: int, think: float, views: list[View], ramp: bool
) -> None:
    async def one(number: int) -> None:
        rng = random.Random(SEED + number)
        if think > 0 and ramp:  # arrivals spread over one mean pause, as readers come in (steady state)
            await asyncio.sleep(rng.uniform(0, think))
        async with Session(port, number) as session:
            for page in sequence(pages, count, rng):
                views.append(await session.view(page, "concurrent"))
                if think > 0:  # a reader's pause before the next page, seeded like the order
                    await asyncio.sleep(rng.expovariate(1 / think))

    await asyncio.gather(*(one(n) for n in range(1, sessions + 1)))


async def bounded(phase, deadline: float) -> bool:
    """Run the phase until the global deadline; False when it was cut short."""
    try:
        async with asyncio.timeout(max(deadline - time.perf_counter(), 0.1)):
            await phase
        return True
    except TimeoutError:
        return False
    except (websockets.ConnectionClosed, OSError) as exc:
        print(f"a session failed: {exc!r}")
        return False


def quantiles(seconds: list[float]) -> tuple[float, float, float]:
    if not seconds:
        return float("nan"), float("nan"), float("nan")
    values = np.asarray(seconds)
    return float(np.percentile(values, 50)), float(np.percentile(values, 95)), float(values.max())


def seconds(value: float, width: int) -> str:
    return f"{'-' if np.isnan(value) else f'{value:.2f}':>{width}}"


def label(page: str) -> str:
    return f"/{page}"


def report_problems(views: list[View]) -> None:
    exceptions = Counter((v.page, e) for v in views for e in v.exceptions)
    problems = Counter((v.page, p) for v in views for p in v.problems)
    print(
        f"  exception elements: {sum(exceptions.values())}; other problems: {sum(problems.values())}; "
        f"views not clean: {sum(not v.ok for v in views)} of {len(views)}"
    )
    for (page, text), n in sorted(exceptions.items()):
        print(f"    {n}x {label(page)} exception {text}")
    for (page, text), n in sorted(problems.items()):
        print(f"    {n}x {label(page)} {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=TARGET_SESSIONS, help="concurrent sessions (20)")
    parser.add_argument("--views", type=int, default=10, help="page views per concurrent session (10)")
    parser.add_argument("--repeats", type=int, default=3, help="single-session rounds over all pages (3)")
    parser.add_argument(
        "--think", type=float, default=0, help="mean pause in s between a session's views (0: none)"
    )
    parser.add_argument("--timeout", type=float, default=600, help="global bound in seconds (600)")
    parser.add_argument(
        "--all-at-once",
        action="store_true",
        help="with --think, every session opens its first page at the same instant (default: each arrives "
        "at a random moment within one mean pause)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    deadline = started + args.timeout
    pages = ["" if spec.default else spec.url_path for spec in PAGES]
    titles = {("" if spec.default else spec.url_path): spec.title for spec in PAGES}

    folder = Path(tempfile.mkdtemp(prefix="het-bench-sessions-"))
    server = None
    log = None
    try:
        env = dict(os.environ, HET_DB=str(folder / "het.duckdb"), HET_USERS_FILE=str(folder / "users.json"))
        geography = geography_dir()
        if geography:
            env["HET_GEOGRAPHY_DIR"] = geography
        else:
            env.pop("HET_GEOGRAPHY_DIR", None)
        init_started = time.perf_counter()
        init = subprocess.run(
            [sys.executable, "-m", "het", "init"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=max(deadline - time.perf_counter(), 1),
        )
        if init.returncode:
            raise SystemExit(f"python -m het init failed:\n{init.stdout}{init.stderr}")
        print(f"demo store built by python -m het init in {time.perf_counter() - init_started:.1f} s")
        print(f"geography pack: {geography or 'none'}")

        port = free_port()
        log = (folder / "server.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
            + ["--server.port", str(port), "--server.address", "127.0.0.1"]
            + ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        health = wait_healthy(port, server, deadline)
        print(
            f"server on 127.0.0.1:{port} healthy after {health:.1f} s "
            f"(RSS {proc_status(server.pid, 'VmRSS'):.0f} MB)"
        )

        # One session alone.
        single: list[View] = []
        cpu_before = cpu_seconds(server.pid)
        phase_started = time.perf_counter()
        single_done = asyncio.run(bounded(single_phase(port, pages, args.repeats, single), deadline))
        single_wall = time.perf_counter() - phase_started
        single_cpu = cpu_seconds(server.pid) - cpu_before
        rss_single = proc_status(server.pid, "VmRSS")
        warm = [v.seconds for v in single if not v.cold]
        s50, s95, smax = quantiles(warm)
        print(
            f"\nsingle session: {len(single)} views ({args.repeats} rounds over {len(pages)} pages) in "
            f"{single_wall:.1f} s{'' if single_done else ' (CUT SHORT by the timeout)'}; "
            f"server CPU {single_cpu:.1f} s; RSS after {rss_single:.0f} MB"
        )
        print(f"  warm views (rounds 2+): p50 {s50:.2f} s, p95 {s95:.2f} s, max {smax:.2f} s")
        cold = [v.seconds for v in single if v.cold]
        if cold:
            print(f"  cold views (round 1):   p50 {quantiles(cold)[0]:.2f} s, max {max(cold):.2f} s")
        report_problems(single)

        # Many sessions at once.
        concurrent: list[View] = []
        concurrent_done = False
        concurrent_wall = concurrent_cpu = 0.0
        client_cpu = 0.0
        if time.perf_counter() < deadline:
            cpu_before = cpu_seconds(server.pid)
            client_before = time.process_time()
            phase_started = time.perf_counter()
            concurrent_done = asyncio.run(
                bounded(
                    concurrent_phase(
                        port, pages, args.sessions, args.views, args.think, concurrent, not args.all_at_once
                    ),
                    deadline,
                )
            )
            concurrent_wall = time.perf_counter() - phase_started
            concurrent_cpu = cpu_seconds(server.pid) - cpu_before
            client_cpu = time.process_time() - client_before
        c50, c95, cmax = quantiles([v.seconds for v in concurrent])
        print(
            f"\n{args.sessions} concurrent sessions x {args.views} views, mean pause {args.think:g} s: "
            f"{len(concurrent)} views in "
            f"{concurrent_wall:.1f} s{'' if concurrent_done else ' (CUT SHORT by the timeout)'}, "
            f"{len(concurrent) / concurrent_wall if concurrent_wall else 0:.2f} views/s in total "
            f"(one session alone, warm: {1 / np.mean(warm) if warm else 0:.2f} views/s)"
        )
        print(f"  all views: p50 {c50:.2f} s, p95 {c95:.2f} s, max {cmax:.2f} s")
        seen: set[int] = set()
        firsts = [v.seconds for v in concurrent if not (v.session in seen or seen.add(v.session))]
        f50, f95, fmax = quantiles(firsts)
        print(
            f"  each session's first view ({len(firsts)}, "
            f"{'in the same instant' if args.all_at_once or not args.think else 'arriving within one pause'}): "
            f"p50 {f50:.2f} s, p95 {f95:.2f} s, max {fmax:.2f} s"
        )
        print(f"  p95(concurrent) / p50(single, warm) = {c95 / s50:.1f}; p50 ratio {c50 / s50:.1f}")
        busy = concurrent_cpu / concurrent_wall if concurrent_wall else 0
        print(
            f"  server CPU {concurrent_cpu:.1f} s = {busy:.2f} "
            f"cores busy on average (of {os.cpu_count()}); this bench process's own CPU {client_cpu:.1f} s"
        )
        report_problems(concurrent)

        by_page: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for v in single:
            by_page[v.page]["cold" if v.cold else "warm"].append(v.seconds)
        for v in concurrent:
            by_page[v.page]["concurrent"].append(v.seconds)
        kilobytes = {v.page: v.kilobytes for v in single + concurrent}
        messages = {v.page: v.messages for v in single + concurrent}
        print(
            f"\n{'page':<24} {'title':<24} {'cold':>6} {'warm p50':>9} {'n':>4} {'conc p50':>9} "
            f"{'conc p95':>9} {'conc max':>9} {'KB/view':>8} {'msgs':>5}"
        )
        for page in pages:
            times = by_page[page]
            cold_time = times["cold"][0] if times["cold"] else float("nan")
            w50 = quantiles(times["warm"])[0]
            p50, p95, pmax = quantiles(times["concurrent"])
            figures = " ".join(seconds(x, width) for x, width in ((cold_time, 6), (w50, 9)))
            conc = " ".join(seconds(x, 9) for x in (p50, p95, pmax))
            print(
                f"{label(page):<24} {titles[page][:24]:<24} {figures} {len(times['concurrent']):4d} {conc} "
                f"{kilobytes.get(page, 0):8.0f} {messages.get(page, 0):5d}"
            )

        peak = proc_status(server.pid, "VmHWM")
        if peak is not None:
            print(f"\nserver peak RSS (VmHWM) {peak:.0f} MB")
        complete = concurrent_done and args.sessions >= TARGET_SESSIONS and len(concurrent) > 0
        verdict = ("met" if c95 < TARGET_SECONDS else "NOT met") if complete else "not tested by this run"
        print(
            f"target p95 < {TARGET_SECONDS:.0f} s with {TARGET_SESSIONS} sessions: {verdict} "
            f"(p95 {c95:.2f} s over {len(concurrent)} views from {args.sessions} sessions"
            f"{'' if concurrent_done else ', cut short by the timeout'})"
        )
        print(f"total run {time.perf_counter() - started:.0f} s")
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if log is not None:
            log.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
