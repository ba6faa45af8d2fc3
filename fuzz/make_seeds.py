#!/usr/bin/python3
"""Writes fuzz/seeds/<harness>/ from fuzz/trees/ (itself trimmed from data/,
make_trees.py), the README's and the tests' examples.  Run from the repository
root; the output is committed.  The column_store seed is copied from an index
built by fuzz/campaign.sh (--column-seed FILE); the display_store seed from a
display file of an index of fuzz/trees/hoa (--display-seed FILE)."""
import gzip, hashlib, json, os, shutil, sys

OUT = "fuzz/seeds"


def tree(rel):
    with open(os.path.join("fuzz/trees", rel), "rb") as f:
        return f.read()


def put(harness, blobs):
    folder = os.path.join(OUT, harness)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for blob in blobs:
        if isinstance(blob, str):
            blob = blob.encode()
        name = hashlib.sha1(blob).hexdigest()[:16]
        with open(os.path.join(folder, name), "wb") as f:
            f.write(blob)


def chosen(root, files, extra=(b"{}", b"[]", b"")):
    """One seed per file of a tree (byte 0 picks it), and small edge cases."""
    out = [bytes([i]) + tree(root + "/" + rel) for i, rel in enumerate(files)]
    out += [bytes([i]) + e for i in range(len(files)) for e in extra]
    return out


CRYOET = ["10000/dataset_metadata.json", "10000/TS_027/run_metadata.json",
          "10000/TS_027/Frames/frames_metadata.json",
          "10000/TS_027/Alignments/100/alignment_metadata.json",
          "10000/TS_027/TiltSeries/100/tiltseries_metadata.json",
          "10000/TS_027/Reconstructions/VoxelSpacing13.480/Tomograms/100/tomogram_metadata.json",
          "10000/TS_027/Reconstructions/VoxelSpacing13.480/Annotations/108/nucleus-1.0.json",
          "depositions_metadata/10310/deposition_metadata.json"]
HTAN = ["processed_syn_data.json", "publications_manifest_all.json", "human-organ-mappings.json",
        "minerva-story-mappings.json"]
HOA = ["metadata/LADAF-2020-27_lung_left_complete-organ_25.08um_bm05.json",
       "metadata/LADAF-2020-27_lung_left_VOI-03_6.5um_bm05.json"]
MINERVA = ["minerva-story-mappings.json", "HTA-CRCATLAS-1/exhibits/crc02-he-overview.json",
           "HTA-MELATLAS-1/exhibits/MEL01-1-1-overview.json"]

QUERIES = ["ribosome S. pombe", "CyCIF colon", "covid lung", "(a OR b) c", "NOT a", "a AND b",
           "TS_02*", "+the", "HeLa tomograms", "organism:\"S. pombe\"", "kind:tomogram ribosome",
           "voxel_spacing:<10", "(voxel_size:<10µm OR voxel_spacing:<10µm)", "age:20y..40y",
           "age:>=21900d", "age:<18", "assay:CyCIF organ:colon", "ground_truth:yes", "object:=cytosolic ribosome",
           "DS-10001", "GO:0022626", "NCBITaxon:284812", "10.15151/ESRF-DC-572252538",
           "between 20 and 40 years", "below 30 degrees celsius", "18 or over", "breast cancer patients",
           "\"cytosolic ribosome\"", "<353.15K", "temperature:<176F", "release_date:>2020-01-01",
           "fission yeast", "quality=>=4", "organism=S. pombe", "sex:female OR \"female\"", "a*", "*"]
REQUEST_TEXT = ["organism=S. pombe,E. coli\norganism:20,quality\nrelease_date:desc\ndataset,run",
                "organism!=E. coli\nquality\ntitle\ncryoet,htan", "organism=*\n\n\n", "organism!=*",
                "quality=>=4\nauthor:5\nvoxel_spacing:asc\n", "title=a\\,b\n,,\n:\n,",
                "release_date=2020-01-01..2021-12-31\nrelease_date\nid:desc\nkind"]
README_REQUEST = """{"query": "ribosome", "kinds": ["dataset"], "sources": [],
 "filters": [{"field": "organism", "values": ["Schizosaccharomyces pombe 972h-", "Saccharomyces cerevisiae"]},
             {"field": "quality", "values": [">=4"]}, {"field": "deposition", "mode": "exists"}],
 "has_children": [{"kind": "annotation", "filters": [{"field": "ground_truth", "values": [true]},
                   {"field": "object", "values": ["cytosolic ribosome"]}]}],
 "facets": ["organism", {"field": "quality", "size": 5}, "release_date", {"field": "author", "prefix": "Ma"}],
 "sort": "release_date:desc", "group_by": "", "group_size": 3, "offset": 0, "limit": 2}"""
REQUESTS = [README_REQUEST, '{"query": "tomogrm", "typo_tolerance": false}',
            '{"query": "x", "typo_tolerance": "yes"}',
            '{"filters":[{"field":"quality","values":[1e300, 4, -0.0, 2.5]}]}',
            '{"text":{"mode":"fuzzy"}}', '{"limt":20}', '{}', '{"query": "lung", "group_by": "dataset"}',
            '{"query": "covid lung", "explain": true, "collapse": true, "similar": 9}',
            '{"query": "", "sort": {"field": "title", "order": "asc"}, "facets": ["kind:3"]}',
            '{"filters": [{"field": "organism", "mode": "missing"}], "limit": 0}']
FILTERS = ['{"include":["parameters"]}',
           '{"include":[{"relation":"techniques","scope":{"where":{"name":"x-ray absorption"}}}]}',
           '{"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"photon_energy"},'
           '{"value":{"between":[0.88,0.99]}},{"unit":"keV"}]}}}]}',
           '{"where":{"type":"proposal"},"include":[{"relation":"members","scope":{"where":'
           '{"role":"principal investigator"},"include":[{"relation":"person","scope":{"where":'
           '{"fullName":"James Chadwick"}}}]}}]}',
           '{"limit":5}', '{"where":{"title":{"like":"%lung%"}},"order":["title DESC"],"skip":1}',
           '{"where":{"or":[{"pid":{"inq":["a","b"]}},{"title":{"ilike":"Covid_"}}]},"fields":["pid"]}',
           '{"query":"lung covid","limit":2}', '{}']
WHERES = ['{"facility":"ESRF"}', '{"title":{"nlike":"x%"}}', '{"and":[{"isPublic":true},{"pid":{"neq":null}}]}']
HTTP = ["GET /v1/search?q=ribosome%20S.%20pombe&limit=2&facets=organism",
        "GET /v1/search?q=lung&filter=organism%3DS.%20pombe&sort=release_date:desc&kind=dataset",
        "POST /v1/search\n" + README_REQUEST, "GET /v1/records/cryoet:dataset:10000",
        "GET /v1/facets/organism?prefix=S&size=5", "GET /v1/manifest?q=lung&format=s3",
        "POST /v1/manifest?format=https\n{\"query\": \"lung\"}", "GET /v1/fields", "GET /v1/stats",
        "GET /health", "GET /ready", "GET /metrics", "GET /openapi.json", "GET /", "GET /page/app.js",
        "GET /api/Datasets?filter=%7B%22limit%22%3A5%7D&query=lung%20covid",
        "GET /api/Instruments/count?where=%7B%22facility%22%3A%22ESRF%22%7D",
        "GET /api/Datasets/20.500.12269%2Fpanosc-dataset1?filter=%7B%22include%22%3A%5B%22parameters%22%5D%7D",
        "GET /api/Documents", "GET /v1/search?q=a&q=b&limit=x"]


def main():
    put("cryoet", chosen("cryoet", CRYOET))
    syn = b'{"Therapy": []}'
    put("htan_json", chosen("htan", HTAN) + [bytes([4]) + syn, b"\x04{}"])
    export = tree("htan/processed_syn_data.json")
    put("htan_gzip", [gzip.compress(export, mtime=0), gzip.compress(b"{}", mtime=0),
                      gzip.compress(export, mtime=0)[:200], export[:100]])
    put("hoa", chosen("hoa", HOA))
    put("panosc_dump", [tree("panosc/search-api/db.json"), b"{}", b'{"models": {}}'])
    put("minerva", chosen("minerva", MINERVA))
    put("drs_manifest", [tree("htan/cds_manifest.csv"), "name,drs_uri\n", "\ufeffHTAN Data File ID,drs_uri\r\nHTA7_967_1000,drs://x/y\r\n",
                         'name,drs_uri\n"a ""quoted"" name.bam",drs://a/b\n"unclosed,drs://c', "file_id,drs_uri,x\n,,,\n"])
    put("query", QUERIES)
    put("request_text", REQUEST_TEXT)
    put("request_json", REQUESTS)
    put("panosc_filter", [bytes([m]) + f.encode() for m in range(3) for f in FILTERS] +
        [bytes([3 + m]) + w.encode() for m in range(3) for w in WHERES])
    put("http", HTTP)
    if len(sys.argv) == 3 and sys.argv[1] == "--column-seed":
        with open(sys.argv[2], "rb") as f:
            put("column_store", [f.read(), b"", b"ATLASCOL"])
    if len(sys.argv) == 3 and sys.argv[1] == "--display-seed":
        # The first byte picks the document count opened (display_store_fuzz.cpp).
        with open(sys.argv[2], "rb") as f:
            shard = f.read()
        put("display_store", [b"\0" + shard, b"\1" + shard, b"\0", b"\0atlasDS2"])


if __name__ == "__main__":
    main()
