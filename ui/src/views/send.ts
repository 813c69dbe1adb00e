// Send with a session, gasless: token, recipient, amount (token units, exact), a preview
// (preflight result, balance change, who pays the fee), then Confirm.

import * as api from "../api";
import { field, h, replace, setBusy } from "../dom";
import { displayAmount, formatUnits, InputError, parseAddress, parseUnits, sentence, shortHex, toBigInt } from "../format";
import { fail } from "../nav";
import { balanceOf, normalizeHex, store } from "../state";
import { describeFee, stateBadge } from "./describe";

/** starknet_keccak("transfer"), as normalizeHex writes it. */
const TRANSFER_SELECTOR = "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e";

export interface SendOptions {
  session: api.SessionStatus;
  onSent: () => void;
  onClose: () => void;
}

export interface SendPanel {
  root: HTMLElement;
  /** A preview or a send is running (the panel must not be replaced). */
  busy(): boolean;
  /** The wallet's balances changed: redraw the balance line. */
  walletChanged(): void;
  /** The session's status was read again: redraw its badge. */
  sessionChanged(s: api.SessionStatus): void;
}

export function sendPanel(opts: SendOptions): SendPanel {
  const s = opts.session;
  const tokens = store.tokens;

  const token = h(
    "select",
    { testid: "send-token" },
    tokens.map((t) => h("option", { attrs: { value: t.address } }, t.symbol)),
  );
  // A scoped session may transfer only the tokens in its scope: start with the first of them.
  const inScope = s.scope.find(
    (e) => (e.entrypoint === "transfer" || normalizeHex(e.selector) === TRANSFER_SELECTOR) && tokens.some((t) => normalizeHex(t.address) === normalizeHex(e.contract)),
  );
  const preselected = inScope ? tokens.find((t) => normalizeHex(t.address) === normalizeHex(inScope.contract)) : undefined;
  if (preselected) token.value = preselected.address;
  const balance = h("div", { class: "field-hint", testid: "send-balance" });
  const tokenField = field("Token", token);

  const recipient = h("input", {
    testid: "send-recipient",
    attrs: { type: "text", placeholder: "0x…", autocomplete: "off", spellcheck: "false", autocapitalize: "off" },
  });
  // The address book (saved, then recent recipients of this network) fills the recipient.
  const book = h("select", { testid: "send-address-book", attrs: { "aria-label": "Address book" } });
  book.hidden = true;
  const recipientField = field("Recipient", recipient, { errorTestid: "send-recipient-error", extra: book });
  const renderBook = (entries: api.AddressEntry[]) => {
    replace(
      book,
      h("option", { attrs: { value: "" } }, "Address book…"),
      entries.map((e) =>
        h("option", { attrs: { value: e.address } }, `${e.label ?? "recent"} · ${shortHex(e.address, 8, 4)}`),
      ),
    );
    book.hidden = entries.length === 0;
  };
  api.addressBook().then(renderBook, () => renderBook([]));

  const amount = h("input", {
    testid: "send-amount",
    attrs: { type: "text", inputmode: "decimal", placeholder: "0.0", autocomplete: "off" },
  });
  const max = h("button", { class: "btn btn-secondary btn-small", testid: "send-max", attrs: { type: "button" } }, "Max");
  const symbol = h("span", { class: "muted" });
  const amountField = field("Amount", amount, {
    extra: h("span", { class: "inline-input" }, symbol, max),
    errorTestid: "send-amount-error",
  });
  amountField.root.insertBefore(balance, amountField.error);

  const previewBtn = h("button", { class: "btn btn-secondary", testid: "send-preview", attrs: { type: "submit" } }, "Preview");
  const confirmBtn = h(
    "button",
    { class: "btn btn-primary", testid: "send-confirm", attrs: { type: "button", disabled: true } },
    "Confirm and send",
  );
  const closeBtn = h(
    "button",
    { class: "btn btn-ghost", testid: "send-close", attrs: { type: "button" }, on: { click: () => opts.onClose() } },
    "Close",
  );
  const previewBox = h("div", { class: "preview", testid: "send-preview-result", attrs: { "aria-live": "polite" } });
  previewBox.hidden = true;
  const resultBox = h("div", { class: "result", testid: "send-result", attrs: { "aria-live": "polite" } });
  resultBox.hidden = true;

  let preview: { key: string; req: api.SendRequest; result: api.SendPreview } | null = null;
  let busy = false;

  const currentToken = () => tokens.find((t) => t.address === token.value) ?? tokens[0];
  const currentBalance = (): bigint | null => {
    const t = currentToken();
    const w = store.wallet;
    return t && w ? toBigInt(balanceOf(w, t)) : null;
  };

  const renderToken = () => {
    const t = currentToken();
    const b = currentBalance();
    symbol.textContent = t?.symbol ?? "";
    balance.textContent = t && b !== null ? `Balance: ${formatUnits(b, t.decimals)} ${t.symbol}` : "Balance unknown";
  };

  /** The request the form describes, or null (with the field errors shown). */
  const readRequest = (): api.SendRequest | null => {
    const t = currentToken();
    const w = store.wallet;
    let ok = true;
    let to = "";
    try {
      to = parseAddress(recipient.value);
      if (w && normalizeHex(to) === normalizeHex(w.address)) {
        throw new InputError("this is the sending wallet itself");
      }
      recipientField.setError(null);
    } catch (e) {
      ok = false;
      recipientField.setError(e instanceof InputError ? e.message : String(e));
    }
    let value = 0n;
    try {
      if (!t) throw new InputError("no token is available on this network");
      value = parseUnits(amount.value, t.decimals);
      if (value <= 0n) throw new InputError("enter more than 0");
      const b = currentBalance();
      if (b !== null && value > b) {
        throw new InputError(`more than the balance (${formatUnits(b, t.decimals)} ${t.symbol})`);
      }
      amountField.setError(null);
    } catch (e) {
      ok = false;
      amountField.setError(e instanceof InputError ? e.message : String(e));
    }
    if (!ok || !t || !w) return null;
    return { wallet: w.address, session: s.session_public_key, token: t.address, recipient: to, amount: value.toString() };
  };

  const keyOf = (r: api.SendRequest) => `${r.token}|${r.recipient}|${r.amount}`;

  const invalidatePreview = () => {
    if (busy) return;
    preview = null;
    previewBox.hidden = true;
    confirmBtn.disabled = true;
  };

  const renderPreview = (req: api.SendRequest, p: api.SendPreview) => {
    const t = currentToken();
    const decimals = t?.decimals ?? 18;
    const sym = t?.symbol ?? "";
    // Who carries and pays for the send, as chosen in Settings (the shell words it).
    const payer = p.fee_payer;
    previewBox.dataset["ok"] = String(p.ok);
    previewBox.className = p.ok ? "preview preview-ok" : "preview preview-refused";
    replace(
      previewBox,
      p.ok
        ? h("div", { class: "preview-head" }, "✓ Preflight passed: the session's rules allow this transfer.")
        : h(
            "div",
            { class: "stack-tight" },
            h("div", { class: "preview-head" }, "✗ The account would refuse this transfer"),
            h(
              "div",
              { class: "preview-reason", testid: "send-refusal" },
              sentence(p.error?.message ?? "the session cannot make this call"),
              p.error ? h("code", { class: "code-chip" }, p.error.code) : null,
            ),
          ),
      h(
        "dl",
        { class: "facts" },
        fact("Sending", `${displayAmount(req.amount, decimals)} ${sym} to `, h("code", { attrs: { title: req.recipient } }, shortHex(req.recipient, 10, 6))),
        fact(
          "Balance",
          h(
            "span",
            { testid: "send-balance-change" },
            `${displayAmount(p.balance_before, decimals)} → ${displayAmount(p.balance_after, decimals)} ${sym}`,
          ),
        ),
        fact("Who pays", h("span", { testid: "send-fee-payer" }, payer)),
        fact("Calls left after", h("span", { testid: "send-calls-after", class: "num" }, String(p.remaining_calls_after))),
      ),
    );
    previewBox.hidden = false;
  };

  const form = h(
    "form",
    { class: "stack", testid: "send-form", attrs: { novalidate: true } },
    h("div", { class: "grid-send" }, tokenField.root, recipientField.root),
    amountField.root,
    previewBox,
    resultBox,
    h("div", { class: "actions" }, closeBtn, previewBtn, confirmBtn),
  );

  const setInputsDisabled = (d: boolean) => {
    for (const el of [token, recipient, amount, max, book] as (HTMLInputElement | HTMLSelectElement | HTMLButtonElement)[]) {
      el.disabled = d;
    }
  };

  token.addEventListener("change", () => {
    renderToken();
    invalidatePreview();
  });
  recipient.addEventListener("input", invalidatePreview);
  book.addEventListener("change", () => {
    if (book.value === "") return;
    recipient.value = book.value;
    book.value = "";
    recipientField.setError(null);
    invalidatePreview();
  });
  amount.addEventListener("input", invalidatePreview);
  max.addEventListener("click", () => {
    const t = currentToken();
    const b = currentBalance();
    if (!t || b === null) return;
    amount.value = formatUnits(b, t.decimals);
    amountField.setError(null);
    invalidatePreview();
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    const req = readRequest();
    if (!req) return;
    busy = true;
    resultBox.hidden = true;
    setBusy(previewBtn, "Checking…");
    confirmBtn.disabled = true;
    setInputsDisabled(true);
    try {
      const result = await api.sendPreview(req);
      preview = { key: keyOf(req), req, result };
      renderPreview(req, result);
    } catch (err) {
      preview = null;
      previewBox.hidden = true;
      fail(err, "Could not preview the transfer");
    } finally {
      busy = false;
      setBusy(previewBtn, null);
      setInputsDisabled(false);
      confirmBtn.disabled = !(preview && preview.result.ok);
    }
  });

  confirmBtn.addEventListener("click", async () => {
    if (busy || !preview || !preview.result.ok) return;
    // The form must still say exactly what was previewed.
    const req = readRequest();
    if (!req || keyOf(req) !== preview.key) {
      invalidatePreview();
      return;
    }
    busy = true;
    setBusy(confirmBtn, "Sending…");
    previewBtn.disabled = true;
    closeBtn.disabled = true;
    setInputsDisabled(true);
    try {
      const out = await api.send(req);
      renderResult(out, req);
      preview = null;
      previewBox.hidden = true;
      amount.value = "";
      opts.onSent();
    } catch (err) {
      fail(err, "The transfer was not sent");
    } finally {
      busy = false;
      setBusy(confirmBtn, null);
      confirmBtn.disabled = true;
      previewBtn.disabled = false;
      closeBtn.disabled = false;
      setInputsDisabled(false);
    }
  });

  const renderResult = (out: api.ExecOutcome, req: api.SendRequest) => {
    const t = currentToken();
    replace(
      resultBox,
      h("div", { class: "result-head" }, `✓ Sent ${displayAmount(req.amount, t?.decimals ?? 18)} ${t?.symbol ?? ""}`),
      h(
        "dl",
        { class: "facts" },
        fact(
          "Transaction",
          h("code", { testid: "tx-hash", class: "hash" }, out.tx_hash),
          out.explorer_url
            ? h(
                "a",
                {
                  testid: "explorer-link",
                  class: "ext-link",
                  attrs: { href: out.explorer_url, target: "_blank", rel: "noopener noreferrer" },
                },
                "View in explorer ↗",
              )
            : null,
        ),
        fact(
          "Fee",
          `${describeFee(out.fee, out.fee_unit)}, paid by ${describePayer(out.paid_by)}` +
            (out.mode && out.mode !== out.paid_by ? ` (${out.mode})` : ""),
        ),
        fact("Calls left", h("span", { testid: "send-remaining", class: "num" }, String(out.remaining_calls))),
      ),
    );
    resultBox.hidden = false;
  };

  renderToken();
  window.setTimeout(() => recipient.focus({ preventScroll: true }), 0);

  const badgeSlot = h("span", null, stateBadge(s.state, "send-session-state"));
  const warning = h("div", { class: "inline-warning small", testid: "send-session-warning" });
  const renderSessionState = (st: api.SessionStatus) => {
    replace(badgeSlot, stateBadge(st.state, "send-session-state"));
    warning.textContent =
      st.state === "active" ? "" : `This session is ${st.state}; the preview will show whether the account accepts it.`;
    warning.hidden = st.state === "active";
  };
  renderSessionState(s);

  const root = h(
    "section",
    { class: "card panel", testid: "send-panel", attrs: { "data-session": s.session_public_key } },
    h(
      "div",
      { class: "card-head" },
      h("h2", { class: "card-title" }, "Send"),
      h(
        "span",
        { class: "muted small" },
        "with session ",
        h("code", { attrs: { title: s.session_public_key } }, shortHex(s.session_public_key, 10, 6)),
        " ",
        badgeSlot,
      ),
    ),
    warning,
    form,
  );
  return { root, busy: () => busy, walletChanged: renderToken, sessionChanged: renderSessionState };
}

function fact(label: string, ...value: (Node | string | null)[]): HTMLElement {
  return h("div", { class: "fact" }, h("dt", null, label), h("dd", null, ...value));
}

/** "the relayer", or a short address when the backend names an account. */
function describePayer(payer: string): string {
  if (/^0x[0-9a-fA-F]+$/.test(payer)) return `account ${shortHex(payer, 8, 4)}`;
  return payer === "relayer" || payer === "paymaster" ? `the ${payer}` : payer;
}
