"""Xapian BM25 over the same corpus and queries as the Postgres benchmark (the anchor).

Usage: /usr/bin/python3 xapian_bm25.py CORPUS.jsonl QUERIES.jsonl DBDIR > result.json
Indexes title (each occurrence counted twice, as the Postgres source does) and text with the
English stemmer and stop words, then times each query's top 10 in-process with BM25 k1=1.2, b=0.75.
"""
import json
import sys
import time

import xapian

STOP_WORDS = (
    "a about above after again against all am an and any are as at be because been before being below between both but by "
    "can did do does doing down during each few for from further had has have having he her here hers herself him himself his "
    "how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours "
    "ourselves out over own same she should so some such than that the their theirs them themselves then there these they "
    "this those through to too under until up very was we were what when where which while who whom why will with you your "
    "yours yourself yourselves"
).split()


def main() -> None:
    corpus_path, queries_path, db_path = sys.argv[1:4]
    stopper = xapian.SimpleStopper()
    for word in STOP_WORDS:
        stopper.add(word)
    stemmer = xapian.Stem("english")

    started = time.perf_counter()
    db = xapian.WritableDatabase(db_path, xapian.DB_CREATE_OR_OVERWRITE)
    generator = xapian.TermGenerator()
    generator.set_stemmer(stemmer)
    generator.set_stopper(stopper)
    generator.set_stopper_strategy(xapian.TermGenerator.STOP_ALL)
    generator.set_stemming_strategy(xapian.TermGenerator.STEM_ALL)
    count = 0
    with open(corpus_path, encoding="utf-8") as corpus:
        db.begin_transaction(False)
        for line in corpus:
            row = json.loads(line)
            doc = xapian.Document()
            generator.set_document(doc)
            generator.index_text(row.get("title", ""), 2)
            generator.increase_termpos()
            generator.index_text(row.get("text", ""))
            doc.set_data(row["_id"])
            db.add_document(doc)
            count += 1
            if count % 50000 == 0:
                db.commit_transaction()
                db.begin_transaction(False)
        db.commit_transaction()
    db.commit()
    index_seconds = time.perf_counter() - started

    parser = xapian.QueryParser()
    parser.set_stemmer(stemmer)
    parser.set_stopper(stopper)
    parser.set_stemming_strategy(xapian.QueryParser.STEM_ALL)
    parser.set_default_op(xapian.Query.OP_OR)
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))

    queries = [json.loads(line) for line in open(queries_path, encoding="utf-8") if line.strip()]
    times, results = [], []
    for pass_no in range(2):  # the first pass warms the caches, the second is timed
        times, results = [], []
        for query in queries:
            t = time.perf_counter()
            enquire.set_query(parser.parse_query(query["text"], 0))
            mset = enquire.get_mset(0, 10)
            ids = [match.document.get_data().decode() for match in mset]
            times.append((time.perf_counter() - t) * 1000)
            results.append(ids)
    json.dump({"documents": count, "index_seconds": index_seconds, "times_ms": times, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
