// A new wallet off devnet: its address to fund, the STRK the deployment needs (the node's fee
// estimate with a margin, in STRK units), the balance read every few seconds until it is
// enough, then "Deploy" (the wallet pays its own deployment fee from that funding).

import * as api from "../api";
import { h, setBusy } from "../dom";
import { displayAmount, toBigInt } from "../format";
import { fail } from "../nav";
import { notify } from "../notices";

/** How often the balance is read while waiting for the funding. */
export const FUNDING_POLL_MS = 5_000;

export interface DeployPanel {
  root: HTMLElement;
  address: string;
  dispose(): void;
}

/** "0.0036 STRK" from fri. */
function strk(fri: string): string {
  return `${displayAmount(fri, 18)} STRK`;
}

export function deployPanel(address: string, onDeployed: (w: api.WalletView) => void): DeployPanel {
  const required = h("strong", { testid: "deploy-required", class: "num" }, "…");
  const balance = h("span", { testid: "deploy-balance", class: "num" }, "…");
  const status = h("div", { class: "small", testid: "deploy-status", attrs: { "aria-live": "polite" } }, "Estimating the deployment fee…");
  const deploy = h("button", { class: "btn btn-primary btn-small", testid: "deploy-button", attrs: { type: "button", disabled: true } }, "Deploy wallet");
  const check = h("button", { class: "btn btn-secondary btn-small", testid: "deploy-check", attrs: { type: "button" } }, "Check balance");
  let timer: number | null = null;
  let busy = false;
  let gone = false;

  const read = async () => {
    if (busy || gone) return;
    try {
      const f = await api.walletFunding(address);
      if (gone) return;
      required.textContent = strk(f.required);
      balance.textContent = strk(f.balance);
      deploy.disabled = !f.funded || f.deployed;
      root.dataset["funded"] = String(f.funded);
      const missing = (toBigInt(f.required) ?? 0n) - (toBigInt(f.balance) ?? 0n);
      status.textContent = f.funded
        ? "Funded: the wallet can pay its deployment. Deploy it to start using sessions."
        : `Waiting for ${strk(missing.toString())} more; the balance is read every ${FUNDING_POLL_MS / 1000} s.`;
    } catch (err) {
      fail(err, "Could not read the wallet's funding");
      stop();
    }
  };
  const stop = () => {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  };

  check.addEventListener("click", () => void read());
  deploy.addEventListener("click", async () => {
    if (busy) return;
    busy = true;
    stop();
    setBusy(deploy, "Deploying…");
    check.disabled = true;
    status.textContent = "Sending the deployment and waiting for it to be included…";
    try {
      const w = await api.walletDeploy(address);
      notify("Wallet deployed: you can create sessions now.");
      onDeployed(w);
    } catch (err) {
      fail(err, "Could not deploy the wallet");
      timer = window.setInterval(() => void read(), FUNDING_POLL_MS);
    } finally {
      busy = false;
      setBusy(deploy, null);
      check.disabled = false;
      void read();
    }
  });

  const root = h(
    "div",
    { class: "inline-warning stack-tight", testid: "deploy-card", attrs: { "data-address": address } },
    h("div", { class: "result-head" }, "Fund this wallet, then deploy it"),
    h(
      "div",
      { class: "small" },
      "Send at least ",
      required,
      " to ",
      h("code", { testid: "deploy-address", class: "hash" }, address),
      " (the deployment fee with a margin; what is not spent stays in the wallet).",
    ),
    h("div", { class: "small" }, "Balance now: ", balance),
    status,
    h("div", { class: "actions" }, check, deploy),
  );
  void read();
  timer = window.setInterval(() => void read(), FUNDING_POLL_MS);
  return {
    root,
    address,
    dispose: () => {
      gone = true;
      stop();
    },
  };
}
