// Devnet smoke test of contracts/session_account_v2.cairo, driven by starknet.js 10.8.
//
// NOT part of CI and not the project's test suite (that is Rust: see ../V2_TESTS.md). It is
// the check the contract's author ran while writing v2, kept so that anyone changing the
// contract can re-run ~150 checks in about two minutes without compiling Rust, and as a second,
// independent implementation of the v2 session signature for the Rust client to compare with.
//
//   node contracts/dev/v2_smoke.mjs
//
// Needs: a built `sesame-devnet` binary (DEVNET_BIN, default $SESAME_CACHE/target/debug/sesame-devnet;
// it predeploys funded accounts of the v1 class), starknet.js 10.8 (STARKNET_JS: path of its
// dist/index.mjs, default $SESAME_CACHE/js/node_modules/starknet/dist/index.mjs), and the Cairo
// 2.1 `starknet-sierra-compile` fetched by scripts/compile-contract.sh (for the CASM of a declare).
// Refusals are checked through fee estimation (a simulation), successes through receipts.
import { spawn, execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import readline from 'readline';
import { fileURLToPath } from 'url';

const CACHE = process.env.SESAME_CACHE || path.join(os.homedir(), '.cache/sesame');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VECTORS = path.resolve(ROOT, 'testdata/vectors');
const BIN = process.env.DEVNET_BIN || path.join(CACHE, 'target/debug/sesame-devnet');
const SIERRA_COMPILE = path.join(CACHE, 'cairo-lang-0.12.3/starkware/starknet/compiler/v1/sierra-compiler-major-1/bin/starknet-sierra-compile');
const { RpcProvider, Account, Signer, ec, hash, typedData, num, shortString, selector, OutsideExecutionTypesV2 } =
  await import(process.env.STARKNET_JS || path.join(CACHE, 'js/node_modules/starknet/dist/index.mjs'));
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'v2-smoke-'));

let pass = 0, fail = 0;
const failures = [];
function ok(cond, name, extra = '') {
  if (cond) { pass++; console.log('  ok   ' + name); }
  else { fail++; failures.push(name); console.log('  FAIL ' + name + ' ' + extra); }
}

// ---- devnet ----
const dn = spawn(BIN, ['--accounts', '6', '--seed', '7'], { stdio: ['ignore', 'pipe', 'inherit'] });
const info = await new Promise((resolve, reject) => {
  const rl = readline.createInterface({ input: dn.stdout });
  rl.once('line', (l) => resolve(JSON.parse(l)));
  dn.once('exit', (c) => reject(new Error('devnet exited ' + c)));
});
process.on('exit', () => { try { dn.kill('SIGINT'); } catch {} try { fs.rmSync(TMP, { recursive: true, force: true }); } catch {} });
const RPC = info.rpc_url;
const provider = new RpcProvider({ nodeUrl: RPC });
async function rpc(method, params) {
  const r = await fetch(RPC, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const j = await r.json();
  if (j.error) throw new Error(JSON.stringify(j.error));
  return j.result;
}
const STRK = info.strk, ETH = info.eth;
const accts = info.accounts.map((a) => new Account({ provider, address: a.address, signer: a.private_key }));
const relayer = accts[0];
const R1 = info.accounts[1].address, R2 = info.accounts[2].address;
const hex = (x) => num.toHex(x);
const big = (x) => BigInt(x);

async function wait(tx) {
  const r = await provider.waitForTransaction(tx.transaction_hash, { retryInterval: 100 });
  return r;
}
async function call(to, entrypoint, calldata = []) {
  return provider.callContract({ contractAddress: to, entrypoint, calldata });
}
async function now() {
  const b = await provider.getBlockWithTxHashes('latest');
  return b.timestamp;
}
async function setTime(t) { await rpc('devnet_setTime', { time: t, generate_block: true }); }
async function increaseTime(s) { await rpc('devnet_increaseTime', { time: s }); await rpc('devnet_createBlock', {}); }

function errText(e) { return (e && (e.message || '')) + ' ' + JSON.stringify(e && e.baseError || {}); }
function decodeShort(h) { try { return shortString.decodeShortString(h); } catch { return h; } }

// ---- declare ----
function casmOf(name) {
  const out = path.join(TMP, `${name}.casm.json`);
  execFileSync(SIERRA_COMPILE, ['--add-pythonic-hints', `${ROOT}/contracts/${name}.sierra.json`, out]);
  return JSON.parse(fs.readFileSync(out));
}
async function declare(name) {
  const sierra = JSON.parse(fs.readFileSync(`${ROOT}/contracts/${name}.sierra.json`));
  const casm = casmOf(name);
  const r = await relayer.declare({ contract: sierra, casm });
  await wait(r);
  return r.class_hash;
}
const V2 = await declare('session_account_v2');
const BRIDGE_CLASS = await declare('test_mock_bridge');
console.log('declared v2', V2, 'bridge', BRIDGE_CLASS);

async function deploy(classHash, constructorCalldata) {
  const r = await relayer.deployContract({ classHash, constructorCalldata });
  return r.contract_address;
}
const BRIDGE = await deploy(BRIDGE_CLASS, []);

// ---- v2 account ----
const ownerPriv = '0x' + '5'.repeat(58) + '1234';
const ownerPub = ec.starkCurve.getStarkKey(ownerPriv);
const A = await deploy(V2, [ownerPub]);
console.log('v2 account', A);
let owner = new Account({ provider, address: A, signer: ownerPriv });
await wait(await relayer.execute({ contractAddress: STRK, entrypoint: 'transfer', calldata: [A, (10n ** 19n).toString(), '0'] }));
await wait(await relayer.execute({ contractAddress: BRIDGE, entrypoint: 'mint', calldata: [A, '1000', '0'] }));

async function bal(token, who) { const r = await call(token, 'balance_of', [who]); return big(r[0]) + (big(r[1]) << 128n); }

async function ownerExec(acc, calls) {
  const r = await acc.execute(calls);
  const rec = await wait(r);
  return rec;
}
async function expectOwnerFail(acc, calls, msg, name) {
  try {
    await acc.estimateInvokeFee(calls);
    ok(false, name, '(no error)');
  } catch (e) {
    const t = errText(e);
    ok(t.includes(msg), name, t.includes('Failure reason') ? t.slice(t.lastIndexOf('Failure reason'), t.lastIndexOf('Failure reason') + 700) : t.slice(0, 600));
  }
}

// ---- sessions ----
const TAG = shortString.encodeShortString('Sesame.session.v2');
let nonceCounter = 1000n;
function mkKey(seed) { const priv = hex(big('0x' + 'abc'.repeat(20)) + BigInt(seed)); return { priv, pub: ec.starkCurve.getStarkKey(priv) }; }
function oeHash(account, oe, chainId) {
  const td = {
    types: OutsideExecutionTypesV2,
    primaryType: 'OutsideExecution',
    domain: { name: 'Account.execute_from_outside', version: '2', chainId, revision: '1' },
    message: {
      Caller: oe.caller, Nonce: oe.nonce, 'Execute After': oe.after, 'Execute Before': oe.before,
      Calls: oe.calls.map((c) => ({ To: c.to, Selector: c.selector, Calldata: c.calldata })),
    },
  };
  return typedData.getMessageHash(td, account);
}
const chainId = await provider.getChainId();
// check against the shared vector first
{
  const v = JSON.parse(fs.readFileSync(path.join(VECTORS, 'snip9_outside_execution_v2.json'))).cases[1];
  const h = oeHash(v.account, { caller: v.caller, nonce: v.nonce, after: v.execute_after, before: v.execute_before, calls: v.calls.map((c) => ({ to: c.to, selector: c.selector, calldata: c.calldata })) }, shortString.encodeShortString(v.chain_id));
  ok(big(h) === big(v.message_hash), 'harness: OE hash matches shared vector');
}
function C(to, entry, calldata = []) { return { to, selector: selector.getSelectorFromName(entry), calldata: calldata.map((x) => hex(x)) }; }
async function buildOE(account, key, vu, calls, o = {}) {
  const t = await now();
  const oe = {
    caller: o.caller ?? shortString.encodeShortString('ANY_CALLER'),
    nonce: o.nonce ?? hex(nonceCounter++),
    after: o.after ?? t - 100,
    before: o.before ?? t + 3600 * 24 * 30,
    calls,
  };
  const h = oeHash(account, oe, chainId);
  const sigVu = o.sigVu ?? vu; // the valid_until in the signature
  const signedVu = o.signedVu ?? sigVu; // the one inside the signed message
  const msg = o.v1 ? h : hash.computePoseidonHashOnElements([TAG, h, hex(signedVu)]);
  const s = ec.starkCurve.sign(msg, key.priv);
  const signature = o.signature ?? [key.pub, hex(s.r), hex(s.s), hex(sigVu)];
  const calldata = [oe.caller, oe.nonce, hex(oe.after), hex(oe.before), hex(calls.length)];
  for (const c of calls) calldata.push(c.to, c.selector, hex(c.calldata.length), ...c.calldata);
  calldata.push(hex(signature.length), ...signature);
  return { contractAddress: account, entrypoint: 'execute_from_outside_v2', calldata };
}
async function sessOk(name, account, key, vu, calls, o = {}) {
  const c = await buildOE(account, key, vu, calls, o);
  try {
    const rec = await wait(await relayer.execute(c));
    ok(rec.execution_status === 'SUCCEEDED', name, JSON.stringify(rec.revert_reason || ''));
    return rec;
  } catch (e) { ok(false, name, errText(e).slice(0, 800)); }
}
async function sessFail(name, account, key, vu, calls, msg, o = {}) {
  const c = await buildOE(account, key, vu, calls, o);
  try {
    await relayer.estimateInvokeFee(c);
    ok(false, name, '(no error)');
  } catch (e) {
    const t = errText(e);
    ok(t.includes(msg), name + ' -> ' + msg, t.includes('Failure reason') ? t.slice(t.lastIndexOf('Failure reason'), t.lastIndexOf('Failure reason') + 900) : t.slice(0, 800));
  }
  return c;
}
const pairs = (ps) => [hex(ps.length), ...ps.flatMap(([to, e]) => [to, selector.getSelectorFromName(e)])];
const regScoped = (key, vu, max, ps) => ({ contractAddress: A, entrypoint: 'add_or_update_session_key_scoped', calldata: [key.pub, hex(vu), hex(max), ...pairs(ps)] });
const regBroad = (acct, key, vu, max, sels) => ({ contractAddress: acct, entrypoint: 'add_or_update_session_key', calldata: [key.pub, hex(vu), hex(max), hex(sels.length), ...sels.map((s) => selector.getSelectorFromName(s))] });
async function status(key, acct = A) { return decodeShort((await call(acct, 'get_session_status', [key.pub]))[0]); }

function hasEvent(rec, name, key1) { return rec.events.some((e) => big(e.from_address) === big(A) && big(e.keys[0]) === big(hash.starknetKeccak(name)) && (key1 === undefined || big(e.keys[1]) === big(key1))); }
const T0 = await now();
const VU = T0 + 3600 * 24 * 5;

console.log('== A. fee safety');
const KS = mkKey(1);
{
  const rec = await ownerExec(owner, regScoped(KS, VU, 100, [[STRK, 'transfer'], [BRIDGE, 'transfer']]));
  ok(hasEvent(rec, 'SessionKeyAdded', KS.pub) && hasEvent(rec, 'SessionScopeSet', KS.pub), 'M scoped registration events');
  const sc = rec.events.find((e) => big(e.keys[0]) === big(hash.starknetKeccak('SessionScopeSet')));
  ok(sc && big(sc.data[0]) === 2n && big(sc.data[1]) === big(STRK) && big(sc.data[3]) === big(BRIDGE), 'M SessionScopeSet data', JSON.stringify(sc && sc.data));
}
ok((await status(KS)) === 'active', 'KS active');
{
  // session-signed INVOKE
  class SessSigner extends Signer { constructor(k, vu) { super(k.priv); this.k = k; this.vu = vu; }
    async signRaw(h) { const s = ec.starkCurve.sign(h, this.k.priv); return [this.k.pub, hex(s.r), hex(s.s), hex(this.vu)]; } }
  const sessAcc = new Account({ provider, address: A, signer: new SessSigner(KS, VU) });
  const est = await owner.estimateInvokeFee({ contractAddress: STRK, entrypoint: 'transfer', calldata: [R1, '1', '0'] });
  const rb = est.resourceBounds;
  const bump = (x) => ({ max_amount: x.max_amount * 3n, max_price_per_unit: x.max_price_per_unit * 3n });
  const bounds = { l1_gas: bump(rb.l1_gas), l2_gas: bump(rb.l2_gas), l1_data_gas: bump(rb.l1_data_gas) };
  let balBefore = await bal(STRK, A);
  const nonceBefore = await provider.getNonceForAddress(A);
  for (const [nm, tip] of [['A1 tip 0', 0n], ['A2 tip>0', 1000n]]) {
    try {
      const r = await sessAcc.execute({ contractAddress: STRK, entrypoint: 'transfer', calldata: [R1, '1', '0'] }, { resourceBounds: bounds, tip });
      let rec; try { rec = await wait(r); } catch (e) { rec = e; }
      ok(false, nm + ' session INVOKE refused', 'accepted: ' + JSON.stringify(rec).slice(0, 300));
    } catch (e) { const t = errText(e); ok(t.includes('Account: session tx refused'), nm + ' session INVOKE refused in validation', t.slice(0, 500)); }
  }
  {
    class BadLen extends Signer { async signRaw(h) { const s = ec.starkCurve.sign(h, ownerPriv); return [hex(s.r), hex(s.s), '0x1']; } }
    const a5 = new Account({ provider, address: A, signer: new BadLen(ownerPriv) });
    try { await a5.execute({ contractAddress: STRK, entrypoint: 'transfer', calldata: [R1, '1', '0'] }, { resourceBounds: bounds }); ok(false, 'A5 3-felt'); }
    catch (e) { ok(errText(e).includes('Account: invalid sig length'), 'A5 3-felt tx signature refused', errText(e).slice(0, 300)); }
    const KB0 = mkKey(77);
    ok((await bal(STRK, A)) === balBefore, 'A1/A2/A5: A\'s balance unchanged (refused in validation, no fee)');
    await ownerExec(owner, regBroad(A, KB0, VU, 100, []));
    balBefore = await bal(STRK, A);
    const sessB = new Account({ provider, address: A, signer: new SessSigner(KB0, VU) });
    try { await sessB.execute({ contractAddress: STRK, entrypoint: 'transfer', calldata: [R1, '1', '0'] }, { resourceBounds: bounds }); ok(false, 'A4 broad'); }
    catch (e) { ok(errText(e).includes('Account: session tx refused'), 'A4 broad-session INVOKE refused', errText(e).slice(0, 300)); }
  }
  ok((await bal(STRK, A)) === balBefore, 'A4: A\'s balance unchanged (refused in validation, no fee)');
  ok(big(await provider.getNonceForAddress(A)) === big(nonceBefore) + 1n, 'A: nonce moved only by the owner registration');
  const v = await call(A, 'is_valid_signature', ['0x1234', '4', KS.pub, ...(() => { const s = ec.starkCurve.sign('0x1234', KS.priv); return [hex(s.r), hex(s.s), hex(VU)]; })()]);
  ok(big(v[0]) === 0n, 'A8 is_valid_signature(session sig) = 0');
  const so = ec.starkCurve.sign('0x1234', ownerPriv);
  const v2 = await call(A, 'is_valid_signature', ['0x1234', '2', hex(so.r), hex(so.s)]);
  ok(decodeShort(v2[0]) === 'VALID', 'A8 is_valid_signature(owner) = VALID');
  const badOwner = new Account({ provider, address: A, signer: '0x1234567' });
  try { await badOwner.execute({ contractAddress: STRK, entrypoint: 'transfer', calldata: [R1, '1', '0'] }, { resourceBounds: bounds }); ok(false, 'A6 bad owner'); }
  catch (e) { ok(errText(e).includes('Account: invalid signature'), 'A6 bad owner sig refused', errText(e).slice(0, 300)); }
}

console.log('== B/C. signature + scope');
{
  const b1 = await bal(STRK, R1), a1 = await bal(STRK, A);
  await sessOk('C1 scoped STRK.transfer', A, KS, VU, [C(STRK, 'transfer', [R1, 5, 0])]);
  ok((await bal(STRK, R1)) === b1 + 5n && (await bal(STRK, A)) === a1 - 5n, 'C1 balances: R1 +5, A -5 exactly');
  const d = await call(A, 'get_session_data', [KS.pub]);
  ok(big(d[0]) === 1n && big(d[2]) === 99n && big(d[3]) === 2n, 'C10 get_session_data (active, remaining 99, 2 selectors)', JSON.stringify(d));
  const sc = await call(A, 'get_session_scope', [KS.pub]);
  ok(big(sc[0]) === 2n && big(sc[1]) === big(STRK) && big(sc[3]) === big(BRIDGE), 'C10 get_session_scope', JSON.stringify(sc));
}
await sessFail('B1 v1-style signature', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: invalid signature', { v1: true });
await sessFail('B2 sig valid_until+1', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: valid_until mismatch', { sigVu: VU + 1 });
await sessFail('B3 signed other valid_until', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: invalid signature', { signedVu: VU + 1 });
await sessFail('B4 sig valid_until past', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: expired', { sigVu: T0 - 10 });
await sessFail('C2 same selector other contract (ETH)', A, KS, VU, [C(ETH, 'transfer', [R1, 1, 0])], 'Session: call not in scope');
await sessFail('C3 other selector same contract', A, KS, VU, [C(STRK, 'approve', [R1, 1, 0])], 'Session: call not in scope');
await sessFail('C4 bridge initiate_withdraw', A, KS, VU, [C(BRIDGE, 'initiate_withdraw', [777, 10, 0])], 'Session: call not in scope');
await sessFail('C5 self-call', A, KS, VU, [C(A, 'get_public_key', [])], 'Session: self-call blocked');
await sessFail('C6 admin selector on self', A, KS, VU, [C(A, 'revoke_all_session_keys', [])], 'Session: admin selector');
await sessFail('C6 admin selector elsewhere', A, KS, VU, [C(relayer.address, 'upgrade', [1])], 'Session: admin selector');
await sessFail('C6 execute_from_outside_v2 nested', A, KS, VU, [C(A, 'execute_from_outside_v2', [])], 'Session: admin selector');
await sessFail('C7 multicall with one out of scope', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0]), C(STRK, 'approve', [R1, 1, 0])], 'Session: call not in scope');
await sessFail('L5 3-felt sig', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'Account: invalid sig length', { signature: ['1', '2', '3'] });
await sessFail('L1 wrong caller', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'SNIP9: invalid caller', { caller: R2 });
{
  const t = await now();
  await sessFail('L2 too early', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'SNIP9: now <= execute_after', { after: t + 1000 });
  await sessFail('L2 too late', A, KS, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'SNIP9: now >= execute_before', { before: t - 1 });
}
// C8 registration refusals
const KX = mkKey(99);
await expectOwnerFail(owner, regScoped(KX, VU, 5, []), 'Session: empty scope', 'C8 empty scope');
await expectOwnerFail(owner, regScoped(KX, VU, 5, [[A, 'transfer']]), 'Session: invalid scope', 'C8 scope to self');
await expectOwnerFail(owner, regScoped(KX, VU, 5, [['0x0', 'transfer']]), 'Session: invalid scope', 'C8 scope to 0');
await expectOwnerFail(owner, regScoped(KX, VU, 5, [[STRK, 'upgrade']]), 'Session: invalid scope', 'C8 admin selector in scope');
await expectOwnerFail(relayer, regScoped(KX, VU, 5, [[STRK, 'transfer']]), 'Account: unauthorized', 'C9 non-self registration');
await expectOwnerFail(owner, regBroad(A, KS, VU, 5, ['transfer']), 'Session: key is scoped', 'C11 v1 entrypoint on scoped key');
await expectOwnerFail(owner, regScoped(KX, T0 - 1, 5, [[STRK, 'transfer']]), 'Session: invalid params', 'H4 valid_until in the past');
await expectOwnerFail(owner, { contractAddress: A, entrypoint: 'add_or_update_session_key_scoped', calldata: ['0', hex(VU), '5', ...pairs([[STRK, 'transfer']])] }, 'Session: invalid params', 'H4 key 0');
// C12 shrink scope
await ownerExec(owner, regScoped(KS, VU, 100, [[STRK, 'transfer']]));
await sessFail('C12 shrunk scope', A, KS, VU, [C(BRIDGE, 'transfer', [R1, 1, 0])], 'Session: call not in scope');
// C13-C16 broad
const KB = mkKey(2);
await ownerExec(owner, regBroad(A, KB, VU, 100, ['transfer', 'initiate_withdraw']));
{
  const L1 = 777n;
  await ownerExec(owner, [
    { contractAddress: A, entrypoint: 'set_spending_policy', calldata: [KB.pub, BRIDGE, '1', '0', '1', '0', '3600'] },
    { contractAddress: A, entrypoint: 'set_session_recipients', calldata: [KB.pub, BRIDGE, '1', R1] },
  ]);
  const before = await bal(BRIDGE, A);
  await sessOk('C13/C14 broad key reaches bridge despite policy+recipients', A, KB, VU, [C(BRIDGE, 'initiate_withdraw', [L1, 10, 0])]);
  ok((await bal(BRIDGE, A)) === before - 10n, 'C13 bridge burned 10 of A');
  const w = await call(BRIDGE, 'withdrawn_to_l1', [hex(L1)]);
  ok(big(w[0]) === 10n, 'C13 withdrawn_to_l1 = 10');
  await sessFail('C14 broad transfer on BRIDGE to R2 hits recipients', A, KB, VU, [C(BRIDGE, 'transfer', [R2, 1, 0])], 'Session: recipient not allowed');
  await sessFail('C14 broad transfer on BRIDGE over cap', A, KB, VU, [C(BRIDGE, 'transfer', [R1, 2, 0])], 'Policy: exceeds per-call cap');
  await sessFail('C15 broad selector not allowed', A, KB, VU, [C(BRIDGE, 'mint', [A, 1, 0])], 'Session: selector not allowed');
  const KE = mkKey(3);
  await ownerExec(owner, regBroad(A, KE, VU, 100, []));
  await sessOk('C16 empty allowlist reaches any contract', A, KE, VU, [C(BRIDGE, 'initiate_withdraw', [L1, 1, 0])]);
  await sessFail('C16 empty allowlist self-call', A, KE, VU, [C(A, 'get_public_key', [])], 'Session: self-call blocked');
  const gd = await call(A, 'get_session_scope', [KE.pub]);
  ok(big(gd[0]) === 0n, 'K1 get_session_scope of broad = []');
}

console.log('== D. recipients');
const KR = mkKey(4);
await ownerExec(owner, [regScoped(KR, VU, 100, [[STRK, 'transfer'], [STRK, 'approve'], [STRK, 'transfer_from']]),
  { contractAddress: A, entrypoint: 'set_session_recipients', calldata: [KR.pub, STRK, '1', R1] }]);
await sessOk('D1 transfer to listed', A, KR, VU, [C(STRK, 'transfer', [R1, 1, 0])]);
await sessFail('D2 transfer to unlisted', A, KR, VU, [C(STRK, 'transfer', [R2, 1, 0])], 'Session: recipient not allowed');
await sessFail('D3 approve unlisted', A, KR, VU, [C(STRK, 'approve', [R2, 1, 0])], 'Session: recipient not allowed');
await sessOk('D3 approve listed', A, KR, VU, [C(STRK, 'approve', [R1, 1, 0])]);
await sessFail('D4 transfer_from to unlisted', A, KR, VU, [C(STRK, 'transfer_from', [A, R2, 1, 0])], 'Session: recipient not allowed');
await sessFail('D5 empty calldata', A, KR, VU, [C(STRK, 'transfer', [])], 'Policy: bad calldata');
{
  const r = await call(A, 'get_session_recipients', [KR.pub, STRK]);
  ok(r.length === 2 && big(r[0]) === 1n && big(r[1]) === big(R1), 'D6 get_session_recipients', JSON.stringify(r));
  const r2 = await call(A, 'get_session_recipients', [KR.pub, BRIDGE]);
  ok(r2.length === 1 && big(r2[0]) === 0n, 'D6 empty for other token');
}
await expectOwnerFail(relayer, { contractAddress: A, entrypoint: 'set_session_recipients', calldata: [KR.pub, STRK, '0'] }, 'Account: unauthorized', 'D8 non-self recipients');
{ const rec = await ownerExec(owner, { contractAddress: A, entrypoint: 'set_session_recipients', calldata: [KR.pub, STRK, '0'] });
  ok(hasEvent(rec, 'SessionRecipientsSet', KR.pub), 'M SessionRecipientsSet event'); }
await sessOk('D7 rule removed: transfer to R2', A, KR, VU, [C(STRK, 'transfer', [R2, 1, 0])]);

console.log('== I. spending windows');
const KP = mkKey(5);
await ownerExec(owner, [regScoped(KP, VU, 1000, [[STRK, 'transfer'], [STRK, 'approve'], [STRK, 'transfer_from']]),
  { contractAddress: A, entrypoint: 'set_spending_policy', calldata: [KP.pub, STRK, '100', '0', '150', '0', '3600'] }]);
await sessFail('I1 per-call cap', A, KP, VU, [C(STRK, 'transfer', [R1, 101, 0])], 'Policy: exceeds per-call cap');
let t0;
{
  const rec = await sessOk('I2 spend 100', A, KP, VU, [C(STRK, 'transfer', [R1, 100, 0])]);
  const blk = await provider.getBlockWithTxHashes(rec.block_number); t0 = blk.timestamp;
  await increaseTime(10);
  await sessFail('I2 51 over window', A, KP, VU, [C(STRK, 'transfer', [R1, 51, 0])], 'Policy: exceeds window cap');
  await sessOk('I2 50 fits', A, KP, VU, [C(STRK, 'transfer', [R1, 50, 0])]);
  const p = await call(A, 'get_spending_policy', [KP.pub, STRK]);
  ok(big(p[0]) === 100n && big(p[2]) === 150n && big(p[4]) === 3600n && big(p[5]) === 150n && big(p[7]) === big(t0), 'I3 get_spending_policy', JSON.stringify(p) + ' t0=' + t0);
  await setTime(t0 + 3599);
  await sessFail('I4 at t0+3599: 1 refused', A, KP, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'Policy: exceeds window cap');
  await setTime(t0 + 3600);
  const p2 = await call(A, 'get_spending_policy', [KP.pub, STRK]);
  console.log('    after setTime: now', await now(), 'policy', p2.map((x) => big(x)).join(','));
  // the 50 was spent at ~t0+10; at t0+3600 it is live, the 100 is not
  await sessOk('I5 at t0+3600: 100 fits', A, KP, VU, [C(STRK, 'transfer', [R1, 100, 0])]);
  await sessFail('I5 then 1 refused', A, KP, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'Policy: exceeds window cap');
  await sessFail('I7 approve over per-call', A, KP, VU, [C(STRK, 'approve', [R1, 101, 0])], 'Policy: exceeds per-call cap');
  await sessFail('I7 transfer_from over per-call', A, KP, VU, [C(STRK, 'transfer_from', [A, R1, 101, 0])], 'Policy: exceeds per-call cap');
  await sessFail('I8 high half too big', A, KP, VU, [C(STRK, 'transfer', [R1, 1, 2n ** 128n])], 'Policy: bad calldata');
  await sessFail('I8 2-felt calldata', A, KP, VU, [C(STRK, 'transfer', [R1, 1])], 'Policy: bad calldata');
  await sessOk('I15 zero amount', A, KP, VU, [C(STRK, 'transfer', [R1, 0, 0])]);
}
{
  // I6 boundary attack + I9 + I12
  const KW = mkKey(6);
  await ownerExec(owner, [regScoped(KW, VU, 1000, [[STRK, 'transfer']]),
    { contractAddress: A, entrypoint: 'set_spending_policy', calldata: [KW.pub, STRK, '150', '0', '150', '0', '3600'] }]);
  await sessOk('I6 150 at T-1', A, KW, VU, [C(STRK, 'transfer', [R1, 150, 0])]);
  await increaseTime(2);
  await sessFail('I6 150 at T+1 refused', A, KW, VU, [C(STRK, 'transfer', [R1, 150, 0])], 'Policy: exceeds window cap');
  { const rec = await ownerExec(owner, { contractAddress: A, entrypoint: 'set_spending_policy', calldata: [KW.pub, STRK, '150', '0', '200', '0', '3600'] });
    ok(hasEvent(rec, 'SpendingPolicySet', KW.pub), 'M SpendingPolicySet event'); }
  await sessFail('I12 raised to 200: 51 refused', A, KW, VU, [C(STRK, 'transfer', [R1, 51, 0])], 'Policy: exceeds window cap');
  await sessFail('I9 two 30s in one exec, 50 left: 30+30 refused', A, KW, VU, [C(STRK, 'transfer', [R1, 30, 0]), C(STRK, 'transfer', [R1, 30, 0])], 'Policy: exceeds window cap');
  await sessOk('I12 50 fits', A, KW, VU, [C(STRK, 'transfer', [R1, 50, 0])]);
  { const rec = await ownerExec(owner, { contractAddress: A, entrypoint: 'remove_spending_policy', calldata: [KW.pub, STRK] });
    ok(hasEvent(rec, 'SpendingPolicyRemoved', KW.pub), 'M SpendingPolicyRemoved event'); }
  await sessOk('I13 removed: 1000 passes', A, KW, VU, [C(STRK, 'transfer', [R1, 1000, 0])]);
  const p = await call(A, 'get_spending_policy', [KW.pub, STRK]);
  ok(p.every((x) => big(x) === 0n), 'I13 get_spending_policy zeros', JSON.stringify(p));
  await expectOwnerFail(owner, { contractAddress: A, entrypoint: 'set_spending_policy', calldata: [KW.pub, STRK, '1', '0', '1', '0', '0'] }, 'Policy: invalid window', 'I14 window 0');
  await expectOwnerFail(relayer, { contractAddress: A, entrypoint: 'set_spending_policy', calldata: [KW.pub, STRK, '1', '0', '1', '0', '10'] }, 'Account: unauthorized', 'I14 non-self');
}
{
  // I10/I11 log bound
  const KL = mkKey(7);
  await ownerExec(owner, [regScoped(KL, VU, 1000, [[STRK, 'transfer']]),
    { contractAddress: A, entrypoint: 'set_spending_policy', calldata: [KL.pub, STRK, '1000000', '0', '1000000000', '0', '3600'] }]);
  const r0 = await sessOk('I11 one exec with 3 transfers (one slot)', A, KL, VU, [C(STRK, 'transfer', [R1, 1, 0]), C(STRK, 'transfer', [R1, 1, 0]), C(STRK, 'transfer', [R1, 1, 0])]);
  const first = (await provider.getBlockWithTxHashes(r0.block_number)).timestamp;
  let allOk = true;
  for (let i = 0; i < 31; i++) {
    await increaseTime(1);
    const c = await buildOE(A, KL, VU, [C(STRK, 'transfer', [R1, 1, 0])]);
    const rec = await wait(await relayer.execute(c));
    if (rec.execution_status !== 'SUCCEEDED') { allOk = false; console.log(rec.revert_reason); break; }
  }
  ok(allOk, 'I10 31 more spends at distinct times fit');
  const p = await call(A, 'get_spending_policy', [KL.pub, STRK]);
  ok(big(p[5]) === 34n && big(p[7]) === big(first), 'I10 spent 34, window_start = first', JSON.stringify(p));
  await increaseTime(1);
  await sessFail('I10 33rd distinct time', A, KL, VU, [C(STRK, 'transfer', [R1, 1, 0])], 'Policy: window log full');
  await setTime(first + 3600);
  await sessOk('I10 after the first left the window', A, KL, VU, [C(STRK, 'transfer', [R1, 1, 0])]);
}

console.log('== H. expiry / budget');
{
  const t = await now();
  const KH = mkKey(8);
  await ownerExec(owner, regScoped(KH, t + 1000, 2, [[STRK, 'transfer']]));
  await sessOk('H2 exec 1', A, KH, t + 1000, [C(STRK, 'transfer', [R1, 1, 0])]);
  await sessFail('H3 reverting call', A, KH, t + 1000, [C(STRK, 'transfer', [R1, 10n ** 30n, 0])], '');
  await sessOk('H2 exec 2', A, KH, t + 1000, [C(STRK, 'transfer', [R1, 1, 0])]);
  await sessFail('H2 exec 3', A, KH, t + 1000, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: max calls exceeded');
  ok((await status(KH)) === 'exhausted', 'H2 status exhausted');
  // H5: update live key with later valid_until; old-signed exec
  const KU = mkKey(9);
  await ownerExec(owner, regScoped(KU, t + 2000, 5, [[STRK, 'transfer']]));
  const pre = await buildOE(A, KU, t + 2000, [C(STRK, 'transfer', [R1, 1, 0])]);
  await ownerExec(owner, regScoped(KU, t + 3000, 5, [[STRK, 'transfer']]));
  try { await relayer.estimateInvokeFee(pre); ok(false, 'H5'); } catch (e) { ok(errText(e).includes('Session: valid_until mismatch'), 'H5 old valid_until -> mismatch', errText(e).slice(0, 300)); }
  await setTime(t + 3000);
  await sessFail('H1 expired', A, KU, t + 3000, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: expired');
  ok((await status(KU)) === 'expired', 'H1 status expired');
  const t2 = await now();
  await ownerExec(owner, regScoped(KU, t2 + 5000, 5, [[STRK, 'transfer']]));
  await sessOk('H6 renewed expired key works', A, KU, t2 + 5000, [C(STRK, 'transfer', [R1, 1, 0])]);
  ok((await status(mkKey(12345))) === 'none', 'H7 status none');
}

console.log('== G. revoked keys');
{
  const t = await now();
  const KG = mkKey(10);
  const vu = t + 100000;
  await ownerExec(owner, regScoped(KG, vu, 5, [[STRK, 'transfer']]));
  const E = await buildOE(A, KG, vu, [C(STRK, 'transfer', [R1, 1, 0])]);
  { const rec = await ownerExec(owner, { contractAddress: A, entrypoint: 'revoke_session_key', calldata: [KG.pub] });
    ok(hasEvent(rec, 'SessionKeyRevoked', KG.pub), 'M SessionKeyRevoked event'); }
  try { await relayer.estimateInvokeFee(E); ok(false, 'G1'); } catch (e) { ok(errText(e).includes('Session: revoked'), 'G1 pre-signed exec after revoke', errText(e).slice(0, 300)); }
  await expectOwnerFail(owner, regBroad(A, KG, vu, 5, []), 'Session: key retired', 'G2 re-register (v1 entrypoint)');
  await expectOwnerFail(owner, regScoped(KG, vu, 5, [[STRK, 'transfer']]), 'Session: key retired', 'G2 re-register (scoped)');
  ok((await status(KG)) === 'revoked', 'G4 status revoked');
  const d = await call(A, 'get_session_data', [KG.pub]);
  ok(d.length === 4 && d.every((x) => big(x) === 0n), 'G4 get_session_data zeros', JSON.stringify(d));
  await expectOwnerFail(owner, { contractAddress: A, entrypoint: 'revoke_session_key', calldata: [KG.pub] }, 'Session: revoked', 'G5 revoke again');
  await expectOwnerFail(owner, { contractAddress: A, entrypoint: 'revoke_session_key', calldata: ['0x777'] }, 'Session: not registered', 'G5 revoke unknown');
}

console.log('== F. revoke-all');
{
  const t = await now();
  const vu = t + 100000;
  const K1 = mkKey(20), K2 = mkKey(21), K3 = mkKey(22);
  await ownerExec(owner, [regScoped(K1, vu, 5, [[STRK, 'transfer']]), regBroad(A, K2, vu, 5, [])]);
  await sessOk('F0 K1 works', A, K1, vu, [C(STRK, 'transfer', [R1, 1, 0])]);
  await expectOwnerFail(relayer, { contractAddress: A, entrypoint: 'revoke_all_session_keys', calldata: [] }, 'Account: unauthorized', 'F5 non-self revoke-all');
  { const rec = await ownerExec(owner, { contractAddress: A, entrypoint: 'revoke_all_session_keys', calldata: [] });
    ok(hasEvent(rec, 'AllSessionKeysRevoked'), 'M AllSessionKeysRevoked event'); }
  await sessFail('F2 K1 after revoke-all', A, K1, vu, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: epoch ended');
  await sessFail('F2 K2 after revoke-all', A, K2, vu, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: epoch ended');
  ok((await status(K1)) === 'revoked' && (await status(K2)) === 'revoked', 'F2 status revoked');
  await ownerExec(owner, regScoped(K3, vu, 5, [[STRK, 'transfer']]));
  await sessOk('F3 K3 after revoke-all works', A, K3, vu, [C(STRK, 'transfer', [R1, 1, 0])]);
  await expectOwnerFail(owner, regScoped(K1, vu, 5, [[STRK, 'transfer']]), 'Session: key retired', 'F4 re-register K1');
  // F6 owner-signed outside execution doing revoke-all (gasless admin)
  const t2 = await now();
  const oe = { caller: shortString.encodeShortString('ANY_CALLER'), nonce: hex(nonceCounter++), after: t2 - 100, before: t2 + 10000, calls: [C(A, 'revoke_all_session_keys', [])] };
  const h = oeHash(A, oe, chainId);
  const s = ec.starkCurve.sign(h, ownerPriv);
  const cd = [oe.caller, oe.nonce, hex(oe.after), hex(oe.before), '1', A, selector.getSelectorFromName('revoke_all_session_keys'), '0', '2', hex(s.r), hex(s.s)];
  const rec = await wait(await relayer.execute({ contractAddress: A, entrypoint: 'execute_from_outside_v2', calldata: cd }));
  ok(rec.execution_status === 'SUCCEEDED', 'F6 owner outside execution revoke-all');
  await sessFail('F6 K3 ended', A, K3, vu, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: epoch ended');
  const nn = await call(A, 'is_valid_outside_execution_nonce', [oe.nonce]);
  ok(big(nn[0]) === 0n, 'nonce consumed');
  const cdBad = [...cd]; cdBad[1] = hex(nonceCounter++); 
  try { await relayer.estimateInvokeFee({ contractAddress: A, entrypoint: 'execute_from_outside_v2', calldata: cdBad }); ok(false, 'L4'); } catch (e) { ok(errText(e).includes('SNIP9: invalid signature'), 'L4 bad owner outside sig', errText(e).slice(0, 300)); }
  try { await relayer.estimateInvokeFee({ contractAddress: A, entrypoint: 'execute_from_outside_v2', calldata: cd }); ok(false, 'L3'); } catch (e) { ok(errText(e).includes('SNIP9: duplicate nonce'), 'L3 duplicate nonce', errText(e).slice(0, 300)); }
}

console.log('== E. rotation');
{
  const t = await now();
  const vu = t + 100000;
  const K1 = mkKey(30), K2 = mkKey(31);
  await ownerExec(owner, [regScoped(K1, vu, 5, [[STRK, 'transfer']]), regBroad(A, K2, vu, 5, [])]);
  const newPriv = '0x' + '7'.repeat(58) + '4321';
  const newPub = ec.starkCurve.getStarkKey(newPriv);
  const proof = (signPriv, acct = A, cur = ownerPub) => { const m = hash.computePoseidonHashOnElements([shortString.encodeShortString('StarkNet Message'), shortString.encodeShortString('accept_ownership'), acct, cur]); const s = ec.starkCurve.sign(m, signPriv); return [hex(s.r), hex(s.s)]; };
  const setPk = (pk, sig) => ({ contractAddress: A, entrypoint: 'set_public_key', calldata: [pk, hex(sig.length), ...sig] });
  await expectOwnerFail(owner, setPk(newPub, proof(ownerPriv)), 'Account: invalid key proof', 'E5 proof by old key');
  await expectOwnerFail(owner, setPk(newPub, proof(newPriv, R1)), 'Account: invalid key proof', 'E5 proof over other account');
  await expectOwnerFail(owner, setPk('0x0', proof(newPriv)), 'Account: invalid public key', 'E6 key 0');
  await expectOwnerFail(owner, setPk(newPub, ['0x1']), 'Account: invalid key proof', 'E7 1-felt proof');
  await expectOwnerFail(owner, { contractAddress: A, entrypoint: 'set_public_key', calldata: [newPub] }, 'Input too short for arguments', 'E8 v1 calldata');
  await expectOwnerFail(relayer, setPk(newPub, proof(newPriv)), 'Account: unauthorized', 'E10 non-self');
  await sessOk('E5 K1 still works', A, K1, vu, [C(STRK, 'transfer', [R1, 1, 0])]);
  const K4 = mkKey(32);
  const rec = await ownerExec(owner, [setPk(newPub, proof(newPriv)), regScoped(K4, vu, 5, [[STRK, 'transfer']])]);
  ok(rec.execution_status === 'SUCCEEDED', 'E1/E11 rotation + registration multicall');
  const pk = await call(A, 'get_public_key', []);
  ok(big(pk[0]) === big(newPub), 'E1 key rotated');
  const ev = rec.events.filter((e) => big(e.from_address) === big(A)).map((e) => e.keys[0]);
  ok(ev.includes(hex(hash.starknetKeccak('OwnerKeyRotated'))), 'E1 OwnerKeyRotated event', JSON.stringify(ev));
  await sessFail('E2 K1 after rotation', A, K1, vu, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: epoch ended');
  await sessFail('E2 K2 after rotation', A, K2, vu, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: epoch ended');
  await sessOk('E11 K4 registered after rotation works', A, K4, vu, [C(STRK, 'transfer', [R1, 1, 0])]);
  try { await owner.estimateInvokeFee({ contractAddress: STRK, entrypoint: 'transfer', calldata: [R1, '1', '0'] }, { skipValidate: false }); ok(false, 'E3 old key', '(no error)'); }
  catch (e) { ok(errText(e).includes('Account: invalid signature'), 'E3 old owner key refused', errText(e).slice(0, 300)); }
  owner = new Account({ provider, address: A, signer: newPriv });
  await expectOwnerFail(owner, regScoped(K1, vu, 5, [[STRK, 'transfer']]), 'Session: key retired', 'E9 re-register K1');
  const r2 = await ownerExec(owner, { contractAddress: STRK, entrypoint: 'transfer', calldata: [R1, '1', '0'] });
  ok(r2.execution_status === 'SUCCEEDED', 'E4 new owner key works');
}

console.log('== J. upgrade v1 -> v2');
{
  const U = accts[3];
  const Uaddr = info.accounts[3].address;
  const t = await now();
  const vu = t + 100000;
  const KV = mkKey(40);
  const sup = async () => big((await call(Uaddr, 'supports_interface', ['0x3dfef0cdc285a4ff3645098ab448163c07116ba1d579f118e53ad56e92e8723']))[0]);
  ok((await sup()) === 0n, 'J1 v1 does not support v2 id');
  await ownerExec(U, regBroad(Uaddr, KV, vu, 5, []));
  const usedNonce = hex(nonceCounter);
  await sessOk('J1 v1 session works under v1 (v1 signature)', Uaddr, KV, vu, [C(STRK, 'transfer', [R1, 1, 0])], { v1: true });
  const pkBefore = await call(Uaddr, 'get_public_key', []);
  const rec = await ownerExec(U, { contractAddress: Uaddr, entrypoint: 'upgrade', calldata: [V2] });
  ok(rec.execution_status === 'SUCCEEDED', 'J2 upgrade');
  const ch = await provider.getClassHashAt(Uaddr);
  ok(big(ch) === big(V2), 'J2 class hash is V2');
  ok(big((await call(Uaddr, 'get_public_key', []))[0]) === big(pkBefore[0]), 'J2 key survives');
  ok((await sup()) === 1n, 'J3 supports v2 id');
  await sessFail('J4 v1 session v2-signed', Uaddr, KV, vu, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: epoch ended');
  await sessFail('J4 v1 session v1-signed', Uaddr, KV, vu, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: epoch ended', { v1: true });
  ok((await status(KV, Uaddr)) === 'revoked', 'J5 status revoked');
  await expectOwnerFail(U, regBroad(Uaddr, KV, vu, 5, []), 'Session: key retired', 'J5 re-register');
  ok(big((await call(Uaddr, 'is_valid_outside_execution_nonce', [usedNonce]))[0]) === 0n, 'J6 used nonce stays used');
  const KN = mkKey(41);
  await ownerExec(U, { contractAddress: Uaddr, entrypoint: 'add_or_update_session_key_scoped', calldata: [KN.pub, hex(vu), '5', ...pairs([[STRK, 'transfer']])] });
  await sessOk('J7 new session after upgrade', Uaddr, KN, vu, [C(STRK, 'transfer', [R1, 1, 0])]);
  const r2 = await ownerExec(U, { contractAddress: Uaddr, entrypoint: 'upgrade', calldata: [V2] });
  ok(r2.events.some((e) => big(e.from_address) === big(Uaddr) && big(e.keys[0]) === big(hash.starknetKeccak('AccountUpgraded'))), 'J10 AccountUpgraded event');
  // J8 multicall upgrade + register
  const U2 = accts[4], U2addr = info.accounts[4].address;
  const KM = mkKey(42);
  const r3 = await ownerExec(U2, [{ contractAddress: U2addr, entrypoint: 'upgrade', calldata: [V2] }, { contractAddress: U2addr, entrypoint: 'add_or_update_session_key_scoped', calldata: [KM.pub, hex(vu), '5', ...pairs([[STRK, 'transfer']])] }]);
  ok(r3.execution_status === 'SUCCEEDED', 'J8 upgrade+register multicall');
  await sessOk('J8 session registered in the upgrade tx works', U2addr, KM, vu, [C(STRK, 'transfer', [R1, 1, 0])]);
  await expectOwnerFail(relayer, { contractAddress: U2addr, entrypoint: 'upgrade', calldata: [V2] }, 'Account: unauthorized', 'J9 non-self upgrade');
}

console.log('== K. CHIPI calldata');
{
  const t = await now();
  const vu = t + 100000;
  const KC = mkKey(50);
  const rec = await ownerExec(owner, regBroad(A, KC, vu, 10, ['transfer']));
  ok(rec.events.some((e) => big(e.keys[0]) === big(hash.starknetKeccak('SessionKeyAdded')) && big(e.keys[1]) === big(KC.pub)), 'K1 SessionKeyAdded');
  const d = await call(A, 'get_session_data', [KC.pub]);
  ok(big(d[0]) === 1n && big(d[1]) === BigInt(vu) && big(d[2]) === 10n && big(d[3]) === 1n && big(d[4]) === big(selector.getSelectorFromName('transfer')), 'K1 get_session_data', JSON.stringify(d));
  await sessOk('K2 v1-calldata session transfer', A, KC, vu, [C(STRK, 'transfer', [R1, 1, 0])]);
  await sessFail('K5 v1-style signature on v2', A, KC, vu, [C(STRK, 'transfer', [R1, 1, 0])], 'Session: invalid signature', { v1: true });
}

console.log(`\n${pass} passed, ${fail} failed`);
if (fail) console.log('FAILED:\n  ' + failures.join('\n  '));
dn.kill('SIGINT');
process.exit(fail ? 1 : 0);
