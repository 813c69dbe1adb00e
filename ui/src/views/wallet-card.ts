// The wallet card: address with copy, balances in token units, deployment state and account
// contract, the wallet picker, the Refresh button with the time of the last status read, and
// (Sesame v2 accounts) "Rotate owner key" with its result.

import type { RotateKeyResult, WalletView } from "../api";
import { h, replace, setBusy } from "../dom";
import { displayAmount, shortHex } from "../format";
import { reportError } from "../notices";
import { normalizeHex, store, subscribe, tokenBySymbol } from "../state";
import { describeFee } from "./describe";
import { deployPanel, type DeployPanel } from "./wallet-deploy";

export interface WalletCardActions {
  refresh(): void;
  selectWallet(address: string): void;
  addWallet(): void;
  /** Asks, then rotates the owner key; the result, or null when refused or failed. */
  rotateKey(): Promise<RotateKeyResult | null>;
  /** A wallet was deployed from its card. */
  deployed(w: WalletView): void;
}

const ACCOUNT_LABEL: Record<WalletView["account_class"], string> = {
  "sesame-v2": "Sesame v2",
  "sesame-v1": "Sesame v1",
  "chipi-v27": "CHIPI v27",
  chipi: "CHIPI",
  other: "other account",
};

/** Rotation needs our v2 contract, deployed. */
export function canRotateKey(w: WalletView | null): boolean {
  return w !== null && w.deployed && w.account_class === "sesame-v2";
}

export interface WalletCard {
  root: HTMLElement;
  tick(): void;
}

export function walletCard(actions: WalletCardActions): WalletCard {
  const address = h("code", { class: "address", testid: "wallet-address" });
  const copy = h("button", { class: "btn btn-secondary btn-small", testid: "copy-address", attrs: { type: "button" } }, "Copy");
  const badges = h("div", { class: "badges" });
  const strk = h("span", { class: "amount", testid: "balance-strk" });
  const eth = h("span", { class: "amount", testid: "balance-eth" });
  const notes = h("div", { class: "stack-tight" });
  const refresh = h("button", { class: "btn btn-secondary btn-small", testid: "refresh", attrs: { type: "button" } }, "Refresh");
  const updated = h("span", { class: "muted small", testid: "last-refresh" });
  const picker = h("select", { testid: "wallet-select", attrs: { "aria-label": "Wallet", hidden: true } });
  const add = h("button", { class: "btn btn-ghost btn-small", testid: "wallet-add", attrs: { type: "button" } }, "Add wallet");
  const rotate = h(
    "button",
    {
      class: "btn btn-danger-outline btn-small",
      testid: "rotate-key",
      id: "rotate-key",
      attrs: { type: "button", title: "Replace this wallet's owner key; every session stops working" },
    },
    "Rotate owner key",
  );
  const rotateResult = h("div", { class: "inline-success", testid: "rotate-key-result", attrs: { "aria-live": "polite" } });
  rotateResult.hidden = true;
  let rotating = false;
  /** The funding/deploy panel of the wallet shown, while it is not deployed. */
  let deploying: DeployPanel | null = null;
  let rotatedFor: string | null = null;

  copy.addEventListener("click", async () => {
    const w = store.wallet;
    if (!w) return;
    try {
      await navigator.clipboard.writeText(w.address);
      copy.textContent = "Copied ✓";
      window.setTimeout(() => (copy.textContent = "Copy"), 1500);
    } catch (err) {
      reportError(err instanceof Error ? err : new Error(String(err)), "Could not copy the address");
    }
  });
  refresh.addEventListener("click", () => actions.refresh());
  picker.addEventListener("change", () => actions.selectWallet(picker.value));
  add.addEventListener("click", () => actions.addWallet());
  rotate.addEventListener("click", async () => {
    const w = store.wallet;
    if (!w || rotating || !canRotateKey(w)) return;
    rotating = true;
    setBusy(rotate, "Rotating…");
    try {
      const r = await actions.rotateKey();
      if (r) showRotated(r);
    } finally {
      rotating = false;
      setBusy(rotate, null);
      render();
    }
  });

  const showRotated = (r: RotateKeyResult) => {
    rotatedFor = r.wallet.address;
    replace(
      rotateResult,
      h("div", { class: "result-head" }, "✓ Owner key rotated"),
      h(
        "div",
        { class: "small" },
        "Transaction ",
        h("code", { class: "hash", testid: "rotate-key-tx", attrs: { title: r.tx.tx_hash } }, shortHex(r.tx.tx_hash, 10, 6)),
        ` · fee ${describeFee(r.tx.fee, r.tx.fee_unit)} · `,
        h(
          "span",
          { testid: "rotate-key-sessions" },
          `${r.sessions_ended} session${r.sessions_ended === 1 ? "" : "s"} ended`,
        ),
        ". Make a new backup: older backups hold the old key.",
      ),
    );
    rotateResult.hidden = false;
  };

  const render = () => {
    const w = store.wallet;
    const strkToken = tokenBySymbol("STRK");
    const ethToken = tokenBySymbol("ETH");
    copy.disabled = !w;
    if (!w) {
      address.textContent = "—";
      strk.textContent = "—";
      eth.textContent = "—";
      replace(badges);
      replace(notes);
      rotate.hidden = true;
      rotateResult.hidden = true;
      return;
    }
    rotate.hidden = !canRotateKey(w);
    rotate.disabled = rotating;
    // A result is about one wallet: another one hides it.
    if (rotatedFor !== null && normalizeHex(rotatedFor) !== normalizeHex(w.address)) {
      rotatedFor = null;
      rotateResult.hidden = true;
    }
    address.textContent = w.address;
    address.title = w.address;
    strk.textContent = displayAmount(w.strk_balance, strkToken?.decimals ?? 18);
    strk.dataset["raw"] = w.strk_balance;
    eth.textContent = displayAmount(w.eth_balance, ethToken?.decimals ?? 18);
    eth.dataset["raw"] = w.eth_balance;
    replace(
      badges,
      h(
        "span",
        { class: w.deployed ? "badge badge-ok" : "badge badge-warn", testid: "wallet-deployed" },
        w.deployed ? "deployed" : "not deployed",
      ),
      w.supports_sessions ? h("span", { class: "badge badge-neutral" }, "session keys") : null,
      w.deployed
        ? h(
            "span",
            {
              class: "badge badge-neutral",
              testid: "wallet-account-class",
              attrs: {
                "data-class": w.account_class,
                title: w.session_limits,
              },
            },
            ACCOUNT_LABEL[w.account_class] ?? w.account_class,
          )
        : null,
    );
    // Not deployed: the in-app flow (fund, then Deploy) instead of the CLI's next step.
    if (deploying && (w.deployed || normalizeHex(deploying.address) !== normalizeHex(w.address))) {
      deploying.dispose();
      deploying = null;
    }
    if (!w.deployed && !deploying) deploying = deployPanel(w.address, (d) => actions.deployed(d));
    replace(
      notes,
      deploying ? deploying.root : w.next_step ? h("div", { class: "inline-warning", testid: "wallet-next-step" }, w.next_step) : null,
      w.deployed && w.supports_sessions && !w.scoped_sessions
        ? h("div", { class: "inline-warning small", testid: "wallet-session-limits" }, w.session_limits)
        : null,
      w.deployed && !w.supports_sessions
        ? h(
            "div",
            { class: "inline-warning", testid: "wallet-no-sessions" },
            "This account does not support session keys, so it cannot create sessions.",
          )
        : null,
    );
    const many = store.wallets.length > 1;
    picker.hidden = !many;
    if (many) {
      replace(
        picker,
        store.wallets.map((x) =>
          h("option", { attrs: { value: x.address, selected: x.address === w.address } }, shortHex(x.address, 8, 6)),
        ),
      );
    }
  };

  const renderBusy = () => {
    setBusy(refresh, store.refreshing ? "Refreshing…" : null);
    tick();
  };

  const tick = () => {
    if (store.lastRefresh === null) {
      updated.textContent = store.refreshing ? "Reading the status…" : "Status not read yet · refreshes every 30 s";
      return;
    }
    const secs = Math.max(0, Math.round((Date.now() - store.lastRefresh) / 1000));
    const ago = secs < 5 ? "just now" : secs < 120 ? `${secs} s ago` : `${Math.round(secs / 60)} min ago`;
    updated.textContent = `Status read ${ago} · refreshes every 30 s`;
  };

  subscribe("wallet", render);
  subscribe("refreshing", renderBusy);
  render();
  renderBusy();

  const root = h(
    "section",
    { class: "card wallet-card", testid: "wallet-card" },
    h(
      "div",
      { class: "card-head" },
      h("h2", { class: "card-title" }, "Wallet"),
      badges,
      h("div", { class: "spacer" }),
      picker,
      refresh,
    ),
    h("div", { class: "address-row" }, address, copy),
    h(
      "div",
      { class: "balances" },
      h("div", { class: "balance" }, h("div", { class: "balance-label" }, "STRK"), h("div", null, strk, h("span", { class: "unit" }, " STRK"))),
      h("div", { class: "balance" }, h("div", { class: "balance-label" }, "ETH"), h("div", null, eth, h("span", { class: "unit" }, " ETH"))),
    ),
    notes,
    rotateResult,
    h("div", { class: "wallet-tools" }, updated, h("div", { class: "spacer" }), rotate, add),
  );
  return { root, tick };
}
