#!/usr/bin/env python3
"""Cuts data/htan from the HTAN corpus: whole, unchanged records, chosen so every quirk occurs.

Usage: python3 data/htan/make_sample.py ../shared/corpus/htan data/htan
Selection (see SOURCE.md): all atlases; a handful of participants with all of
their biospecimens and up to 12 files each; files picked for their viewers,
download sources and the duplicated data file id; a few publications; and the
Therapy rows of syn_data.json.gz (the raw Synapse manifests) that name a
sampled participant.
"""
import gzip
import json
import os
import shutil
import sys

corpus, out = sys.argv[1], sys.argv[2]
portal = os.path.join(corpus, "ncihtan_htan-portal")
with gzip.open(os.path.join(portal, "public/processed_syn_data.json.gz"), "rt") as f:
    d = json.load(f)

diag, dem = d["diagnosisByParticipantID"], d["demographicsByParticipantID"]
bios = d["biospecimenByBiospecimenID"]
files = d["files"]

participants = [
    "HTA7_967", "HTA7_920", "HTA7_944",       # CRC CyCIF (HMS); 967 has no organ recorded
    "HTA1_313",                               # breast, many files and a 4-deep biospecimen chain
    "HTA13_1",                                # cecum CyCIF
    "HTA9_1",                                 # OHSU: custom Minerva story, IDC
]
# Quirks: an age of 0 days, an age as a numeric string, 'unknown', a float age,
# and a participant with demographics only.
def first(pred):
    return next(k for k, v in sorted(diag.items()) if pred(v))
numeric_string = first(lambda v: isinstance(v.get("AgeatDiagnosis"), str) and
                       v["AgeatDiagnosis"].isdigit())
participants += [
    first(lambda v: v.get("AgeatDiagnosis") == 0),
    numeric_string,
    first(lambda v: v.get("AgeatDiagnosis") == "unknown"),
    first(lambda v: isinstance(v.get("AgeatDiagnosis"), float)),
    next(k for k in sorted(dem) if k not in diag),
]
# Not primary (no biospecimens of their own): a second age of the numeric
# string's atlas, which writes years (HTA10); and, with one file each, a
# treatment type that lists two and a "Not Allowed To Collect".
second_years = first(lambda v: v.get("atlasid") == diag[numeric_string]["atlasid"] and
                     isinstance(v.get("AgeatDiagnosis"), str) and
                     v["AgeatDiagnosis"].isdigit() and v is not diag[numeric_string])
extra = [
    first(lambda v: "," in (v.get("TreatmentType") or "")),
    first(lambda v: (v.get("PriorTreatment") or "").lower() == "not allowed to collect"),
]
participants = [p for p in dict.fromkeys(participants) if p in diag or p in dem]
primary = list(participants)
participants = list(dict.fromkeys(participants + [second_years] + extra))

chosen_files = []
def take(f):
    if f not in chosen_files:
        chosen_files.append(f)

for p in primary:
    n = 0
    for f in files:
        ids = set((f.get("diagnosisIds") or []) + (f.get("demographicsIds") or []))
        if p in ids and len(ids) == 1 and n < 12:
            take(f)
            n += 1
# One file of each extra participant, for the context its files inherit.
for p in extra:
    take(next(f for f in files
              if set((f.get("diagnosisIds") or []) + (f.get("demographicsIds") or [])) == {p}))
# The duplicated HTAN Data File ID (two different files), one pair.
dup = "HTA10_07_00102001"
for f in files:
    if f["DataFileID"] == dup:
        take(f)
# Viewers and download sources the sample must show.
for want in ["customMinerva", "idc", "cellxgene", "ucscXena", "isbcgc"]:
    take(min((f for f in files if want in (f.get("viewers") or {})),
             key=lambda f: len(json.dumps(f))))
for src in ["dbGaP", "Synapse", "Coming Soon", "CDS/SB-CGC (open access)"]:
    take(next(f for f in files if f.get("downloadSource") == src))
# A workflow description with a shell variable (${sample_id}) in it.
take(next(f for f in files if "${" in (f.get("ScRNAseqWorkflowParametersDescription") or "")))
# A minerva-story-mappings file name.
take(next(f for f in files if os.path.basename(f.get("Filename", "")) == "CRC02.ome.tif"))

for f in chosen_files:
    for p in (f.get("diagnosisIds") or []) + (f.get("demographicsIds") or []):
        if p not in participants and (p in diag or p in dem):
            participants.append(p)
biospecimen_ids = set()
for b, v in bios.items():
    if v.get("HTANParentID") in primary:
        biospecimen_ids.add(b)
changed = True
while changed:  # descendants of chosen biospecimens, and ancestors of the files' ones
    changed = False
    for b, v in bios.items():
        if b not in biospecimen_ids and v.get("HTANParentID") in biospecimen_ids:
            biospecimen_ids.add(b)
            changed = True
for f in chosen_files:
    for b in f.get("biospecimenIds") or []:
        while b in bios and b not in biospecimen_ids:
            biospecimen_ids.add(b)
            b = bios[b].get("HTANParentID")
biospecimen_ids.add("HTA6_EXT1_1")  # its parent HTA6_EXT1 is no known participant

sample = {
    "files": chosen_files,
    "atlases": d["atlases"],
    "biospecimenByBiospecimenID": {b: bios[b] for b in sorted(biospecimen_ids)},
    "diagnosisByParticipantID": {p: diag[p] for p in participants if p in diag},
    "demographicsByParticipantID": {p: dem[p] for p in participants if p in dem},
}
os.makedirs(out, exist_ok=True)
with gzip.GzipFile(os.path.join(out, "processed_syn_data.json.gz"), "wb", mtime=0) as g:
    g.write(json.dumps(sample, ensure_ascii=False, separators=(",", ":")).encode())

# Therapy rows (raw Synapse manifests) of the sampled participants, whole.
with gzip.open(os.path.join(portal, "public/syn_data.json.gz"), "rt") as f:
    raw = json.load(f)
therapy_atlases, therapy_rows = [], 0
for a in raw["atlases"]:
    t = a.get("bts:Therapy")
    if not t:
        continue
    pid = t["column_order"].index("HTAN Participant ID")
    rows = [r for r in t["record_list"] if r["values"][pid] in participants]
    if rows:
        therapy_atlases.append({"htan_id": a["htan_id"], "htan_name": a["htan_name"],
                                "bts:Therapy": {"data_schema": t["data_schema"],
                                                "column_order": t["column_order"],
                                                "record_list": rows}})
        therapy_rows += len(rows)
with gzip.GzipFile(os.path.join(out, "syn_data.json.gz"), "wb", mtime=0) as g:
    g.write(json.dumps({"atlases": therapy_atlases}, ensure_ascii=False,
                       separators=(",", ":")).encode())

pubs = json.load(open(os.path.join(portal, "data/publications_manifest_all.json")))
keep = [p for p in pubs if p.get("HTAN Center ID") in ("HTA7", "HTA1", "HTA9")]
keep = [p for p in keep if len(json.dumps(p)) < 60000][:6]
keep += [p for p in pubs if not p.get("DOI")][:1]
with open(os.path.join(out, "publications_manifest_all.json"), "w") as f:
    json.dump(keep, f, ensure_ascii=False, indent=1)
assets = os.path.join(portal, "packages/data-portal-commons/src/assets")
for name in ["human-organ-mappings.json", "minerva-story-mappings.json"]:
    shutil.copyfile(os.path.join(assets, name), os.path.join(out, name))

print("atlases", len(sample["atlases"]), "participants",
      len(set(sample["diagnosisByParticipantID"]) | set(sample["demographicsByParticipantID"])),
      "biospecimens", len(sample["biospecimenByBiospecimenID"]), "files", len(chosen_files),
      "publications", len(keep), "therapy rows", therapy_rows)
