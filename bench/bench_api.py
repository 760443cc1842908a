"""The HTTP API against the library: one upload's answer time, and 20 uploads at once.

    .venv/bin/python bench/bench_api.py                    # table; writes bench/results/api.json
    .venv/bin/python bench/bench_api.py -n 30 --rounds 5 --concurrent 20
    .venv/bin/python bench/bench_api.py --server-root ../main --json /tmp/api-main.json   # another checkout

Starts the real ``directives api --workers 2`` on a free port (default sinks: JSON files and the
SQLite store, in a temporary data folder) and measures, interleaved after a warm-up:

- ``extract``: ``pipeline.extract(FILE)`` in this process (the library, warm);
- ``POST``: ``POST /v1/documents`` of the same file over HTTP (multipart, with httpx), until the
  answer is read: upload, extraction in the pool, the store's durable commit, the record back as
  JSON (the JSON sink writes after the answer);
- ``POST raw``: the same request pre-encoded and sent with ``http.client``, which leaves out the
  client's own cost of building a multipart body (the server's answer time, nearly);
- ``fsync``: one fsync of a 4 KB write in the data folder, the floor of any durable commit;
- the server's ``Server-Timing`` header of each raw POST: ``receive`` (the body in), ``save``,
  ``read`` (the pool's round trip, of which ``extract`` in the reader process), ``store`` (the
  commit), ``answer`` (the JSON, and the hop back to the event loop), ``total`` (in the handler).

``--rounds`` repeats the ``-n`` interleaved triples (the machine is shared: load comes and goes);
each round gives its medians and ratio, the summary is the median round and the spread. Target:
POST at most 1.5× extract. Then ``--concurrent`` distinct PDFs
(copies of the one-page samples, made distinct by a comment after %%EOF) are posted at once;
every answer must carry the record the library makes of that file, and the store must hold one
document per sample with one source per copy.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import extract  # noqa: E402

ONE_PAGE = ["cv-khan.pdf", "cv-mat.pdf", "cv-two-level.pdf", "ct-chu-tich.pdf", "tb-deadline.pdf"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(data: Path, port: int, root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DIRECTIVES_DATA_DIR": str(data)}
    cmd = [str(root / ".venv/bin/directives"), "api", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(cmd, env=env, cwd=data, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the API exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the API did not start within 90 s")


def post(client: httpx.Client, path: Path) -> httpx.Response:
    with path.open("rb") as fh:
        return client.post("/v1/documents", files={"file": (path.name, fh, "application/pdf")})


def same_record(answer: dict[str, object], expected: dict[str, object]) -> bool:
    got = dict(answer)
    want = dict(expected)
    got_source, want_source = got.pop("source"), want.pop("source")
    assert isinstance(got_source, dict) and isinstance(want_source, dict)
    return got == want and got_source["sha256"] == want_source["sha256"]


def multipart_body(path: Path) -> tuple[bytes, str]:
    """A multipart/form-data body with ``path`` as the field ``file``, and its content type."""
    boundary = "vndirectives-bench"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = head.encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def fsync_ms(folder: Path) -> float:
    """One fsync of a 4 KB append in ``folder``, in ms."""
    with (folder / ".fsync-probe").open("ab") as fh:
        fh.write(b"x" * 4096)
        fh.flush()
        start = time.perf_counter()
        os.fsync(fh.fileno())
        return (time.perf_counter() - start) * 1000


def one_round(base: str, port: int, path: Path, data: Path, n: int) -> dict[str, float]:
    """``n`` interleaved (extract, POST, extract, POST raw, fsync) after a warm-up; medians in ms."""
    times: dict[str, list[float]] = {"extract": [], "post": [], "post_raw": [], "fsync": []}
    steps: dict[str, list[float]] = {}  # the server's own account of each raw POST (Server-Timing)
    body, content_type = multipart_body(path)
    raw = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post_raw() -> None:
        raw.request("POST", "/v1/documents", body=body, headers={"Content-Type": content_type})
        answer = raw.getresponse()
        json.loads(answer.read())
        if answer.status not in (200, 201):
            raise SystemExit(f"POST answered {answer.status}")
        for name, ms in re.findall(r"(\w+);dur=([\d.]+)", answer.getheader("Server-Timing") or ""):
            steps.setdefault(name, []).append(float(ms))

    def timed(name: str, call: Callable[[], object]) -> None:
        start = time.perf_counter()
        call()
        times[name].append((time.perf_counter() - start) * 1000)

    with httpx.Client(base_url=base, timeout=60) as client:

        def post_httpx() -> None:
            answer = post(client, path)
            answer.json()
            answer.raise_for_status()

        for _ in range(5):  # warm both: imports, pool workers, the database file, the connections
            extract(path)
            post_httpx()
            post_raw()
        steps.clear()
        for _ in range(n):
            timed("extract", lambda: extract(path))
            timed("post", post_httpx)
            timed("extract", lambda: extract(path))
            timed("post_raw", post_raw)
            times["fsync"].append(fsync_ms(data))
    raw.close()
    medians = {f"{name}_ms": round(statistics.median(values), 2) for name, values in times.items()}
    medians["ratio"] = round(medians["post_ms"] / medians["extract_ms"], 2)
    medians["ratio_raw"] = round(medians["post_raw_ms"] / medians["extract_ms"], 2)
    medians.update({f"server_{name}_ms": round(statistics.median(values), 2) for name, values in steps.items()})
    return medians


def summary(rounds: list[dict[str, float]]) -> tuple[dict[str, float], dict[str, list[float]]]:
    """The round with the median ratio, and the spread (min, max) of every figure over the rounds."""
    ordered = sorted(rounds, key=lambda r: r["ratio"])
    middle = ordered[len(ordered) // 2]
    return middle, {key: [min(r[key] for r in rounds), max(r[key] for r in rounds)] for key in middle}


async def concurrent(base: str, files: list[Path]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:

        async def one(path: Path) -> httpx.Response:
            return await client.post("/v1/documents", files={"file": (path.name, path.read_bytes(), "application/pdf")})

        return list(await asyncio.gather(*(one(p) for p in files)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=30, help="timed requests per round (default 30)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each after its own warm-up (default 5)")
    parser.add_argument(
        "--server-root", type=Path, default=ROOT, help="the checkout whose directives serves (default: this one)"
    )
    parser.add_argument("--file", type=Path, default=ROOT / "samples" / "cv-khan.pdf", help="the one-page PDF")
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "api.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        port = free_port()
        server = start_server(data, port, args.server_root)
        base = f"http://127.0.0.1:{port}"
        try:
            rounds = [one_round(base, port, args.file, data, args.n) for _ in range(args.rounds)]
            timing, spread = summary(rounds)

            copies = Path(tmp) / "copies"
            copies.mkdir()
            files: list[Path] = []
            for i in range(args.concurrent):
                sample = ROOT / "samples" / ONE_PAGE[i % len(ONE_PAGE)]
                copy = copies / f"{sample.stem}-{i:02d}.pdf"
                copy.write_bytes(sample.read_bytes() + f"\n% copy {i}\n".encode())
                files.append(copy)
            expected = {p: extract(p).model_dump(mode="json") for p in files}
            start = time.perf_counter()
            answers = asyncio.run(concurrent(base, files))
            wall = time.perf_counter() - start
            right = sum(
                a.status_code in (200, 201) and same_record(a.json()["record"], expected[p])
                for p, a in zip(files, answers, strict=True)
            )
            with httpx.Client(base_url=base, timeout=60) as client:
                stored = client.get("/v1/documents", params={"limit": 1000}).json()
                sources = {
                    d["code"]: len(client.get(f"/v1/documents/{d['id']}").json()["sources"]) for d in stored["items"]
                }
            samples_used = min(args.concurrent, len(ONE_PAGE))
            per_sample = {
                expected[p]["code"]: sum(expected[q]["code"] == expected[p]["code"] for q in files) for p in files
            }
            # the latency file (cv-khan.pdf itself) is one more source of its document
            khan = extract(args.file).code
            per_sample[khan] = per_sample.get(khan, 0) + 1
            store_right = stored["total"] == samples_used and sources == per_sample
        finally:
            server.terminate()
            server.wait(timeout=30)

    result = {
        **timing,
        "spread": spread,
        "rounds": rounds,
        "n": args.n,
        "server_root": str(args.server_root.resolve()),
        "file": args.file.name,
        "concurrent": args.concurrent,
        "concurrent_wall_s": round(wall, 2),
        "concurrent_right": right,
        "store_documents": stored["total"],
        "store_sources_right": store_right,
        "cores": os.cpu_count(),
    }
    print(f"one-page PDF {args.file.name}, {args.rounds} rounds of {args.n} interleaved requests (medians):")
    print("  round   extract()   POST (httpx)       POST (raw)        fsync")
    for i, r in enumerate(rounds, 1):
        print(
            f"  {i:>5} {r['extract_ms']:8.2f} ms {r['post_ms']:8.2f} ms {r['ratio']:5.2f}× "
            f"{r['post_raw_ms']:8.2f} ms {r['ratio_raw']:5.2f}× {r['fsync_ms']:7.2f} ms"
        )
    print(
        f"median round: POST {timing['post_ms']:.2f} ms = {timing['ratio']:.2f}× "
        f"extract() {timing['extract_ms']:.2f} ms "
        f"(rounds {spread['ratio'][0]:.2f}×-{spread['ratio'][1]:.2f}×; raw client {timing['ratio_raw']:.2f}×; "
        "target ≤ 1.5×)"
    )
    server_steps = {
        k.removeprefix("server_").removesuffix("_ms"): v for k, v in timing.items() if k.startswith("server_")
    }
    if server_steps:
        print(
            "  the server's account of a raw POST in that round (Server-Timing, medians): "
            + ", ".join(f"{name} {ms:.2f} ms" for name, ms in server_steps.items())
        )
    print(
        f"{args.concurrent} concurrent uploads on {os.cpu_count()} cores: {wall:.2f} s, "
        f"{right}/{args.concurrent} records right; store: {stored['total']} documents, "
        f"sources per document {'right' if store_right else 'WRONG'}"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if right != args.concurrent or not store_right:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
