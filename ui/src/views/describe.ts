// Words for session facts, shared by the session list, the send panel and the activity list.

import type { PolicyView, RecipientRule, ScopeEntry, SessionState, SessionStatus } from "../api";
import { h } from "../dom";
import { displayAmount, formatDuration, shortHex } from "../format";
import { tokenByAddress } from "../state";

export const STATE_LABEL: Record<SessionState, string> = {
  none: "none",
  created: "created",
  active: "active",
  expired: "expired",
  revoked: "revoked",
};

export const STATE_HELP: Record<SessionState, string> = {
  none: "The chain does not know this session key.",
  created: "The key exists on this device but is not registered on-chain yet.",
  active: "Registered, not expired, and calls left.",
  expired: "Past its expiry (or out of calls): the account refuses it.",
  revoked: "Revoked on-chain: the account refuses it.",
};

export function stateBadge(state: SessionState, testid?: string): HTMLElement {
  return h(
    "span",
    { class: `badge badge-${state}`, testid, attrs: { title: STATE_HELP[state] ?? "" } },
    STATE_LABEL[state] ?? state,
  );
}

/** "transfer, approve"; "any non-admin entrypoint" when empty; "not reported" when absent. */
export function describeEntrypoints(s: SessionStatus): string {
  if (s.state === "created" || s.state === "none") {
    if (!s.allowed_entrypoints || s.allowed_entrypoints.length === 0) return "set at registration";
  }
  // The chain forgets a revoked session's allowlist: an empty list means nothing here.
  if (s.state === "revoked") return "none (revoked)";
  const list = s.allowed_entrypoints;
  if (list === undefined) return "not reported by this account";
  if (list.length === 0) return "any non-admin entrypoint";
  return list.map((e) => e.name ?? shortHex(e.selector, 8, 4)).join(", ");
}

/** "STRK · transfer": names when known (the reply's, else the network's tokens), else short hex. */
export function describeScopeEntry(e: ScopeEntry): string {
  const contract = e.contract_name ?? tokenByAddress(e.contract)?.symbol ?? shortHex(e.contract, 8, 4);
  return `${contract} · ${e.entrypoint ?? shortHex(e.selector, 8, 4)}`;
}

/** "STRK to 0x3a1b2c…e7f8 only", "ETH to 0x12…, 0x34… only". */
export function describeRecipients(r: RecipientRule): string {
  const token = r.token_name ?? tokenByAddress(r.token)?.symbol ?? shortHex(r.token, 8, 4);
  const to = r.recipients.map((a) => shortHex(a, 8, 4)).join(", ");
  return r.recipients.length === 0 ? `${token}: no recipient allowed` : `${token} to ${to} only`;
}

/** What a broad session's entrypoints mean, for its badge and its card. */
export const BROAD_HELP =
  "Broad: its entrypoints may be called on ANY contract, so a leaked session key could use them on every token (or to bridge funds out), not only on the contracts you meant.";

/** "10 STRK per call · 100 STRK per day · 5 STRK spent in this window"; null when no policy. */
export function describePolicy(p: PolicyView): string | null {
  if (!p.window_seconds) return null;
  const token = tokenByAddress(p.token);
  const decimals = token?.decimals ?? 18;
  const sym = token?.symbol ?? shortHex(p.token);
  const perCall = displayAmount(p.max_per_call, decimals);
  const perWindow = displayAmount(p.max_per_window, decimals);
  const spent = displayAmount(p.spent_in_window, decimals);
  return `${perCall} ${sym} per call · ${perWindow} ${sym} per ${perPeriod(p.window_seconds)} · ${spent} ${sym} spent in this window`;
}

/** "day", "hour", "7 days": the window after "per". */
export function perPeriod(secs: number): string {
  if (secs === 86400) return "day";
  if (secs === 3600) return "hour";
  if (secs === 60) return "minute";
  return formatDuration(secs);
}

/** The fee unit of a receipt as a token symbol ("FRI" → STRK, "WEI" → ETH). */
export function feeSymbol(unit: string): string {
  const u = unit.toUpperCase();
  if (u === "FRI" || u === "STRK") return "STRK";
  if (u === "WEI" || u === "ETH") return "ETH";
  return unit;
}

/** A fee as "0.00012 STRK". */
export function describeFee(fee: string, unit: string): string {
  return `${displayAmount(fee, 18)} ${feeSymbol(unit)}`;
}
