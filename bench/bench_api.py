"""The HTTP API against the library: one upload's answer time, and 20 uploads at once.

    .venv/bin/python bench/bench_api.py                    # table; writes bench/results/api.json
    .venv/bin/python bench/bench_api.py -n 30 --rounds 5 --concurrent 20
    .venv/bin/python bench/bench_api.py --server-root ../main --json /tmp/api-main.json   # another checkout

Starts the real ``directives api --workers 2`` on a free port (default sinks: JSON files and the
SQLite store, in a temporary data folder) and measures, interleaved after a warm-up:

- ``extract``: ``pipeline.extract(FILE)`` in this process (the library, warm);
- ``POST``: ``POST /v1/documents`` of that same file over HTTP (multipart, with httpx), until the
  answer is read: upload, extraction in the pool, the store's durable commit, the record back as
  JSON (the JSON sink writes after the answer);
- ``POST raw``: the same request pre-encoded and sent with ``http.client``, which leaves out the
  client's own cost of building a multipart body (the server's answer time, nearly);
- ``fsync``: one fsync of a 4 KB write in the data folder, the floor of any durable commit;
- the server's ``Server-Timing`` header of each raw POST: ``receive`` (the body in), ``save``,
  ``read`` (the pool's round trip, of which ``extract`` in the reader process), ``store`` (the
  commit), ``answer`` (the JSON, and the hop back to the event loop), ``total`` (in the handler).

Twice: first each FILE a new document (the sample cv-khan renumbered, rendered by LibreOffice at
the start: what a clerk's upload is, a document the store has not seen; the headline figure),
then ``--file`` sent again and again (a document the store has, re-read and rewritten).
``--rounds`` repeats the ``-n`` interleaved pairs (the machine is shared: load comes and goes);
each round gives its medians and ratio, the summary is the median round and the spread. Target:
POST at most 1.5× extract. Then, on a second server with an empty store, ``--concurrent`` distinct
PDFs (copies of the one-page samples, made distinct by a comment after %%EOF) are posted at once;
every answer must carry the record the library makes of that file, and the store must hold one
document per sample with one source per copy.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import itertools
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def one_round(base: str, port: int, files: Iterator[Path], data: Path, n: int) -> dict[str, float]:
    """``n`` interleaved (extract, POST, extract, POST raw, fsync) after a warm-up; medians in ms.

    Each POST sends the next of ``files`` and is compared with ``extract()`` of that same file just
    before it: fresh documents (each a document the store has not seen), or one file again and again.
    """
    times: dict[str, list[float]] = {"extract": [], "post": [], "post_raw": [], "fsync": []}
    steps: dict[str, list[float]] = {}  # the server's own account of each raw POST (Server-Timing)
    raw = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post_raw(encoded: tuple[bytes, str]) -> None:
        body, content_type = encoded
        raw.request("POST", "/v1/documents", body=body, headers={"Content-Type": content_type})
        answer = raw.getresponse()
        json.loads(answer.read())
        if answer.status not in (200, 201):
            raise SystemExit(f"POST answered {answer.status}")
        for name, ms in re.findall(r"(\w+);dur=([\d.]+)", answer.getheader("Server-Timing") or ""):
            steps.setdefault(name, []).append(float(ms))

    def timed(name: str, call: Callable[[Any], object], arg: Any) -> None:
        start = time.perf_counter()
        call(arg)
        times[name].append((time.perf_counter() - start) * 1000)

    with httpx.Client(base_url=base, timeout=60) as client:

        def post_httpx(path: Path) -> None:
            answer = post(client, path)
            answer.json()
            answer.raise_for_status()

        for _ in range(5):  # warm both: imports, pool workers, the database file, the connections
            path = next(files)
            extract(path)
            post_httpx(path)
            post_raw(multipart_body(next(files)))
        steps.clear()
        for _ in range(n):
            path = next(files)
            timed("extract", extract, path)
            timed("post", post_httpx, path)
            path = next(files)
            encoded = multipart_body(path)  # before the clock: the raw client sends bytes made beforehand
            timed("extract", extract, path)
            timed("post_raw", post_raw, encoded)
            times["fsync"].append(fsync_ms(data))
    raw.close()
    medians = {f"{name}_ms": round(statistics.median(values), 2) for name, values in times.items()}
    medians["ratio"] = round(medians["post_ms"] / medians["extract_ms"], 2)
    medians["ratio_raw"] = round(medians["post_raw_ms"] / medians["extract_ms"], 2)
    medians.update({f"server_{name}_ms": round(statistics.median(values), 2) for name, values in steps.items()})
    return medians


def fresh_documents(folder: Path, count: int) -> list[Path]:
    """``count`` one-page PDFs, each a document of its own: the sample cv-khan with its number changed
    (1307/UBND-VX → 5000/UBND-VX, 5001/...), built as ``samples/make_samples.py`` builds the sample and
    rendered by LibreOffice in one call, so each upload is what a clerk's is: a document the store
    has not seen."""
    sys.path.insert(0, str(ROOT / "samples"))
    import make_samples

    spec = make_samples.load_spec(ROOT / "samples" / "specs" / "cv-khan.json")
    number = re.search(r"\d+", spec["number_line"])
    assert number is not None
    docx = []
    for i in range(count):
        variant = {**spec, "number_line": spec["number_line"].replace(number.group(), str(5000 + i), 1)}
        path = folder / f"cv-khan-{5000 + i}.docx"
        path.write_bytes(make_samples.build_docx(variant))
        docx.append(path)
    pdfs: dict[Path, Path] = {}
    for start in range(0, len(docx), 50):  # one LibreOffice call per 50: a long call drops files
        pdfs.update(make_samples.render_pdfs(docx[start : start + 50]))
    return [pdfs[p] for p in docx]


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


def concurrent_check(base: str, tmp: Path, count: int) -> tuple[float, int, int, bool]:
    """``count`` distinct PDFs (copies of the one-page samples, made distinct by a comment after
    %%EOF) posted at once to a server with an empty store: its wall time, how many answers carry
    the record the library makes of their file, how many documents the store holds, and whether
    each holds one source per copy."""
    copies = tmp / "copies"
    copies.mkdir()
    files: list[Path] = []
    for i in range(count):
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
        sources = {d["code"]: len(client.get(f"/v1/documents/{d['id']}").json()["sources"]) for d in stored["items"]}
    per_sample = {expected[p]["code"]: sum(expected[q]["code"] == expected[p]["code"] for q in files) for p in files}
    store_right = stored["total"] == min(count, len(ONE_PAGE)) and sources == per_sample
    return wall, right, stored["total"], store_right


def print_rounds(title: str, rounds: list[dict[str, float]]) -> dict[str, float]:
    timing, spread = summary(rounds)
    print(title)
    print("  round   extract()   POST (httpx)       POST (raw)        fsync")
    for i, r in enumerate(rounds, 1):
        print(
            f"  {i:>5} {r['extract_ms']:8.2f} ms {r['post_ms']:8.2f} ms {r['ratio']:5.2f}× "
            f"{r['post_raw_ms']:8.2f} ms {r['ratio_raw']:5.2f}× {r['fsync_ms']:7.2f} ms"
        )
    print(
        f"median round: POST {timing['post_ms']:.2f} ms = {timing['ratio']:.2f}× "
        f"extract() {timing['extract_ms']:.2f} ms "
        f"(rounds {spread['ratio'][0]:.2f}×-{spread['ratio'][1]:.2f}×; raw client {timing['ratio_raw']:.2f}×, "
        f"rounds {spread['ratio_raw'][0]:.2f}×-{spread['ratio_raw'][1]:.2f}×; target ≤ 1.5×)"
    )
    server_steps = {
        k.removeprefix("server_").removesuffix("_ms"): v for k, v in timing.items() if k.startswith("server_")
    }
    if server_steps:
        print(
            "  the server's account of a raw POST in that round (Server-Timing, medians): "
            + ", ".join(f"{name} {ms:.2f} ms" for name, ms in server_steps.items())
        )
    return {**timing, "spread": spread, "rounds": rounds}  # type: ignore[dict-item]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=30, help="timed requests per round (default 30)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each after its own warm-up (default 5)")
    parser.add_argument(
        "--server-root", type=Path, default=ROOT, help="the checkout whose directives serves (default: this one)"
    )
    parser.add_argument("--file", type=Path, default=ROOT / "samples" / "cv-khan.pdf", help="the file sent again")
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "api.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        fresh_folder = tmp / "fresh"
        fresh_folder.mkdir()
        fresh = iter(fresh_documents(fresh_folder, args.rounds * (args.n + 5) * 2))
        data = tmp / "data"
        data.mkdir()
        port = free_port()
        server = start_server(data, port, args.server_root)
        base = f"http://127.0.0.1:{port}"
        try:
            new_rounds = [one_round(base, port, fresh, data, args.n) for _ in range(args.rounds)]
            again_rounds = [
                one_round(base, port, itertools.repeat(args.file), data, args.n) for _ in range(args.rounds)
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
        data2 = tmp / "data2"
        data2.mkdir()
        port = free_port()
        server = start_server(data2, port, args.server_root)
        try:
            wall, right, documents, store_right = concurrent_check(f"http://127.0.0.1:{port}", tmp, args.concurrent)
        finally:
            server.terminate()
            server.wait(timeout=30)

    new = print_rounds(
        f"one-page PDFs, each a new document (cv-khan renumbered), {args.rounds} rounds of {args.n} "
        "interleaved requests (medians):",
        new_rounds,
    )
    again = print_rounds(f"the same file {args.file.name} sent again, {args.rounds} rounds of {args.n}:", again_rounds)
    print(
        f"{args.concurrent} concurrent uploads on {os.cpu_count()} cores: {wall:.2f} s, "
        f"{right}/{args.concurrent} records right; store: {documents} documents, "
        f"sources per document {'right' if store_right else 'WRONG'}"
    )
    result = {
        "new_document": new,
        "same_file_again": again,
        "n": args.n,
        "server_root": str(args.server_root.resolve()),
        "file_again": args.file.name,
        "concurrent": args.concurrent,
        "concurrent_wall_s": round(wall, 2),
        "concurrent_right": right,
        "store_documents": documents,
        "store_sources_right": store_right,
        "cores": os.cpu_count(),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if right != args.concurrent or not store_right:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
