#!/usr/bin/env node
// The JavaScript side of `scripts/bench.sh`: starknet.js 10.8.0 over the same SNIP-9 v2 cases as
// `cargo bench -p sesame-core --bench outside_execution` (snip9_outside_execution_v2.json).
//
//   node testdata/vectors/bench.mjs [--rounds N] [DIR]
//
// Per case and round it times typedData.getMessageHash (the SNIP-12 rev 1 hash), then
// ec.starkCurve.sign (RFC 6979) plus building the 4-felt session signature
// [session_pubkey, r, s, valid_until] as hex strings. The session public key is known
// beforehand, as a wallet stores it beside the session key (Chipi's SessionKeyData.publicKey);
// js_hash_sign_derive_us also derives it from the private key on every signature.
// Typed data objects are built before timing, as the Rust bench builds its structs.
// Prints medians in microseconds, one `key=value` per line:
//   js_hash_us  js_sign_us  js_hash_sign_us  js_hash_sign_derive_us
// Before timing, every case's hash and signature are checked against the vectors.

import { dirname, join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPinned, outsideExecutionTypedData } from './check.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  let rounds = 200;
  let dir = here;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') {
      rounds = Number(argv[++i]);
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
    } else if (a.startsWith('-')) {
      throw new Error('usage: node bench.mjs [--rounds N] [DIR]');
    } else {
      dir = resolve(a);
    }
  }
  return { rounds, dir };
}

function median(samples) {
  const s = Float64Array.from(samples).sort();
  return s[s.length >> 1];
}

const us = (ns) => Number(ns) / 1000;
const fmt = (x) => x.toFixed(2);

async function main() {
  const { rounds, dir } = parseArgs(process.argv.slice(2));
  const { mod, version } = await loadPinned('starknet');
  const sn = mod.default && !mod.typedData ? mod.default : mod;
  const { typedData, ec, num } = sn;

  const doc = JSON.parse(readFileSync(join(dir, 'snip9_outside_execution_v2.json'), 'utf8'));
  const cases = doc.cases.map((c) => ({
    td: outsideExecutionTypedData(c),
    account: c.account,
    key: c.session_private_key,
    publicKey: c.session_public_key,
    validUntil: c.execute_before,
    expected: c.session_signature,
    expectedHash: c.message_hash,
  }));

  const signSession = (c, hash, publicKey) => {
    const sig = ec.starkCurve.sign(hash, c.key);
    return [publicKey, num.toHex(sig.r), num.toHex(sig.s), num.toHex(c.validUntil)];
  };

  // Same answers as the vectors, so the timings are of the right computation.
  for (const [i, c] of cases.entries()) {
    const hash = typedData.getMessageHash(c.td, c.account);
    const four = signSession(c, hash, ec.starkCurve.getStarkKey(c.key));
    const want = c.expected.map((v) => BigInt(v));
    if (BigInt(hash) !== BigInt(c.expectedHash) || four.some((v, j) => BigInt(v) !== want[j])) {
      throw new Error(`case ${i}: starknet.js disagrees with the vectors; run scripts/vectors.sh`);
    }
  }

  // Warm-up (JIT, curve precomputation), not timed.
  const warm = Math.max(5, Math.ceil(rounds / 10));
  for (let r = 0; r < warm; r++) {
    for (const c of cases) signSession(c, typedData.getMessageHash(c.td, c.account), c.publicKey);
  }

  const hashS = [];
  const signS = [];
  const totalS = [];
  const deriveS = [];
  const now = process.hrtime.bigint;
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const t0 = now();
      const hash = typedData.getMessageHash(c.td, c.account);
      const t1 = now();
      const four = signSession(c, hash, c.publicKey);
      const t2 = now();
      hashS.push(us(t1 - t0));
      signS.push(us(t2 - t1));
      totalS.push(us(t2 - t0));
      if (four.length !== 4) throw new Error('4 felts');
    }
  }
  // Hash + sign when the public key is derived on every signature (a second scalar multiplication).
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const t0 = now();
      const hash = typedData.getMessageHash(c.td, c.account);
      const four = signSession(c, hash, ec.starkCurve.getStarkKey(c.key));
      deriveS.push(us(now() - t0));
      if (four.length !== 4) throw new Error('4 felts');
    }
  }

  console.log(
    `js_bench: starknet.js ${version}, node ${process.version}, ${cases.length} cases x ${rounds} rounds = ${hashS.length} samples`,
  );
  console.log(`js_cases=${cases.length}`);
  console.log(`js_samples=${hashS.length}`);
  console.log(`js_hash_us=${fmt(median(hashS))}`);
  console.log(`js_sign_us=${fmt(median(signS))}`);
  console.log(`js_hash_sign_us=${fmt(median(totalS))}`);
  console.log(`js_hash_sign_derive_us=${fmt(median(deriveS))}`);
}

main().catch((e) => {
  console.error(`bench.mjs: ${e.message ?? e}`);
  process.exit(1);
});
