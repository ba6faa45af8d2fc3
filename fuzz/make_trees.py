#!/usr/bin/python3
"""Writes fuzz/trees/ (the small source trees the adapter harnesses read) from
data/: trimmed copies, so that each execution maps a few records, not the sample.
Run from the repository root when data/ changes; the output is committed."""
import gzip, json, os, shutil

DATA, OUT = "data", "fuzz/trees"


def put(rel, text):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def copy(rel_in, rel_out):
    os.makedirs(os.path.dirname(os.path.join(OUT, rel_out)), exist_ok=True)
    shutil.copy(os.path.join(DATA, rel_in), os.path.join(OUT, rel_out))


def shorten(value, limit=160):
    """The value with long strings cut and long lists cut to three items."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, list):
        return [shorten(v, limit) for v in value[:3]]
    if isinstance(value, dict):
        return {k: shorten(v, limit) for k, v in value.items()}
    return value


def cryoet():
    run = "cryoet/10000/TS_027/"
    for rel in ["cryoet/10000/dataset_metadata.json", run + "run_metadata.json",
                run + "Frames/frames_metadata.json",
                run + "Alignments/100/alignment_metadata.json",
                run + "TiltSeries/100/tiltseries_metadata.json",
                run + "Reconstructions/VoxelSpacing13.480/Tomograms/100/tomogram_metadata.json",
                run + "Reconstructions/VoxelSpacing13.480/Annotations/108/nucleus-1.0.json",
                "cryoet/depositions_metadata/10310/deposition_metadata.json"]:
        copy(rel, rel)


def htan():
    export = json.load(gzip.open(os.path.join(DATA, "htan/processed_syn_data.json.gz")))
    files = [f for f in export["files"] if f.get("atlasid") == "HTA7"][:3]
    participants = {f["HTANParticipantID"] for f in files if f.get("HTANParticipantID")}
    bios = {k: v for k, v in export["biospecimenByBiospecimenID"].items()
            if v.get("ParentID") in participants or k in {f.get("HTANParentBiospecimenID") for f in files}}
    small = {"files": files,
             "atlases": [a for a in export["atlases"] if a["htan_id"] == "HTA7"],
             "biospecimenByBiospecimenID": dict(list(bios.items())[:3]),
             "diagnosisByParticipantID": {k: v for k, v in export["diagnosisByParticipantID"].items() if k in participants},
             "demographicsByParticipantID": {k: v for k, v in export["demographicsByParticipantID"].items() if k in participants}}
    put("htan/processed_syn_data.json", json.dumps(small, indent=1))
    pubs = json.load(open(os.path.join(DATA, "htan/publications_manifest_all.json")))
    put("htan/publications_manifest_all.json", json.dumps(shorten(pubs[:2]), indent=1))
    organs = json.load(open(os.path.join(DATA, "htan/human-organ-mappings.json")))
    put("htan/human-organ-mappings.json", json.dumps(dict(list(organs.items())[:3]), indent=1))
    stories = json.load(open(os.path.join(DATA, "htan/minerva-story-mappings.json")))
    put("htan/minerva-story-mappings.json", json.dumps(dict(list(stories.items())[:3]), indent=1))
    name = files[0]["Filename"].split("/")[-1]
    put("htan/cds_manifest.csv", "name,drs_uri,file_size\r\n" + name +
        ",drs://nci-crdc.datacommons.io/dg.4DFC/00000000-fuzz,1\r\nother.bam,not-a-drs-uri,2\r\n")


def hoa():
    for name in ["LADAF-2020-27_lung_left_complete-organ_25.08um_bm05.json",
                 "LADAF-2020-27_lung_left_VOI-03_6.5um_bm05.json"]:
        copy("hoa/metadata/" + name, "hoa/metadata/" + name)


def minerva():
    copy("minerva/minerva-story-mappings.json", "minerva/minerva-story-mappings.json")
    for rel in ["HTA-CRCATLAS-1/exhibits/crc02-he-overview.json",
                "HTA-MELATLAS-1/exhibits/MEL01-1-1-overview.json"]:
        copy("minerva/" + rel, "minerva/" + rel)


def panosc():
    copy("panosc/search-api/db.json", "panosc/search-api/db.json")


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    for make in (cryoet, htan, hoa, minerva, panosc):
        make()
