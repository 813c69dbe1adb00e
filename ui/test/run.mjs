// npm test: bundles each test/*.test.ts for node with esbuild and runs it with node, in name
// order; stops at the first failure. No test framework: a failed check throws.
import { spawnSync } from "node:child_process";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "node_modules", ".cache", "sesame-ui-test");
const only = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith(".test.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) throw new Error(`no test file matches ${only.join(" ")}`);

for (const file of files) {
  const outfile = join(out, file.replace(/\.ts$/, ".cjs"));
  await build({ entryPoints: [join(here, file)], bundle: true, platform: "node", target: "node18", sourcemap: "inline", logLevel: "warning", outfile });
  const run = spawnSync(process.execPath, ["--enable-source-maps", outfile], { stdio: "inherit" });
  if (run.status !== 0) {
    console.error(`${file} failed`);
    process.exit(run.status ?? 1);
  }
}
