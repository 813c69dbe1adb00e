// Bundles the UI with esbuild and copies the static files next to the bundle.
//   node build.mjs         -> dist/       (production: src/main.ts, the real Tauri transport)
//   node build.mjs --fake  -> dist-fake/  (dev only: dev/main-fake.ts, an in-memory fake backend)
import { build } from "esbuild";
import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const fake = process.argv.includes("--fake");
const outdir = join(root, fake ? "dist-fake" : "dist");
const entry = join(root, fake ? "dev/main-fake.ts" : "src/main.ts");

const started = Date.now();
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: [entry],
  outfile: join(outdir, "main.js"),
  bundle: true,
  format: "iife",
  // WebKitGTK 2.40+ (Debian 12) and current WebView2/WKWebView.
  target: ["es2021", "safari15"],
  minify: !fake,
  sourcemap: fake ? "inline" : false,
  legalComments: "none",
  logLevel: "warning",
});
for (const file of ["index.html", "styles.css"]) {
  await copyFile(join(root, file), join(outdir, file));
}
const size = (await stat(join(outdir, "main.js"))).size;
console.log(`built ${fake ? "dist-fake" : "dist"}/main.js (${(size / 1024).toFixed(1)} KiB) in ${Date.now() - started} ms`);
