// Unit checks of the exact amount math and input parsing (npm test). No test framework: a
// failed check throws, which makes node exit non-zero.

import { formatCountdown, formatUnits, InputError, parseAddress, parseEntrypoints, parseUnits } from "../src/format";

let passed = 0;
function eq<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  passed += 1;
}
function refuses(f: () => unknown, what: string): void {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) {
      passed += 1;
      return;
    }
    throw new Error(`${what}: threw ${String(e)} instead of InputError`);
  }
  throw new Error(`${what}: was accepted`);
}

const E18 = 10n ** 18n;

// parseUnits
eq(parseUnits("1", 18), E18, "whole");
eq(parseUnits("1.5", 18), 15n * 10n ** 17n, "fraction");
eq(parseUnits("0.000000000000000001", 18), 1n, "one wei");
eq(parseUnits(".5", 18), 5n * 10n ** 17n, "leading dot");
eq(parseUnits("5.", 18), 5n * E18, "trailing dot");
eq(parseUnits(" 007.250 ", 18), 7n * E18 + 25n * 10n ** 16n, "spaces and zeros");
eq(parseUnits("123456789012345678901234567890.123456789012345678", 18), 123456789012345678901234567890123456789012345678n, "beyond 2^53");
eq(parseUnits("0", 18), 0n, "zero");
eq(parseUnits("12", 0), 12n, "no decimals");
refuses(() => parseUnits("1.0000000000000000001", 18), "19 decimals");
refuses(() => parseUnits("", 18), "empty");
refuses(() => parseUnits(".", 18), "lone dot");
refuses(() => parseUnits("-1", 18), "negative");
refuses(() => parseUnits("1e18", 18), "exponent");
refuses(() => parseUnits("1,5", 18), "comma");
refuses(() => parseUnits("1.2.3", 18), "two dots");
refuses(() => parseUnits("0x10", 18), "hex");
refuses(() => parseUnits("1.5", 0), "decimals on a 0-decimal token");

// formatUnits
eq(formatUnits(0n, 18), "0", "zero");
eq(formatUnits(E18, 18), "1", "one");
eq(formatUnits(15n * 10n ** 17n, 18), "1.5", "trim zeros");
eq(formatUnits(1n, 18), "0.000000000000000001", "one wei");
eq(formatUnits(-25n * 10n ** 16n, 18), "-0.25", "negative");
eq(formatUnits(123456789012345678901234567890123456789012345678n, 18), "123456789012345678901234567890.123456789012345678", "big");
eq(formatUnits(42n, 0), "42", "no decimals");
for (const s of ["0.1", "1", "999999.999999999999999999", "0.000000000000000001", "1234.5"]) {
  eq(formatUnits(parseUnits(s, 18), 18), s, `round trip ${s}`);
}

// parseAddress
eq(parseAddress(" 0xABC "), "0xabc", "lower-cased");
eq(parseAddress("0x" + "7".repeat(62)), "0x" + "7".repeat(62), "62 digits");
refuses(() => parseAddress("0x0"), "zero");
refuses(() => parseAddress("abc"), "no 0x");
refuses(() => parseAddress("0x" + "1".repeat(65)), "65 digits");
refuses(() => parseAddress("0xg1"), "not hex");
refuses(() => parseAddress("0x" + "8" + "0".repeat(63)), "2^255: not below 2^251");

// parseEntrypoints
eq(parseEntrypoints("transfer, approve  0xABC").join("|"), "transfer|approve|0xabc", "names and selectors");
eq(parseEntrypoints("  ").length, 0, "empty");
refuses(() => parseEntrypoints("trans-fer"), "bad name");

// formatCountdown
eq(formatCountdown(0), "expired", "expired");
eq(formatCountdown(45), "45s", "seconds");
eq(formatCountdown(3 * 3600 + 5 * 60 + 7), "3h 05m 07s", "hours");
eq(formatCountdown(2 * 86400 + 3600), "2d 1h 0m", "days");

console.log(`format: ${passed} checks passed`);
