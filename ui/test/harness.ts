// The UI tests' harness, shared by every *.test.ts: checks that count what they passed, a
// registry of named tests, and a runner that stops at the first failure and names it. No test
// framework: a failed check throws.

let passed = 0;
const tests: [string, () => void | Promise<void>][] = [];

/** Counts a check that passed by other means (e.g. an expected throw). */
export function pass(): void {
  passed += 1;
}

export function eq<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  passed += 1;
}

export function ok(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
  passed += 1;
}

/** Lets pending promises and zero-delay timers run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 50; i += 1) await new Promise((r) => setTimeout(r, 0));
}

export const test = (name: string, fn: () => void | Promise<void>): void => {
  tests.push([name, fn]);
};

/** Runs the registered tests in order; prints `<suite>: N tests, M checks passed`. */
export async function run(suite: string): Promise<void> {
  for (const [name, fn] of tests) {
    try {
      await fn();
    } catch (e) {
      console.error(`FAILED: ${name}`);
      throw e;
    }
  }
  console.log(`${suite}: ${tests.length} tests, ${passed} checks passed`);
}
