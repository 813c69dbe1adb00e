// The session list: one entry per session key with its state badge, calls left, a live
// countdown to expiry, what it may call (its scope, or "Broad": its entrypoints on any
// contract), its allowed recipients, its STRK spending policy and its actions.

import type { SessionStatus } from "../api";
import { h, replace } from "../dom";
import { formatCountdown, formatDateTime, shortHex } from "../format";
import { chainNow, store, subscribe } from "../state";
import { BROAD_HELP, describeEntrypoints, describePolicy, describeRecipients, describeScopeEntry, stateBadge } from "./describe";

export interface SessionActions {
  send(s: SessionStatus): void;
  revoke(s: SessionStatus): void;
  register(s: SessionStatus): void;
  /** A countdown of a live session reached zero: re-read the status. */
  expired(): void;
}

export interface SessionList {
  root: HTMLElement;
  /** Updates the countdowns (called every second). */
  tick(): void;
}

export function sessionList(actions: SessionActions): SessionList {
  const list = h("ul", { class: "session-list", testid: "session-list", attrs: { "aria-label": "Sessions" } });
  const countdowns: { el: HTMLElement; s: SessionStatus }[] = [];
  const expiredSeen = new Set<string>();

  const render = () => {
    countdowns.length = 0;
    const sessions = store.sessions;
    list.dataset["loaded"] = String(sessions !== null);
    if (sessions === null) {
      replace(
        list,
        h(
          "li",
          { class: "empty", testid: "session-loading" },
          store.refreshing ? "Loading status…" : "The status could not be read. Press Refresh to try again.",
        ),
      );
      return;
    }
    if (sessions.length === 0) {
      replace(
        list,
        h(
          "li",
          { class: "empty", testid: "session-empty" },
          "No sessions yet. A session key lets Sesame send for you, gasless, within the limits you set.",
        ),
      );
      return;
    }
    // Newest first (the backend lists newest last).
    replace(list, [...sessions].reverse().map((s) => item(s)));
    tick();
  };

  const item = (s: SessionStatus): HTMLElement => {
    const key = s.session_public_key;
    const countdown = h("span", { class: "countdown", testid: "session-countdown" });
    countdowns.push({ el: countdown, s });

    const revoking = store.revoking.has(key) || store.revokingAll;
    const canRevoke = s.state === "active" || s.state === "created" || s.state === "expired";
    const sendBtn = h(
      "button",
      {
        class: s.state === "active" ? "btn btn-primary btn-small" : "btn btn-secondary btn-small",
        testid: "session-send",
        attrs: { type: "button", disabled: s.state === "none" || revoking },
        on: { click: () => actions.send(s) },
      },
      "Send",
    );
    const revokeBtn = h(
      "button",
      {
        class: "btn btn-danger-outline btn-small",
        testid: "session-revoke",
        attrs: {
          type: "button",
          disabled: !canRevoke || revoking,
          "aria-busy": revoking ? "true" : null,
          title: canRevoke ? "Revoke this session on-chain" : `This session is ${s.state}`,
        },
        on: { click: () => actions.revoke(s) },
      },
      store.revoking.has(key) ? "Revoking…" : "Revoke",
    );
    const registerBtn =
      s.state === "created"
        ? h(
            "button",
            {
              class: "btn btn-primary btn-small",
              testid: "session-register",
              attrs: { type: "button", disabled: revoking },
              on: { click: () => actions.register(s) },
            },
            "Register…",
          )
        : null;

    return h(
      "li",
      {
        class: `session-item state-${s.state}`,
        testid: "session-item",
        attrs: { "data-session": key, "data-state": s.state },
      },
      h(
        "div",
        { class: "session-head" },
        stateBadge(s.state, "session-state"),
        s.broad
          ? h("span", { class: "badge badge-broad", testid: "session-broad", attrs: { title: BROAD_HELP } }, "Broad")
          : null,
        h(
          "code",
          { class: "session-key", testid: "session-key", attrs: { title: key } },
          shortHex(key, 10, 6),
        ),
        h("div", { class: "session-actions" }, registerBtn, sendBtn, revokeBtn),
      ),
      h(
        "dl",
        { class: "facts" },
        fact(
          "Expires",
          countdown,
          h("span", { class: "muted small" }, s.valid_until ? formatDateTime(s.valid_until) : ""),
        ),
        fact("Calls left", h("span", { testid: "session-remaining", class: "num" }, String(s.remaining_calls))),
        fact("Allowed", allowedText(s)),
        recipientsFact(s),
        fact("Spending limit", policyText(s)),
      ),
    );
  };

  const tick = () => {
    const now = chainNow();
    for (const { el, s } of countdowns) {
      if (s.state === "revoked" || s.state === "none") {
        el.textContent = "—";
        el.dataset["seconds"] = "0";
        continue;
      }
      const left = Math.floor(s.valid_until - now);
      el.textContent = left > 0 ? `in ${formatCountdown(left)}` : "expired";
      el.dataset["seconds"] = String(Math.max(0, left));
      el.classList.toggle("soon", left > 0 && left <= 600);
      el.classList.toggle("over", left <= 0);
      if (left <= 0 && s.state === "active" && !expiredSeen.has(s.session_public_key)) {
        expiredSeen.add(s.session_public_key);
        actions.expired();
      }
    }
  };

  subscribe("sessions", render);
  subscribe("busy", render);
  subscribe("refreshing", () => {
    if (store.sessions === null) render();
  });
  render();
  return { root: list, tick };
}

const WIDE = new Set(["Allowed", "Recipients", "Spending limit"]);

function fact(label: string, ...value: (Node | string)[]): HTMLElement {
  return h("div", { class: WIDE.has(label) ? "fact fact-wide" : "fact" }, h("dt", null, label), h("dd", null, ...value));
}

/** A scoped session's exact calls; else its entrypoints, and for a broad one what that means. */
function allowedText(s: SessionStatus): HTMLElement {
  if (s.scope.length > 0) {
    return h(
      "span",
      { testid: "session-entrypoints" },
      h(
        "span",
        { class: "scope-list", testid: "session-scope" },
        s.scope.flatMap((e, i) => [
          i > 0 ? ", " : null,
          h("span", { class: "scope-item", testid: "session-scope-item", attrs: { title: `${e.contract} · ${e.selector}` } }, describeScopeEntry(e)),
        ]),
      ),
    );
  }
  if (!s.broad) return h("span", { testid: "session-entrypoints" }, describeEntrypoints(s));
  return h(
    "span",
    { testid: "session-entrypoints" },
    `${describeEntrypoints(s)} · on any contract`,
    h("span", { class: "broad-note", testid: "session-broad-note" }, BROAD_HELP),
  );
}

/** "STRK to 0x3a1b2c…e7f8 only"; "any address" for a live session without a list. */
function recipientsFact(s: SessionStatus): HTMLElement | null {
  if (s.recipients.length > 0) {
    return fact("Recipients", h("span", { testid: "session-recipients" }, s.recipients.map(describeRecipients).join("; ")));
  }
  if (s.state !== "active" && s.state !== "expired") return null;
  return fact("Recipients", h("span", { testid: "session-recipients", class: "muted" }, "any address"));
}

function policyText(s: SessionStatus): HTMLElement {
  const el = h("span", { testid: "session-policy" });
  const p = store.policies.get(s.session_public_key);
  if (s.state !== "active" && !p) {
    el.textContent = "—";
    return el;
  }
  if (!p) {
    el.textContent = store.refreshing ? "loading…" : "—";
    return el;
  }
  if (p.kind === "error") {
    el.textContent = `could not read (${p.code})`;
    el.title = p.message;
    el.classList.add("text-error");
    return el;
  }
  el.textContent = describePolicy(p.policy) ?? "no STRK limit";
  return el;
}
