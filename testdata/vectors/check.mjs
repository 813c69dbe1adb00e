#!/usr/bin/env node
// Re-derives every value in the reference vectors from their recorded inputs with the libraries
// that made them (starknet.js 10.8.0, crypto-es 2.1.0) and stops at the first mismatch.
//
//   node testdata/vectors/check.mjs [--write] [DIR]
//
// DIR defaults to this file's folder. Normally run through `scripts/vectors.sh`, which installs
// the two packages into the cache and points SESAME_JS (or NODE_PATH) at them. With --write the
// derived values are recomputed and written back in place (inputs are never changed); without it
// nothing is written. Exit status: 0 all match, 1 a mismatch, 2 a usage or set-up error.

import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PINNED = { starknet: '10.8.0', 'crypto-es': '2.1.0' };
const here = dirname(fileURLToPath(import.meta.url));

// ---- libraries -------------------------------------------------------------------------------

/** The folders a package may be found in: $SESAME_JS/node_modules, then NODE_PATH. */
function moduleDirs() {
  const dirs = [];
  if (process.env.SESAME_JS) dirs.push(join(process.env.SESAME_JS, 'node_modules'));
  for (const d of (process.env.NODE_PATH || '').split(delimiter)) if (d) dirs.push(d);
  return dirs;
}

/**
 * Imports an npm package by name from the cache. ES modules ignore NODE_PATH, so the entry
 * point is resolved here (the "import" export, else "module", else "main") and imported by URL.
 */
export async function loadPinned(name) {
  for (const dir of moduleDirs()) {
    const pkgDir = join(dir, name);
    const pkgFile = join(pkgDir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (PINNED[name] && pkg.version !== PINNED[name]) {
      throw new SetupError(`${pkgDir} is ${name}@${pkg.version}; the vectors need ${name}@${PINNED[name]}`);
    }
    let entry = pkg.exports?.['.'] ?? pkg.exports;
    if (entry && typeof entry === 'object') entry = entry.import?.default ?? entry.import ?? entry.default;
    if (typeof entry !== 'string') entry = pkg.module ?? pkg.main ?? 'index.js';
    const mod = await import(pathToFileURL(join(pkgDir, entry)).href);
    return { mod, version: pkg.version };
  }
  // Last resort: ordinary resolution from this folder (e.g. a local node_modules).
  try {
    const req = createRequire(join(here, 'noop.js'));
    const pkgFile = req.resolve(`${name}/package.json`);
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (PINNED[name] && pkg.version !== PINNED[name]) throw new Error('wrong version');
    return { mod: await import(name), version: pkg.version };
  } catch {
    throw new SetupError(
      `cannot find ${name}@${PINNED[name]}: run scripts/vectors.sh, or set SESAME_JS to an npm prefix that has it`,
    );
  }
}

class SetupError extends Error {}
class Mismatch extends Error {}

// ---- helpers ---------------------------------------------------------------------------------

let sn; // starknet.js
let CryptoES; // crypto-es default export
let writing = false;

const big = (v) => BigInt(v);
const hex = (v) => '0x' + BigInt(v).toString(16);

/**
 * Compares a recorded value with the derived one (as numbers when both are felts). In --write
 * mode it stores the derived value through `set` instead of failing.
 */
function expect(where, recorded, derived, set) {
  const same = isFelt(recorded) && isFelt(derived) ? big(recorded) === big(derived) : recorded === derived;
  if (same) return;
  if (writing && set) {
    set(derived);
    return;
  }
  throw new Mismatch(`${where}: recorded ${JSON.stringify(recorded)}, derived ${JSON.stringify(derived)}`);
}

/** A felt as the vectors write it: 0x-hex, or a JSON integer. */
function isFelt(v) {
  return (typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v)) || Number.isSafeInteger(v);
}

function must(where, cond, what) {
  if (!cond) throw new Mismatch(`${where}: ${what}`);
}

// ---- SNIP-9 v2 OutsideExecution --------------------------------------------------------------

const DOMAIN = { name: 'Account.execute_from_outside', version: '2', revision: '1' };

/** The SNIP-9 v2 types, written out as the SNIP and the vector file's "about" describe them. */
const OUTSIDE_EXECUTION_V2_TYPES = {
  StarknetDomain: [
    { name: 'name', type: 'shortstring' },
    { name: 'version', type: 'shortstring' },
    { name: 'chainId', type: 'shortstring' },
    { name: 'revision', type: 'shortstring' },
  ],
  OutsideExecution: [
    { name: 'Caller', type: 'ContractAddress' },
    { name: 'Nonce', type: 'felt' },
    { name: 'Execute After', type: 'u128' },
    { name: 'Execute Before', type: 'u128' },
    { name: 'Calls', type: 'Call*' },
  ],
  Call: [
    { name: 'To', type: 'ContractAddress' },
    { name: 'Selector', type: 'selector' },
    { name: 'Calldata', type: 'felt*' },
  ],
};

/** The SNIP-12 revision 1 typed data of one vector case. */
export function outsideExecutionTypedData(c) {
  return {
    types: OUTSIDE_EXECUTION_V2_TYPES,
    primaryType: 'OutsideExecution',
    domain: { name: DOMAIN.name, version: DOMAIN.version, chainId: c.chain_id, revision: DOMAIN.revision },
    message: {
      Caller: c.caller,
      Nonce: c.nonce,
      'Execute After': c.execute_after,
      'Execute Before': c.execute_before,
      Calls: c.calls.map((k) => ({ To: k.to, Selector: k.selector, Calldata: k.calldata })),
    },
  };
}

/** [session_pubkey, r, s, valid_until] as hex felts (valid_until = execute_before). */
export function sessionSignature(publicKey, sig, validUntil) {
  return [hex(publicKey), hex(sig.r), hex(sig.s), hex(validUntil)];
}

function checkSnip9(doc, file) {
  const { typedData, hash, ec, outsideExecution } = sn;
  must(file, Array.isArray(doc.cases) && doc.cases.length > 0, 'no cases');
  must(file, /Account\.execute_from_outside/.test(doc.about ?? ''), 'the "about" text no longer names the domain');
  must(file, (doc.generator ?? '').includes('starknet.js 10.8.0'), `generator is ${JSON.stringify(doc.generator)}`);

  // The library's own SNIP-9 v2 types must be the ones written out above.
  if (sn.OutsideExecutionTypesV2) {
    const theirs = sn.OutsideExecutionTypesV2;
    must(file, JSON.stringify(theirs) === JSON.stringify(OUTSIDE_EXECUTION_V2_TYPES),
      'starknet.js OutsideExecutionTypesV2 differs from the types in check.mjs');
  }
  doc.type_hashes ??= {};
  for (const name of Object.keys(OUTSIDE_EXECUTION_V2_TYPES)) {
    expect(`${file} type_hashes.${name}`, doc.type_hashes[name],
      typedData.getTypeHash(OUTSIDE_EXECUTION_V2_TYPES, name, '1'), (v) => (doc.type_hashes[name] = v));
  }

  doc.cases.forEach((c, i) => {
    const at = `${file} case ${i}`;
    for (const f of ['chain_id', 'account', 'caller', 'nonce', 'session_private_key']) {
      must(at, typeof c[f] === 'string', `${f} missing`);
    }
    must(at, Number.isSafeInteger(c.execute_after) && Number.isSafeInteger(c.execute_before),
      'execute_after / execute_before must be integers');
    c.calls.forEach((k, j) => {
      expect(`${at} calls[${j}].selector (of "${k.entrypoint}")`, k.selector,
        hash.getSelectorFromName(k.entrypoint), (v) => (k.selector = v));
    });

    const td = outsideExecutionTypedData(c);
    const messageHash = typedData.getMessageHash(td, c.account);
    // The same message built by starknet.js's own SNIP-9 helper must hash the same.
    if (outsideExecution?.getTypedData) {
      const calls = c.calls.map((k) => ({ contractAddress: k.to, entrypoint: k.entrypoint, calldata: k.calldata }));
      const theirs = outsideExecution.getTypedData(
        c.chain_id,
        { caller: c.caller, execute_after: c.execute_after, execute_before: c.execute_before },
        c.nonce, calls, '2');
      must(at, big(typedData.getMessageHash(theirs, c.account)) === big(messageHash),
        'starknet.js outsideExecution.getTypedData hashes differently from the typed data in check.mjs');
    }
    expect(`${at} message_hash`, c.message_hash, messageHash, (v) => (c.message_hash = v));

    const publicKey = ec.starkCurve.getStarkKey(c.session_private_key);
    expect(`${at} session_public_key`, c.session_public_key, publicKey, (v) => (c.session_public_key = v));

    const sig = ec.starkCurve.sign(hex(messageHash), c.session_private_key);
    expect(`${at} signature_r`, c.signature_r, hex(sig.r), (v) => (c.signature_r = v));
    expect(`${at} signature_s`, c.signature_s, hex(sig.s), (v) => (c.signature_s = v));
    must(at, ec.starkCurve.verify(sig, hex(messageHash), ec.starkCurve.getPublicKey(c.session_private_key)),
      'the derived signature does not verify');

    const four = sessionSignature(publicKey, sig, c.execute_before);
    if (!Array.isArray(c.session_signature) || c.session_signature.length !== 4) {
      if (!writing) throw new Mismatch(`${at} session_signature: want 4 felts, got ${JSON.stringify(c.session_signature)}`);
      c.session_signature = four;
    }
    four.forEach((v, j) =>
      expect(`${at} session_signature[${j}]`, c.session_signature[j], v, (w) => (c.session_signature[j] = w)));
  });
  return doc.cases.length;
}

// ---- Stark keys and RFC 6979 signatures ------------------------------------------------------

function checkStarkKeys(doc, file) {
  const { ec } = sn;
  must(file, Array.isArray(doc.cases) && doc.cases.length > 0, 'no cases');
  doc.cases.forEach((c, i) => {
    const at = `${file} case ${i}`;
    expect(`${at} public_key`, c.public_key, ec.starkCurve.getStarkKey(c.private_key), (v) => (c.public_key = v));
    const sig = ec.starkCurve.sign(c.message_hash, c.private_key);
    expect(`${at} r`, c.r, hex(sig.r), (v) => (c.r = v));
    expect(`${at} s`, c.s, hex(sig.s), (v) => (c.s = v));
    must(at, ec.starkCurve.verify(sig, c.message_hash, ec.starkCurve.getPublicKey(c.private_key)),
      'the derived signature does not verify');
  });
  return doc.cases.length;
}

// ---- Chipi's CryptoJS envelopes --------------------------------------------------------------

/** Encrypts like CryptoES.AES.encrypt(text, password).toString(), but with the given 8-byte salt. */
export function encryptWithSalt(plaintext, password, salt) {
  const { AES } = CryptoES;
  const { AES: AESAlgo } = CryptoES.algo;
  const derived = CryptoES.kdf.OpenSSL.execute(password, AESAlgo.keySize, AESAlgo.ivSize, salt);
  const encrypted = AES.encrypt(plaintext, derived.key, { iv: derived.iv });
  const params = CryptoES.lib.CipherParams.create({ ciphertext: encrypted.ciphertext, salt: derived.salt });
  return CryptoES.format.OpenSSL.stringify(params);
}

function checkChipi(doc, file) {
  must(file, Array.isArray(doc.cases) && doc.cases.length > 0, 'no cases');
  must(file, (doc.generator ?? '').includes('crypto-es 2.1.0'), `generator is ${JSON.stringify(doc.generator)}`);
  const { Base64, Utf8 } = CryptoES.enc;
  doc.cases.forEach((c, i) => {
    const at = `${file} case ${i}`;
    must(at, typeof c.encrypt_key === 'string' && typeof c.plaintext_private_key === 'string'
      && typeof c.encrypted_private_key === 'string', 'encrypt_key, plaintext_private_key and encrypted_private_key are needed');

    // The OpenSSL envelope: "Salted__" + 8-byte salt + AES-256-CBC ciphertext, in base64.
    const raw = Buffer.from(c.encrypted_private_key, 'base64');
    must(at, raw.subarray(0, 8).toString('latin1') === 'Salted__', 'the ciphertext has no "Salted__" header');
    must(at, raw.length > 16 && (raw.length - 16) % 16 === 0, `the ciphertext is ${raw.length} bytes, not a salted AES-CBC envelope`);
    must(at, raw.toString('base64') === c.encrypted_private_key, 'the ciphertext is not canonical base64');
    const salt = CryptoES.enc.Hex.parse(raw.subarray(8, 16).toString('hex'));

    // Decrypting with encrypt_key gives the recorded private key.
    let plain = '';
    try {
      plain = CryptoES.AES.decrypt(c.encrypted_private_key, c.encrypt_key).toString(Utf8);
    } catch {
      plain = '<not UTF-8: wrong key?>';
    }
    must(at, plain === c.plaintext_private_key,
      `decrypting encrypted_private_key with encrypt_key gives ${JSON.stringify(plain)}, recorded plaintext_private_key ${JSON.stringify(c.plaintext_private_key)}`);

    // Re-encrypting with the same salt gives the same bytes, both through the explicit
    // KDF/cipher-params route and through AES.encrypt's password route with a fixed salt.
    const again = encryptWithSalt(c.plaintext_private_key, c.encrypt_key, salt);
    const viaPassword = CryptoES.AES.encrypt(c.plaintext_private_key, c.encrypt_key, { salt }).toString();
    must(at, again === viaPassword, 'the OpenSSL KDF route and AES.encrypt({ salt }) disagree');
    expect(`${at} encrypted_private_key (re-encrypted with its own salt)`, c.encrypted_private_key, again,
      (v) => (c.encrypted_private_key = v));
    must(at, Base64.parse(again).sigBytes === raw.length, 'length changed on re-encryption');

    // The public key is the Stark key of the plaintext private key.
    const publicKey = sn.ec.starkCurve.getStarkKey(c.plaintext_private_key);
    expect(`${at} public_key`, c.public_key, publicKey, (v) => (c.public_key = v));

    // The Chipi SessionKeyData wrapper repeats both.
    if (c.session_key_data) {
      const d = c.session_key_data;
      expect(`${at} session_key_data.publicKey`, d.publicKey, publicKey, (v) => (d.publicKey = v));
      expect(`${at} session_key_data.encryptedPrivateKey`, d.encryptedPrivateKey, c.encrypted_private_key,
        (v) => (d.encryptedPrivateKey = v));
      must(at, d.validUntil === undefined || Number.isSafeInteger(d.validUntil), 'session_key_data.validUntil is not an integer');
    }
  });
  return doc.cases.length;
}

// ---- main ------------------------------------------------------------------------------------

const FILES = [
  ['snip9_outside_execution_v2.json', checkSnip9],
  ['stark_keys_and_signatures.json', checkStarkKeys],
  ['chipi_cryptojs_envelopes.json', checkChipi],
];

async function main(argv) {
  const args = argv.filter((a) => a !== '--write');
  writing = args.length !== argv.length;
  if (args.some((a) => a.startsWith('-')) || args.length > 1) {
    throw new SetupError('usage: node check.mjs [--write] [DIR]');
  }
  const dir = resolve(args[0] ?? here);

  const starknet = await loadPinned('starknet');
  const cryptoEs = await loadPinned('crypto-es');
  sn = starknet.mod.default && !starknet.mod.typedData ? starknet.mod.default : starknet.mod;
  CryptoES = cryptoEs.mod.default ?? cryptoEs.mod;
  console.log(`vectors: ${dir} (starknet ${starknet.version}, crypto-es ${cryptoEs.version})${writing ? ' --write' : ''}`);

  for (const [name, check] of FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) throw new SetupError(`missing ${path}`);
    const text = readFileSync(path, 'utf8');
    const doc = JSON.parse(text);
    const before = JSON.stringify(doc);
    const n = check(doc, name);
    let note = 'ok';
    if (writing && JSON.stringify(doc) !== before) {
      writeFileSync(path, JSON.stringify(doc, null, 2) + (text.endsWith('\n') ? '\n' : ''));
      note = 'rewritten';
    }
    console.log(`${name}: ${n} cases ${note}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    if (e instanceof Mismatch) {
      console.error(`MISMATCH ${e.message}`);
      process.exit(1);
    }
    console.error(e instanceof SetupError ? `check.mjs: ${e.message}` : e);
    process.exit(2);
  });
}
