"""extractors.tagger: underthesea's tags from its models alone, the same as the whole package gives.

The light tagger runs in a fresh process (in this one another test may have imported the whole
package, and then the tagger simply uses it); its tags are compared, phrase for phrase, with
``underthesea.pos_tag`` here, on the lines of every sample text.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, SAMPLES

LIGHT = """
import json, sys
from extractors.tagger import pos_tag
phrases = json.load(sys.stdin)
tags = [pos_tag(p) for p in phrases]
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"underthesea", "joblib", "numpy"})
json.dump({"tags": tags, "loaded": loaded}, sys.stdout, ensure_ascii=False)
"""


def phrases() -> list[str]:
    found: dict[str, None] = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip(" -*#|")
            if sum(c.isalpha() for c in line) >= 8:
                found[line[:80]] = None
    return list(found)


def test_the_light_tagger_gives_underthesea_s_own_tags() -> None:
    from underthesea import pos_tag

    asked = phrases()
    assert len(asked) > 100
    run = subprocess.run(
        [sys.executable, "-c", LIGHT], input=json.dumps(asked), capture_output=True, text=True, cwd=ROOT, check=True
    )
    light = json.loads(run.stdout)
    # loaded without the package's other pipelines, joblib or numpy
    assert light["loaded"] == [], light["loaded"]
    expected = [[list(pair) for pair in pos_tag(p)] for p in asked]
    assert light["tags"] == expected


def test_the_tagger_names_verbs_and_nouns() -> None:
    from extractors.tagger import pos_tag

    tags = dict(pos_tag("Sở Nội vụ chủ trì, phối hợp các cơ quan"))
    assert tags["phối hợp"] == "V" and tags["cơ quan"] == "N"
