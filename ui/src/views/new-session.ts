// The new-session form: duration, max calls, what the session may call (token or contract ×
// entrypoint, or the same entrypoints on any contract: "broad"), optional recipient allowlists
// and optional spending caps, then create → register with each step's progress. The scope,
// recipients and caps are registered in ONE owner transaction. A session created earlier but
// never registered can be resumed from the register step.

import * as api from "../api";
import { field, h, replace, setBusy, show } from "../dom";
import { formatDateTime, formatDuration, InputError, parseAddress, parseEntrypoints, parseUnits, shortHex } from "../format";
import { fail } from "../nav";
import { normalizeHex, store } from "../state";
import { describeFee } from "./describe";

export interface NewSessionOptions {
  wallet: string;
  /** A created (unregistered) session to register. */
  resume?: api.SessionStatus;
  /** A step finished: the dashboard re-reads the status. */
  onProgress: () => void;
  onClose: () => void;
}

type StepId = "create" | "register";
type StepState = "pending" | "running" | "done" | "failed" | "skipped";

const STEP_LABEL: Record<StepId, string> = {
  create: "Create the session key",
  register: "Register it on-chain with its scope and limits (one transaction signed by your owner key)",
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
const ENTRYPOINTS = ["transfer", "approve"];
const CUSTOM = "custom";
const MAX_U32 = 4294967295;
const MIN_DURATION = 60;
const MAX_DURATION = 30 * 86400;

/** A token the form offers by name: its symbol, how the shell's args name it, its decimals. */
interface TokenChoice {
  symbol: string;
  /** `strk` / `eth` (the shell resolves them), else the token's 0x address. */
  arg: string;
  decimals: number;
}

/** The network's tokens (from `tokens`), or STRK and ETH when the list was not read. */
export function tokenChoices(): TokenChoice[] {
  const named = (symbol: string) => ["STRK", "ETH"].includes(symbol.toUpperCase());
  if (store.tokens.length === 0) {
    return [
      { symbol: "STRK", arg: "strk", decimals: 18 },
      { symbol: "ETH", arg: "eth", decimals: 18 },
    ];
  }
  return store.tokens.map((t) => ({
    symbol: t.symbol,
    arg: named(t.symbol) ? t.symbol.toLowerCase() : t.address,
    decimals: t.decimals,
  }));
}

/** What the form asks the shell to register. */
export interface Plan {
  durationSecs: number;
  maxCalls: number;
  allowAnyContract: boolean;
  allow: string[];
  recipients: string[];
  policies: api.PolicyInput[];
}

export interface NewSessionPanel {
  root: HTMLElement;
  /** A step is running (the panel must not be replaced). */
  busy(): boolean;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLButtonElement;

interface ScopeRow {
  root: HTMLElement;
  contract: HTMLSelectElement;
  contractCustom: HTMLInputElement;
  entry: HTMLSelectElement;
  entryCustom: HTMLInputElement;
  error: HTMLElement;
  controls: Control[];
  /** Shows the custom inputs that are chosen, and the contract only when scoped. */
  sync(): void;
}

interface RecipientRow {
  root: HTMLElement;
  token: HTMLSelectElement;
  tokenCustom: HTMLInputElement;
  addresses: HTMLTextAreaElement;
  error: HTMLElement;
  controls: Control[];
}

interface PolicyGroup {
  token: TokenChoice;
  perCall: HTMLInputElement;
  perWindow: HTMLInputElement;
  window: HTMLSelectElement;
  perCallField: ReturnType<typeof field>;
  perWindowField: ReturnType<typeof field>;
}

export function newSessionPanel(opts: NewSessionOptions): NewSessionPanel {
  const tokens = tokenChoices();
  const walletView =
    store.wallet && sameHex(store.wallet.address, opts.wallet)
      ? store.wallet
      : store.wallets.find((w) => sameHex(w.address, opts.wallet)) ?? null;
  // Unknown wallet view: offer scopes; the shell refuses them (SCOPE_UNSUPPORTED) if it must.
  const scopedOk = walletView?.scoped_sessions ?? true;
  // CHIPI v27 has no spending policies: offering caps would only end in a refusal.
  const capsOk = walletView?.account_class !== "chipi-v27";

  // ----- duration and calls -----
  const duration = h(
    "select",
    { testid: "session-duration" },
    DURATIONS.map((d) => h("option", { attrs: { value: d.secs, selected: d.secs === 21600 } }, d.label)),
    h("option", { attrs: { value: "custom" } }, "Custom…"),
  );
  duration.value = "21600";
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
  maxCalls.value = "1000";
  const maxCallsField = field("Max calls", maxCalls, {
    hint: "The session stops working after this many calls.",
    errorTestid: "session-max-calls-error",
  });

  // ----- scope: what the session may call -----
  const scopeRows: ScopeRow[] = [];
  let rowCounter = 0;
  const scopeList = h("div", { class: "scope-rows", testid: "scope-rows" });
  const scopeError = h("div", { class: "field-error", testid: "session-allow-error", attrs: { role: "alert", "aria-live": "polite" } });
  scopeError.hidden = true;
  const addScope = h(
    "button",
    { class: "btn btn-secondary btn-small", testid: "scope-add", id: "scope-add", attrs: { type: "button" } },
    "Add a call",
  );
  const allowAny = h("input", {
    testid: "new-session-allow-any",
    id: "new-session-allow-any",
    attrs: { type: "checkbox" },
  });
  allowAny.checked = !scopedOk;
  allowAny.disabled = !scopedOk;
  const allowAnyLabel = h(
    "label",
    { class: "check check-text", attrs: { for: allowAny.id } },
    allowAny,
    " Allow these entrypoints on any contract (broad)",
  );
  const broadWarning = h(
    "div",
    { class: "inline-warning small", testid: "session-broad-warning", attrs: { role: "note" } },
    h("strong", null, "Broad session. "),
    "A leaked session key could call these entrypoints on every contract: transfer on every token you hold, approve any spender, or bridge funds out. Keep it scoped unless a dapp needs more.",
  );
  const noneWarning = h("div", { class: "inline-warning small", testid: "session-allow-warning" });
  const unsupportedNote = scopedOk
    ? null
    : h(
        "div",
        { class: "inline-warning small", testid: "session-scope-unsupported" },
        "This wallet's account contract can only enforce a list of entrypoints, allowed on every contract: it cannot limit a session to one token or contract, nor to chosen recipients. The calls below are therefore broad.",
      );
  const scopeHint = h("p", { class: "field-hint", testid: "session-scope-hint" });
  const scopeBox = h(
    "fieldset",
    { class: "policy-box scope-box", testid: "session-scope" },
    h("legend", null, "What the session may call"),
    scopeHint,
    unsupportedNote,
    scopeList,
    h("div", { class: "actions actions-start" }, addScope),
    scopeError,
    allowAnyLabel,
    broadWarning,
    noneWarning,
  );

  const contractOptions = () => [
    ...tokens.map((t) => h("option", { attrs: { value: t.arg } }, t.symbol)),
    h("option", { attrs: { value: CUSTOM } }, "Other contract…"),
  ];

  const addScopeRow = (contract = tokens[0]?.arg ?? CUSTOM, entry = "transfer") => {
    rowCounter += 1;
    const n = rowCounter;
    const contractSel = h("select", { testid: "scope-contract", attrs: { "aria-label": "Token or contract" } }, contractOptions());
    contractSel.value = contract;
    const contractCustom = h("input", {
      testid: "scope-contract-custom",
      attrs: { type: "text", placeholder: "contract address 0x…", spellcheck: "false", autocomplete: "off", "aria-label": "Contract address" },
    });
    const entrySel = h(
      "select",
      { testid: "scope-entrypoint", attrs: { "aria-label": "Entrypoint" } },
      ENTRYPOINTS.map((e) => h("option", { attrs: { value: e } }, e)),
      h("option", { attrs: { value: CUSTOM } }, "Other…"),
    );
    entrySel.value = entry;
    const entryCustom = h("input", {
      testid: "scope-entrypoint-custom",
      attrs: { type: "text", placeholder: "entrypoint name or 0x selector", spellcheck: "false", autocomplete: "off", "aria-label": "Entrypoint name or selector" },
    });
    const remove = h(
      "button",
      { class: "btn btn-ghost btn-small", testid: "scope-remove", attrs: { type: "button", "aria-label": "Remove this call" } },
      "Remove",
    );
    const contractWrap = h("span", { class: "scope-contract" }, contractSel, contractCustom, h("span", { class: "scope-dot", attrs: { "aria-hidden": "true" } }, "·"));
    const error = h("div", { class: "field-error", testid: "scope-row-error", attrs: { role: "alert" } });
    error.hidden = true;
    const root = h(
      "div",
      { class: "scope-row", testid: "scope-row", attrs: { "data-scope-row": n } },
      h("div", { class: "scope-line" }, contractWrap, entrySel, entryCustom, remove),
      error,
    );
    const sync = () => {
      show(contractCustom, contractSel.value === CUSTOM);
      show(entryCustom, entrySel.value === CUSTOM);
      show(contractWrap, !broad());
    };
    const row: ScopeRow = {
      root,
      contract: contractSel,
      contractCustom,
      entry: entrySel,
      entryCustom,
      error,
      controls: [contractSel, contractCustom, entrySel, entryCustom, remove],
      sync,
    };
    contractSel.addEventListener("change", () => {
      sync();
      if (contractSel.value === CUSTOM) contractCustom.focus();
    });
    entrySel.addEventListener("change", () => {
      sync();
      if (entrySel.value === CUSTOM) entryCustom.focus();
    });
    entryCustom.addEventListener("input", updateScopeWarnings);
    remove.addEventListener("click", () => {
      const i = scopeRows.indexOf(row);
      if (i >= 0) scopeRows.splice(i, 1);
      root.remove();
      updateScopeWarnings();
    });
    scopeRows.push(row);
    scopeList.appendChild(root);
    sync();
    updateScopeWarnings();
  };

  const broad = () => !scopedOk || allowAny.checked;

  function updateScopeWarnings(): void {
    const isBroad = broad();
    for (const r of scopeRows) r.sync();
    scopeBox.dataset["mode"] = isBroad ? "broad" : "scoped";
    scopeHint.textContent = isBroad
      ? "Entrypoints the session may call, on any contract. Remove every row to allow every non-admin entrypoint."
      : "Each row is one exact call the session may make: this token or contract, this entrypoint. Nothing else.";
    show(broadWarning, isBroad);
    const none = isBroad && scopeRows.length === 0;
    noneWarning.textContent = none
      ? "No entrypoint chosen: the session may call every non-admin entrypoint of any contract."
      : "";
    show(noneWarning, none);
    show(recipientsBox, scopedOk);
  }

  // ----- recipients -----
  const recipientRows: RecipientRow[] = [];
  let recipientCounter = 0;
  const recipientList = h("div", { class: "recipient-rows", testid: "recipient-rows" });
  const addRecipients = h(
    "button",
    { class: "btn btn-secondary btn-small", testid: "recipients-add", id: "recipients-add", attrs: { type: "button" } },
    "Add a recipient list",
  );
  const recipientsBox = h(
    "fieldset",
    { class: "policy-box", testid: "session-recipients" },
    h("legend", null, "Recipients (optional)"),
    h(
      "p",
      { class: "field-hint" },
      "Per token, the only addresses this session may send it to. No list: any address.",
    ),
    recipientList,
    h("div", { class: "actions actions-start" }, addRecipients),
  );

  const addRecipientRow = (token = tokens[0]?.arg ?? CUSTOM) => {
    recipientCounter += 1;
    const n = recipientCounter;
    const tokenSel = h("select", { testid: "recipient-token", attrs: { "aria-label": "Token" } }, [
      ...tokens.map((t) => h("option", { attrs: { value: t.arg } }, t.symbol)),
      h("option", { attrs: { value: CUSTOM } }, "Other token…"),
    ]);
    tokenSel.value = token;
    const tokenCustom = h("input", {
      testid: "recipient-token-custom",
      attrs: { type: "text", placeholder: "token address 0x…", spellcheck: "false", autocomplete: "off", "aria-label": "Token address" },
    });
    const addresses = h("textarea", {
      testid: "recipient-addresses",
      attrs: { rows: 3, placeholder: "0x… (one address per line)", spellcheck: "false", autocomplete: "off", "aria-label": "Allowed recipient addresses" },
    });
    const remove = h(
      "button",
      { class: "btn btn-ghost btn-small", testid: "recipient-remove", attrs: { type: "button", "aria-label": "Remove this list" } },
      "Remove",
    );
    const error = h("div", { class: "field-error", testid: "recipient-row-error", attrs: { role: "alert" } });
    error.hidden = true;
    const root = h(
      "div",
      { class: "recipient-row", testid: "recipient-row", attrs: { "data-recipient-row": n } },
      h("div", { class: "scope-line" }, h("span", { class: "muted small" }, "Send"), tokenSel, tokenCustom, h("span", { class: "muted small" }, "only to"), remove),
      addresses,
      error,
    );
    const sync = () => show(tokenCustom, tokenSel.value === CUSTOM);
    tokenSel.addEventListener("change", () => {
      sync();
      if (tokenSel.value === CUSTOM) tokenCustom.focus();
    });
    const row: RecipientRow = { root, token: tokenSel, tokenCustom, addresses, error, controls: [tokenSel, tokenCustom, addresses, remove] };
    remove.addEventListener("click", () => {
      const i = recipientRows.indexOf(row);
      if (i >= 0) recipientRows.splice(i, 1);
      root.remove();
    });
    recipientRows.push(row);
    recipientList.appendChild(root);
    sync();
  };

  // ----- spending caps, per known token -----
  const policyGroups: PolicyGroup[] = tokens.map((t) => {
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
    windowSel.value = "86400";
    return {
      token: t,
      perCall,
      perWindow,
      window: windowSel,
      perCallField: field(`Max per call (${t.symbol})`, perCall, { errorTestid: "policy-per-call-error" }),
      perWindowField: field(`Max per window (${t.symbol})`, perWindow, { errorTestid: "policy-per-window-error" }),
    };
  });
  const policyBox = h(
    "fieldset",
    { class: "policy-box", testid: "session-policies" },
    h("legend", null, "Spending caps (optional)"),
    h(
      "p",
      { class: "field-hint" },
      "In token units (for example 12.5). Leave both amounts of a token empty for no cap. The account enforces them on every call.",
    ),
    policyGroups.map((g) =>
      h(
        "div",
        { class: "grid-3 policy-row", attrs: { "data-policy-row": g.token.arg } },
        g.perCallField.root,
        g.perWindowField.root,
        field(`Window (${g.token.symbol})`, g.window).root,
      ),
    ),
  );
  policyBox.hidden = !capsOk;
  const noCaps = h(
    "p",
    { class: "inline-warning small", testid: "session-no-caps" },
    "This wallet's contract (CHIPI v27) has no spending caps: a session is bounded only by its expiry and number of calls.",
  );
  noCaps.hidden = capsOk;

  // ----- actions and progress -----
  const submit = h("button", { class: "btn btn-primary", testid: "session-submit", attrs: { type: "submit" } }, "Create session");
  const close = h(
    "button",
    { class: "btn btn-ghost", testid: "session-close", attrs: { type: "button" }, on: { click: () => opts.onClose() } },
    "Cancel",
  );
  const progress = h("ol", { class: "progress", testid: "session-progress", attrs: { "aria-live": "polite" } });
  const outcome = h("div", { class: "inline-success", testid: "session-outcome" });
  outcome.hidden = true;

  /** Every control the person edits (rows included, as they are now). */
  const controls = (): Control[] => [
    duration,
    customHours,
    maxCalls,
    allowAny,
    addScope,
    addRecipients,
    ...scopeRows.flatMap((r) => r.controls),
    ...recipientRows.flatMap((r) => r.controls),
    ...policyGroups.flatMap((g) => [g.perCall, g.perWindow, g.window]),
  ];

  // ----- progress -----
  const steps: Record<StepId, { state: StepState; detail: string }> = {
    create: { state: "pending", detail: "" },
    register: { state: "pending", detail: "" },
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
    const order: StepId[] = ["create", "register"];
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

  allowAny.addEventListener("change", updateScopeWarnings);
  addScope.addEventListener("click", () => addScopeRow());
  addRecipients.addEventListener("click", () => addRecipientRow());
  duration.addEventListener("change", () => {
    show(customWrap, duration.value === "custom");
    if (duration.value === "custom") customHours.focus();
  });

  // ----- validation -----
  const readPlan = (): Plan | null => {
    let ok = true;
    const message = (e: unknown) => (e instanceof InputError ? e.message : String(e));
    const bad = (f: { setError(m: string | null): void }, e: unknown) => {
      ok = false;
      f.setError(message(e));
    };
    const rowError = (el: HTMLElement, m: string | null) => {
      el.textContent = m ?? "";
      el.hidden = m === null;
      if (m !== null) ok = false;
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

    // Scope.
    const isBroad = broad();
    const allow: string[] = [];
    for (const r of scopeRows) {
      try {
        const contract = isBroad ? "" : r.contract.value === CUSTOM ? contractAddress(r.contractCustom.value) : r.contract.value;
        const entry = r.entry.value === CUSTOM ? oneEntrypoint(r.entryCustom.value) : r.entry.value;
        const item = isBroad ? entry : `${contract}:${entry}`;
        if (!allow.includes(item)) allow.push(item);
        rowError(r.error, null);
      } catch (e) {
        rowError(r.error, message(e));
      }
    }
    rowError(
      scopeError,
      !isBroad && scopeRows.length === 0
        ? "Add at least one token or contract and entrypoint the session may call (or allow its entrypoints on any contract)."
        : null,
    );

    // Recipients (only where the account enforces them).
    const recipients: string[] = [];
    if (scopedOk) {
      for (const r of recipientRows) {
        try {
          const token = r.token.value === CUSTOM ? contractAddress(r.tokenCustom.value, "token") : r.token.value;
          const items = r.addresses.value.split(/[\s,;]+/).filter((x) => x !== "");
          if (items.length === 0) throw new InputError("enter at least one address, or remove this list");
          for (const raw of items) {
            let addr: string;
            try {
              addr = parseAddress(raw);
            } catch (e) {
              throw new InputError(`'${raw}': ${message(e)}`);
            }
            const item = `${token}:${addr}`;
            if (!recipients.includes(item)) recipients.push(item);
          }
          rowError(r.error, null);
        } catch (e) {
          rowError(r.error, message(e));
        }
      }
    }

    // Spending caps.
    const policies: api.PolicyInput[] = [];
    for (const g of policyGroups) {
      const pc = g.perCall.value.trim();
      const pw = g.perWindow.value.trim();
      g.perCallField.setError(null);
      g.perWindowField.setError(null);
      if (pc === "" && pw === "") continue;
      let a: bigint | null = null;
      let b: bigint | null = null;
      try {
        if (pc === "") throw new InputError("set the per-call cap too");
        a = parseUnits(pc, g.token.decimals);
        if (a <= 0n) throw new InputError("more than 0");
      } catch (e) {
        bad(g.perCallField, e);
      }
      try {
        if (pw === "") throw new InputError("set the per-window cap too");
        b = parseUnits(pw, g.token.decimals);
        if (b <= 0n) throw new InputError("more than 0");
        if (a !== null && b < a) throw new InputError("at least the per-call cap");
      } catch (e) {
        bad(g.perWindowField, e);
        b = null;
      }
      if (a !== null && b !== null) {
        policies.push({
          token: g.token.arg,
          max_per_call: a.toString(),
          max_per_window: b.toString(),
          window_seconds: Number(g.window.value),
        });
      }
    }
    return ok ? { durationSecs, maxCalls: calls, allowAnyContract: isBroad, allow, recipients, policies } : null;
  };

  const lockInputs = (locked: boolean) => {
    for (const el of controls()) {
      if (created && (el === duration || el === customHours)) el.disabled = true;
      else if (el === allowAny && !scopedOk) el.disabled = true;
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
      steps.register = { state: "running", detail: describePlan(plan, tokens) };
      renderProgress();
      setBusy(submit, "Registering…");
      try {
        const r = await api.sessionRegister({
          wallet: opts.wallet,
          session: created.session_public_key,
          maxCalls: plan.maxCalls,
          allow: plan.allow,
          allowAnyContract: plan.allowAnyContract,
          recipients: plan.recipients,
          policies: plan.policies,
          validUntil: null,
        });
        created = r.status;
        steps.register = { state: "done", detail: `tx ${shortHex(r.tx.tx_hash, 10, 6)} · fee ${describeFee(r.tx.fee, r.tx.fee_unit)}` };
      } catch (err) {
        steps.register = { state: "failed", detail: errText(err) };
        throw err;
      }
      opts.onProgress();
      finished = true;
      renderProgress();
      setBusy(submit, null);
      submit.hidden = true;
      close.textContent = "Done";
      close.disabled = false;
      close.classList.remove("btn-ghost");
      close.classList.add("btn-primary");
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
      const context = steps.register.state === "failed" ? "The session is not registered yet" : "Could not create the session";
      fail(err, context);
    } finally {
      running = false;
    }
  };

  const form = h(
    "form",
    { class: "stack", testid: "new-session-form", attrs: { novalidate: true } },
    h("div", { class: "grid-2" }, durationField.root, maxCallsField.root),
    scopeBox,
    recipientsBox,
    policyBox,
    noCaps,
    progress,
    outcome,
    h("div", { class: "actions" }, close, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (submit.disabled || finished) return;
    // On a retry, a step already done keeps what the chain saw; the rest uses the form.
    const p = readPlan();
    if (!p) return;
    plan = p;
    void run();
  });

  addScopeRow();
  updateScopeWarnings();
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

/** One entrypoint name or 0x selector, as the shell reads it. */
function oneEntrypoint(text: string): string {
  const list = parseEntrypoints(text);
  if (list.length !== 1 || list[0] === undefined) throw new InputError("enter one entrypoint name or 0x selector");
  return list[0];
}

/** A contract (or token) address a person typed, with the field named in the message. */
function contractAddress(text: string, what = "contract"): string {
  try {
    return parseAddress(text);
  } catch (e) {
    const m = e instanceof InputError ? e.message : String(e);
    throw new InputError(text.trim() === "" ? `enter the ${what} address (0x…)` : `${what}: ${m}`);
  }
}

/** The register step's detail: "1000 calls · STRK · transfer · 1 recipient · 1 cap". */
export function describePlan(p: Plan, tokens: TokenChoice[]): string {
  const name = (arg: string) => tokens.find((t) => t.arg === arg)?.symbol ?? shortHex(arg, 8, 4);
  const calls = p.allowAnyContract
    ? p.allow.length === 0
      ? "any non-admin entrypoint on any contract"
      : `${p.allow.join(", ")} on any contract`
    : p.allow
        .map((item) => {
          const [contract = "", entry = ""] = item.split(":");
          return `${name(contract)} · ${entry}`;
        })
        .join(", ");
  const parts = [`${p.maxCalls} calls`, calls];
  if (p.recipients.length) parts.push(`${p.recipients.length} allowed recipient${p.recipients.length === 1 ? "" : "s"}`);
  if (p.policies.length) parts.push(`caps on ${p.policies.map((x) => name(x.token)).join(", ")}`);
  return parts.join(" · ");
}

function sameHex(a: string, b: string): boolean {
  return normalizeHex(a) === normalizeHex(b);
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
