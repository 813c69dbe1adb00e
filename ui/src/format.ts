// Exact amount math (BigInt in the token's smallest unit), felt/address checks, and the
// human formatting of times and durations. Nothing here touches the DOM or the backend.

/** A value a person typed that cannot be used; `message` is shown next to the field. */
export class InputError extends Error {
  override readonly name = "InputError";
}

const DIGITS = /^[0-9]*$/;

/**
 * Parses a decimal amount in token units ("1.5") into the smallest unit (1500000000000000000n
 * for 18 decimals). Exact: no floating point. Accepts "5", "5.", ".5", "0.000000000000000001";
 * refuses signs, exponents, separators, and more fraction digits than `decimals`.
 */
export function parseUnits(text: string, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new InputError(`unsupported token decimals: ${decimals}`);
  }
  const s = text.trim();
  if (s === "") throw new InputError("enter an amount");
  const parts = s.split(".");
  if (parts.length > 2) throw new InputError("use a single '.' as the decimal point");
  const whole = parts[0] ?? "";
  const frac = parts[1] ?? "";
  if (!DIGITS.test(whole) || !DIGITS.test(frac) || whole.length + frac.length === 0) {
    throw new InputError("use digits and an optional '.' only (for example 1.25)");
  }
  if (frac.length > decimals) {
    throw new InputError(
      decimals === 0 ? "this token has no decimals" : `at most ${decimals} decimals`,
    );
  }
  const base = 10n ** BigInt(decimals);
  const wholeValue = whole === "" ? 0n : BigInt(whole);
  const fracValue = frac === "" ? 0n : BigInt(frac.padEnd(decimals, "0"));
  return wholeValue * base + fracValue;
}

/** Formats a smallest-unit amount in token units, with trailing fraction zeros trimmed. */
export function formatUnits(value: bigint, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0) {
    throw new RangeError(`unsupported token decimals: ${decimals}`);
  }
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = (abs / base).toString();
  const frac = decimals === 0 ? "" : (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac === "" ? "" : "." + frac}`;
}

/** A decimal string from the backend (smallest unit) as a BigInt; `null` when it is not one. */
export function toBigInt(decimal: string | number | null | undefined): bigint | null {
  if (typeof decimal === "number") {
    return Number.isSafeInteger(decimal) ? BigInt(decimal) : null;
  }
  if (typeof decimal !== "string") return null;
  const s = decimal.trim();
  if (/^-?[0-9]+$/.test(s)) return BigInt(s);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return BigInt(s);
  return null;
}

/** A smallest-unit decimal string shown in token units ("?" when the backend sent garbage). */
export function displayAmount(decimal: string, decimals: number): string {
  const v = toBigInt(decimal);
  return v === null ? "?" : formatUnits(v, decimals);
}

// Starknet contract addresses are felts below 2^251.
const ADDRESS_BOUND = 1n << 251n;
const HEX_FELT = /^0x[0-9a-fA-F]{1,64}$/;

/** Checks a Starknet address a person typed; returns it lower-cased, or throws InputError. */
export function parseAddress(text: string): string {
  const s = text.trim();
  if (s === "") throw new InputError("enter an address");
  if (!s.startsWith("0x") && !s.startsWith("0X")) throw new InputError("an address starts with 0x");
  const lower = "0x" + s.slice(2).toLowerCase();
  if (!HEX_FELT.test(lower)) throw new InputError("an address is 0x followed by 1 to 64 hex digits");
  const v = BigInt(lower);
  if (v === 0n) throw new InputError("the zero address cannot receive funds");
  if (v >= ADDRESS_BOUND) throw new InputError("this is not a valid Starknet address (too large)");
  return lower;
}

/** Checks a private key a person typed (0x hex felt, non-zero); never echoes it back. */
export function checkPrivateKey(text: string): void {
  const s = text.trim().toLowerCase();
  if (s === "") throw new InputError("enter the private key");
  if (!HEX_FELT.test(s)) throw new InputError("a private key is 0x followed by up to 64 hex digits");
  if (BigInt(s) === 0n) throw new InputError("the private key cannot be zero");
}

/** Entry-point names or 0x selectors from free text (commas, spaces or new lines). */
export function parseEntrypoints(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const item = raw.trim();
    if (item === "") continue;
    if (/^0x/i.test(item)) {
      if (!HEX_FELT.test("0x" + item.slice(2).toLowerCase())) {
        throw new InputError(`'${item}' is not a valid selector (0x + up to 64 hex digits)`);
      }
      out.push("0x" + item.slice(2).toLowerCase());
    } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(item)) {
      out.push(item);
    } else {
      throw new InputError(`'${item}' is neither an entrypoint name nor a 0x selector`);
    }
  }
  return out;
}

/** `0x0123…cdef` for long hex strings; short ones unchanged. */
export function shortHex(hex: string, head = 6, tail = 4): string {
  if (hex.length <= head + tail + 3) return hex;
  return `${hex.slice(0, head)}…${hex.slice(-tail)}`;
}

/** A live countdown: "5h 59m 12s", "2d 3h 4m", "45s"; "expired" at or below zero. */
export function formatCountdown(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "expired";
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${pad2(m)}m ${pad2(sec)}s`;
  if (m > 0) return `${m}m ${pad2(sec)}s`;
  return `${sec}s`;
}

/** A length of time in words: "6 hours", "1 day", "90 minutes". */
export function formatDuration(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (seconds % 86400 === 0 && seconds >= 86400) return plural(seconds / 86400, "day");
  if (seconds % 3600 === 0 && seconds >= 3600) return plural(seconds / 3600, "hour");
  if (seconds % 60 === 0 && seconds >= 60) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}

/** A unix time (seconds) as a local date and time. */
export function formatDateTime(unixSecs: number): string {
  return new Date(unixSecs * 1000).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** "just now", "5 min ago", "3 h ago", or the date for older times. */
export function formatRelative(unixSecs: number, nowSecs: number): string {
  const d = nowSecs - unixSecs;
  if (d < 45) return "just now";
  if (d < 3600) return `${Math.round(d / 60)} min ago`;
  if (d < 86400) return `${Math.round(d / 3600)} h ago`;
  return formatDateTime(unixSecs);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** A backend message as a sentence: first letter upper-case, ending with a full stop. */
export function sentence(message: string): string {
  const m = message.trim();
  if (m === "") return m;
  const first = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?…)]$/.test(first) ? first : first + ".";
}
