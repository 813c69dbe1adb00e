// DEV ONLY entry (npm run build:fake → dist-fake/): the same app, with api.ts's transport
// swapped for the in-memory fake backend. Query parameters:
//   ?scenario=fresh|locked|lockedout|dashboard|empty   (default: fresh)
//   &latency=ms  &slow=session_register,send  &expiring=1  &fail=RPC_UNAVAILABLE
//   &failonce=session_register  &lockafter=ms
//   &demo=<name> (see dev/demo.ts)
import { setTransport } from "../src/api";
import { start } from "../src/app";
import { FakeBackend, type FakeOptions } from "./fake-backend";
import { runDemo } from "./demo";

const q = new URLSearchParams(window.location.search);
const scenarios: FakeOptions["scenario"][] = ["fresh", "locked", "lockedout", "dashboard", "empty"];
const scenario = scenarios.find((s) => s === q.get("scenario")) ?? "fresh";

setTransport(
  new FakeBackend({
    scenario,
    latency: Number(q.get("latency") ?? 350),
    slow: new Set((q.get("slow") ?? "").split(",").filter(Boolean)),
    expiringEvent: q.get("expiring") === "1",
    failWith: q.get("fail") ?? undefined,
    failOnce: new Set((q.get("failonce") ?? "").split(",").filter(Boolean)),
    lockAfterMs: Number(q.get("lockafter") ?? 0),
  }),
);

void start().then(() => runDemo(q.get("demo")));
