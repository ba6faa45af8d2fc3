// server.mjs - the Orama peer's process (bench/orama_engine.cpp starts it):
// newline-delimited JSON on stdin and stdout, one response line per line.
//
//   {"op": "load", "file": F, "max_rss": BYTES}
//       builds the database from F (one JSON record a line: id, kind, source,
//       title, body, browse_key, group_key, facets {field: [exact...]},
//       numbers {field: [number...]}), then runs a full garbage collection
//       (node --expose-gc) so that the resident memory reported is the
//       database's.  -> {"records": N, "rss": BYTES, "heap": BYTES, "seconds": S}
//       Refused, with the reason, when the process's resident memory passes
//       max_rss, or when, a tenth of the records in, it is projected to.
//   {"op": "search", "request": {text, filters, ranges, kinds, facets, offset,
//       limit, group}}   (bench/orama_engine.cpp writes it from a BenchRequest)
//       -> {"total", "ids", "facets": [{"field", "values": [[v, n]...]}], "group_total"}
// Any failure answers {"error": "..."}; end of input ends the process.  Each
// load also writes a line to standard error (the engine's log file).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import { answer, buildPeer } from './orama_peer.mjs';

const GiB = 1024 ** 3;
let peer = null;

function gib(bytes) {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}

function mib(bytes) {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

function tooBig(rss, records, limit, projected) {
  return new Error(`the Node process ${projected ? 'would need about' : 'needs more than'} ` +
                   `${gib(rss)} for ${records} records, more than the limit of ${gib(limit)}`);
}

async function readRecords(file, limit) {
  const records = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length === 0) continue;
    records.push(JSON.parse(line));
    if (records.length % 10000 === 0 && process.memoryUsage.rss() > limit) {
      throw tooBig(process.memoryUsage.rss(), records.length, limit, false);
    }
  }
  return records;
}

// Stops the load when the resident memory passes `limit`, or is projected to
// (the growth so far, scaled to every record) once a tenth is in.
function memoryCheck(limit) {
  const before = process.memoryUsage.rss();
  return (done, total) => {
    const rss = process.memoryUsage.rss();
    if (rss > limit) throw tooBig(rss, total, limit, false);
    const projected = before + ((rss - before) * total) / done;
    if (done * 10 >= total && projected > limit) throw tooBig(projected, total, limit, true);
  };
}

async function load({ file, max_rss: maxRss }) {
  const t0 = process.hrtime.bigint();
  const limit = maxRss > 0 ? maxRss : Infinity;
  peer = null;
  const records = await readRecords(file, limit);
  const n = records.length;
  const read = Number(process.hrtime.bigint() - t0) / 1e9;
  peer = buildPeer(records, memoryCheck(limit));
  globalThis.gc?.();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const { rss, heapUsed } = process.memoryUsage();
  console.error(`orama: ${n} records loaded in ${seconds.toFixed(1)} s (${read.toFixed(1)} s ` +
                `reading), resident ${mib(rss)}, heap ${mib(heapUsed)}`);
  return { records: n, rss, heap: heapUsed, seconds };
}

async function handle(line) {
  try {
    const message = JSON.parse(line);
    if (message.op === 'load') return await load(message);
    if (message.op !== 'search') return { error: `unknown op '${message.op}'` };
    if (peer === null) return { error: 'search before load' };
    return answer(peer, message.request);
  } catch (e) {
    return { error: String(e?.message ?? e).replace(/\s+/g, ' ') };
  }
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  process.stdout.write(`${JSON.stringify(await handle(line))}\n`);
}
process.exit(0);
