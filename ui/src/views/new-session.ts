// The new-session form: duration, max calls, allowed entrypoints and an optional STRK
// spending policy, then create → register (→ policy) with each step's progress. A session
// created earlier but never registered can be resumed from the register step.

import * as api from "../api";
import { field, h, replace, setBusy, show } from "../dom";
import { formatDateTime, formatDuration, InputError, parseEntrypoints, parseUnits, shortHex } from "../format";
import { fail } from "../nav";
import { store, tokenBySymbol } from "../state";
import { describeFee } from "./describe";

export interface NewSessionOptions {
  wallet: string;
  /** A created (unregistered) session to register. */
  resume?: api.SessionStatus;
  /** A step finished: the dashboard re-reads the status. */
  onProgress: () => void;
  onClose: () => void;
}

type StepId = "create" | "register" | "policy";
type StepState = "pending" | "running" | "done" | "failed" | "skipped";

const STEP_LABEL: Record<StepId, string> = {
  create: "Create the session key",
  register: "Register it on-chain (signed by your owner key)",
  policy: "Set the STRK spending limit",
};

const DURATIONS: { secs: number; label: string }[] = [
  { secs: 3600, label: "1 hour" },
  { secs: 21600, label: "6 hours" },
  { secs: 86400, label: "24 hours" },
];
const WINDOWS: { secs: number; label: string }[] = [
  { secs: 3600, label: "1 hour" },
  { secs: 86400, label: "24 hours" },
  { secs: 604800, label: "7 days" },
  { secs: 2592000, label: "30 days" },
];
const MAX_U32 = 4294967295;
const MIN_DURATION = 60;
const MAX_DURATION = 30 * 86400;

interface Plan {
  durationSecs: number;
  maxCalls: number;
  allow: string[];
  policy: { maxPerCall: bigint; maxPerWindow: bigint; windowSeconds: number } | null;
}

export interface NewSessionPanel {
  root: HTMLElement;
  /** A step is running (the panel must not be replaced). */
  busy(): boolean;
}

export function newSessionPanel(opts: NewSessionOptions): NewSessionPanel {
  // ----- inputs -----
  const duration = h(
    "select",
    { testid: "session-duration" },
    DURATIONS.map((d) => h("option", { attrs: { value: d.secs, selected: d.secs === 21600 } }, d.label)),
    h("option", { attrs: { value: "custom" } }, "Custom…"),
  );
  const customHours = h("input", {
    testid: "session-duration-custom",
    attrs: { type: "number", min: "0.02", step: "any", placeholder: "hours", "aria-label": "Custom duration in hours" },
  });
  const customWrap = h("span", { class: "inline-input" }, customHours, h("span", { class: "muted" }, "hours"));
  show(customWrap, false);
  const durationField = field("Duration", duration, { extra: customWrap, errorTestid: "session-duration-error" });

  const maxCalls = h("input", {
    testid: "session-max-calls",
    attrs: { type: "number", min: 1, max: MAX_U32, step: 1, value: 1000, inputmode: "numeric" },
  });
  const maxCallsField = field("Max calls", maxCalls, {
    hint: "The session stops working after this many calls.",
    errorTestid: "session-max-calls-error",
  });

  const allowTransfer = h("input", { testid: "session-allow-transfer", attrs: { type: "checkbox", checked: true } });
  const allowApprove = h("input", { testid: "session-allow-approve", attrs: { type: "checkbox" } });
  const allowExtra = h("input", {
    testid: "session-allow-extra",
    attrs: { type: "text", placeholder: "other entrypoints: names or 0x selectors, comma-separated", spellcheck: "false", autocomplete: "off" },
  });
  const allowWarning = h("div", { class: "inline-warning small", testid: "session-allow-warning" });
  const allowField = field(
    "Allowed entrypoints",
    allowExtra,
    { errorTestid: "session-allow-error" },
  );
  const checks = h(
    "div",
    { class: "checks" },
    h("label", { class: "check" }, allowTransfer, " transfer"),
    h("label", { class: "check" }, allowApprove, " approve"),
  );
  allowField.root.insertBefore(checks, allowExtra);
  allowField.root.appendChild(allowWarning);

  const perCall = h("input", {
    testid: "policy-per-call",
    attrs: { type: "text", inputmode: "decimal", placeholder: "e.g. 10", autocomplete: "off" },
  });
  const perWindow = h("input", {
    testid: "policy-per-window",
    attrs: { type: "text", inputmode: "decimal", placeholder: "e.g. 100", autocomplete: "off" },
  });
  const windowSel = h(
    "select",
    { testid: "policy-window" },
    WINDOWS.map((w) => h("option", { attrs: { value: w.secs, selected: w.secs === 86400 } }, w.label)),
  );
  const perCallField = field("Max per call (STRK)", perCall, { errorTestid: "policy-per-call-error" });
  const perWindowField = field("Max per window (STRK)", perWindow, { errorTestid: "policy-per-window-error" });
  const windowField = field("Window", windowSel);
  const policyBox = h(
    "fieldset",
    { class: "policy-box" },
    h("legend", null, "STRK spending limit (optional)"),
    h("p", { class: "field-hint" }, "Leave both amounts empty for no limit. The account enforces it on every call."),
    h("div", { class: "grid-3" }, perCallField.root, perWindowField.root, windowField.root),
  );

  const submit = h("button", { class: "btn btn-primary", testid: "session-submit", attrs: { type: "submit" } }, "Create session");
  const close = h(
    "button",
    { class: "btn btn-ghost", testid: "session-close", attrs: { type: "button" }, on: { click: () => opts.onClose() } },
    "Cancel",
  );
  const progress = h("ol", { class: "progress", testid: "session-progress", attrs: { "aria-live": "polite" } });
  const outcome = h("div", { class: "inline-success", testid: "session-outcome" });
  outcome.hidden = true;

  const inputs: (HTMLInputElement | HTMLSelectElement)[] = [
    duration, customHours, maxCalls, allowTransfer, allowApprove, allowExtra, perCall, perWindow, windowSel,
  ];

  // ----- progress -----
  const steps: Record<StepId, { state: StepState; detail: string }> = {
    create: { state: "pending", detail: "" },
    register: { state: "pending", detail: "" },
    policy: { state: "pending", detail: "" },
  };
  let created: api.SessionStatus | null = opts.resume ?? null;
  let plan: Plan | null = null;
  let finished = false;
  let running = false;
  if (created) {
    steps.create = { state: "done", detail: `key ${shortHex(created.session_public_key, 10, 6)} (made earlier)` };
    duration.disabled = true;
    customHours.disabled = true;
    durationField.root.querySelector("label")?.append(" (set when the key was made)");
  }

  const renderProgress = () => {
    const order: StepId[] = ["create", "register", "policy"];
    const overall = finished
      ? "done"
      : order.some((id) => steps[id].state === "failed")
        ? "failed"
        : order.some((id) => steps[id].state === "running")
          ? "running"
          : "idle";
    progress.dataset["state"] = overall;
    replace(
      progress,
      order.map((id) =>
        h(
          "li",
          { class: `step step-${steps[id].state}`, attrs: { "data-step": id, "data-state": steps[id].state } },
          h("span", { class: "step-icon", attrs: { "aria-hidden": "true" } }),
          h(
            "div",
            null,
            h("div", { class: "step-label" }, STEP_LABEL[id]),
            h("div", { class: "step-detail" }, `${stepWord(steps[id].state)}${steps[id].detail ? " · " + steps[id].detail : ""}`),
          ),
        ),
      ),
    );
  };

  const updateAllowWarning = () => {
    const none = !allowTransfer.checked && !allowApprove.checked && allowExtra.value.trim() === "";
    allowWarning.textContent = none
      ? "No entrypoint chosen: the session may call every non-admin entrypoint of any contract."
      : "";
    allowWarning.hidden = !none;
  };
  allowTransfer.addEventListener("change", updateAllowWarning);
  allowApprove.addEventListener("change", updateAllowWarning);
  allowExtra.addEventListener("input", updateAllowWarning);
  duration.addEventListener("change", () => {
    show(customWrap, duration.value === "custom");
    if (duration.value === "custom") customHours.focus();
  });

  // ----- validation -----
  const readPlan = (): Plan | null => {
    let ok = true;
    const bad = (f: { setError(m: string | null): void }, e: unknown) => {
      ok = false;
      f.setError(e instanceof InputError ? e.message : String(e));
    };
    let durationSecs = 0;
    try {
      if (duration.value === "custom") {
        const hours = Number(customHours.value);
        if (customHours.value.trim() === "" || !Number.isFinite(hours)) throw new InputError("enter the duration in hours");
        durationSecs = Math.round(hours * 3600);
        if (durationSecs < MIN_DURATION) throw new InputError("at least 1 minute");
        if (durationSecs > MAX_DURATION) throw new InputError("at most 30 days: session keys should be short-lived");
      } else {
        durationSecs = Number(duration.value);
      }
      durationField.setError(null);
    } catch (e) {
      bad(durationField, e);
    }
    let calls = 0;
    try {
      const t = maxCalls.value.trim();
      if (!/^[0-9]+$/.test(t)) throw new InputError("a whole number of calls");
      calls = Number(t);
      if (calls < 1 || calls > MAX_U32) throw new InputError(`between 1 and ${MAX_U32}`);
      maxCallsField.setError(null);
    } catch (e) {
      bad(maxCallsField, e);
    }
    let allow: string[] = [];
    try {
      const chosen = [allowTransfer.checked ? "transfer" : null, allowApprove.checked ? "approve" : null].filter(
        (x): x is string => x !== null,
      );
      allow = Array.from(new Set([...chosen, ...parseEntrypoints(allowExtra.value)]));
      allowField.setError(null);
    } catch (e) {
      bad(allowField, e);
    }
    let policy: Plan["policy"] = null;
    const strk = tokenBySymbol("STRK");
    const pc = perCall.value.trim();
    const pw = perWindow.value.trim();
    perCallField.setError(null);
    perWindowField.setError(null);
    if (pc !== "" || pw !== "") {
      const decimals = strk?.decimals ?? 18;
      let a: bigint | null = null;
      let b: bigint | null = null;
      try {
        if (pc === "") throw new InputError("set the per-call cap too");
        a = parseUnits(pc, decimals);
        if (a <= 0n) throw new InputError("more than 0");
      } catch (e) {
        bad(perCallField, e);
      }
      try {
        if (pw === "") throw new InputError("set the per-window cap too");
        b = parseUnits(pw, decimals);
        if (b <= 0n) throw new InputError("more than 0");
        if (a !== null && b < a) throw new InputError("at least the per-call cap");
      } catch (e) {
        bad(perWindowField, e);
      }
      if (!strk) {
        ok = false;
        perCallField.setError("the STRK token is unknown on this network");
      }
      if (a !== null && b !== null) {
        policy = { maxPerCall: a, maxPerWindow: b, windowSeconds: Number(windowSel.value) };
      }
    }
    return ok ? { durationSecs, maxCalls: calls, allow, policy } : null;
  };

  // What a finished step already put on-chain cannot be edited any more.
  const registerInputs: Element[] = [maxCalls, allowTransfer, allowApprove, allowExtra];
  const lockInputs = (locked: boolean) => {
    for (const el of inputs) {
      if (created && (el === duration || el === customHours)) el.disabled = true;
      else if (steps.register.state === "done" && registerInputs.includes(el)) el.disabled = true;
      else el.disabled = locked;
    }
  };

  // ----- run -----
  const run = async () => {
    if (!plan) return;
    running = true;
    close.disabled = true;
    lockInputs(true);
    try {
      if (!created) {
        steps.create = { state: "running", detail: formatDuration(plan.durationSecs) };
        renderProgress();
        setBusy(submit, "Creating…");
        try {
          created = await api.sessionCreate(opts.wallet, plan.durationSecs);
        } catch (err) {
          steps.create = { state: "failed", detail: errText(err) };
          throw err;
        }
        steps.create = { state: "done", detail: `key ${shortHex(created.session_public_key, 10, 6)}` };
        opts.onProgress();
      }
      if (steps.register.state !== "done") {
        steps.register = { state: "running", detail: `${plan.maxCalls} calls · ${plan.allow.length ? plan.allow.join(", ") : "any non-admin entrypoint"}` };
        renderProgress();
        setBusy(submit, "Registering…");
        try {
          const r = await api.sessionRegister({
            wallet: opts.wallet,
            session: created.session_public_key,
            maxCalls: plan.maxCalls,
            allow: plan.allow,
            validUntil: null,
          });
          created = r.status;
          steps.register = { state: "done", detail: `tx ${shortHex(r.tx.tx_hash, 10, 6)} · fee ${describeFee(r.tx.fee, r.tx.fee_unit)}` };
        } catch (err) {
          steps.register = { state: "failed", detail: errText(err) };
          throw err;
        }
        opts.onProgress();
      }
      if (plan.policy && steps.policy.state !== "done") {
        const strk = tokenBySymbol("STRK");
        steps.policy = { state: "running", detail: "" };
        renderProgress();
        setBusy(submit, "Setting limit…");
        try {
          const r = await api.policySet({
            wallet: opts.wallet,
            session: created.session_public_key,
            token: strk?.address ?? "",
            maxPerCall: plan.policy.maxPerCall.toString(),
            maxPerWindow: plan.policy.maxPerWindow.toString(),
            windowSeconds: plan.policy.windowSeconds,
          });
          steps.policy = { state: "done", detail: `tx ${shortHex(r.tx.tx_hash, 10, 6)}` };
        } catch (err) {
          steps.policy = { state: "failed", detail: errText(err) };
          throw err;
        }
        opts.onProgress();
      } else if (!plan.policy) {
        steps.policy = { state: "skipped", detail: "no limit set" };
      }
      finished = true;
      renderProgress();
      setBusy(submit, null);
      submit.hidden = true;
      close.textContent = "Done";
      close.disabled = false;
      close.classList.replace("btn-ghost", "btn-primary");
      replace(
        outcome,
        "Session ",
        h("code", null, shortHex(created.session_public_key, 10, 6)),
        ` is ${created.state}`,
        created.valid_until ? ` until ${formatDateTime(created.valid_until)}` : "",
        ".",
      );
      outcome.hidden = false;
    } catch (err) {
      renderProgress();
      lockInputs(false);
      setBusy(submit, null);
      submit.textContent = created ? "Retry" : "Create session";
      close.disabled = false;
      const context =
        steps.policy.state === "failed"
          ? "The session is active, but its spending limit was not set"
          : steps.register.state === "failed"
            ? "The session is not registered yet"
            : "Could not create the session";
      fail(err, context);
    } finally {
      running = false;
    }
  };

  const form = h(
    "form",
    { class: "stack", testid: "new-session-form", attrs: { novalidate: true } },
    h("div", { class: "grid-2" }, durationField.root, maxCallsField.root),
    allowField.root,
    policyBox,
    progress,
    outcome,
    h("div", { class: "actions" }, close, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (submit.disabled || finished) return;
    // On a retry, steps already done keep what the chain saw; the rest uses the form.
    const p = readPlan();
    if (!p) return;
    plan = p;
    void run();
  });

  updateAllowWarning();
  renderProgress();
  if (created) submit.textContent = "Register session";

  const who = store.wallet?.address ?? opts.wallet;
  const root = h(
    "section",
    { class: "card panel", testid: "new-session-panel" },
    h(
      "div",
      { class: "card-head" },
      h("h2", { class: "card-title" }, created ? "Register session" : "New session"),
      h("span", { class: "muted small" }, "for ", h("code", null, shortHex(who, 8, 6))),
    ),
    form,
  );
  return { root, busy: () => running };
}

function stepWord(s: StepState): string {
  switch (s) {
    case "pending":
      return "waiting";
    case "running":
      return "in progress…";
    case "done":
      return "done";
    case "failed":
      return "failed";
    case "skipped":
      return "skipped";
  }
}

function errText(err: unknown): string {
  const e = api.ApiError.from(err);
  return `${e.code}: ${e.message}`;
}
