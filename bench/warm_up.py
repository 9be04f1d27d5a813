"""One-off costs, paid once per process: imports, the first `spacy.blank` per language, the
first extraction per language; then every fixture once, before any timing."""

from __future__ import annotations

import time
from pathlib import Path

from bench.measure import lang_of, log, timed, warm_paths
from bench.state import Bench, section


def warm_up(bench: Bench) -> None:
    with section(bench, "warm-up"):
        t0 = time.perf_counter()
        import metroextract.pipeline  # noqa: F401  (imports pdfplumber, spaCy, pydantic models)

        t_import = time.perf_counter() - t0
        from metroextract.segment import vocabulary_nlp

        per_lang = {}
        for lang in sorted({lang_of(p) for p in bench.fixtures}):
            t = time.perf_counter()
            vocabulary_nlp(lang)
            per_lang[lang] = time.perf_counter() - t
        from metroextract.pipeline import extract

        first = {}
        for p in warm_paths(bench.fixtures):  # first call vs the next one, back to back
            _, a, _ = timed(lambda p=p: extract(p))
            _, b, _ = timed(lambda p=p: extract(p))
            first[Path(p).name] = a - b
        for p in bench.fixtures:  # and every fixture once before any timing
            extract(p)
        bench.results["warm_up"] = {"import_s": t_import, "spacy_blank_s": per_lang, "first_call_extra_s": first}
        log(f"import {t_import:.2f} s; spacy.blank + SpanRuler {', '.join(f'{k} {v:.2f} s' for k, v in per_lang.items())}")
