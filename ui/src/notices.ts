// The notice area under the header: errors (stay until dismissed), warnings (session expiry)
// and short confirmations. Nothing the backend refuses is ever dropped silently.

import { ApiError } from "./api";
import { h } from "./dom";
import { sentence } from "./format";

let area: HTMLElement | null = null;

/** Where notices are shown; the app mounts it once under the header. */
export function noticeArea(): HTMLElement {
  if (!area) {
    area = h("div", { class: "notices", attrs: { "aria-live": "assertive" } });
  }
  return area;
}

function codeAndMessage(err: unknown): { code: string; message: string } {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: "UI_ERROR", message: err.message };
  return { code: "UI_ERROR", message: String(err) };
}

/** Shows an error with its human message and code until the person dismisses it. */
export function reportError(err: unknown, context?: string): void {
  const { code, message } = codeAndMessage(err);
  const root = noticeArea();
  const key = `${context ?? ""}|${code}|${message}`;
  const existing = Array.from(root.querySelectorAll<HTMLElement>('[data-testid="error-banner"]')).find(
    (el) => el.dataset["key"] === key,
  );
  if (existing) {
    const count = Number(existing.dataset["count"] ?? "1") + 1;
    existing.dataset["count"] = String(count);
    const badge = existing.querySelector<HTMLElement>(".notice-count");
    if (badge) {
      badge.textContent = `×${count}`;
      badge.hidden = false;
    }
    return;
  }
  const banner = h(
    "div",
    {
      class: "notice notice-error",
      testid: "error-banner",
      attrs: { role: "alert", "data-code": code, "data-key": key, "data-count": 1 },
    },
    h(
      "div",
      { class: "notice-body" },
      context ? h("div", { class: "notice-title" }, context) : null,
      h("div", { class: context ? "notice-text" : "notice-title", testid: "error-message" }, sentence(message)),
      h("div", { class: "notice-meta" }, "Code ", h("code", { testid: "error-code" }, code)),
    ),
    h("span", { class: "notice-count", attrs: { hidden: true } }),
    h(
      "button",
      {
        class: "btn btn-ghost btn-small",
        testid: "error-dismiss",
        attrs: { type: "button", "aria-label": "Dismiss error" },
        on: { click: () => banner.remove() },
      },
      "Dismiss",
    ),
  );
  root.appendChild(banner);
  banner.scrollIntoView({ block: "nearest" });
}

/** A short confirmation that fades after a while (it can be dismissed earlier). */
export function notify(message: string, link?: { href: string; label: string }): void {
  const banner = h(
    "div",
    { class: "notice notice-info", testid: "notice", attrs: { role: "status" } },
    h(
      "div",
      { class: "notice-body" },
      h("div", { class: "notice-title" }, message),
      link
        ? h(
            "div",
            { class: "notice-meta" },
            h("a", { testid: "notice-link", attrs: { href: link.href, target: "_blank", rel: "noopener noreferrer" } }, link.label),
          )
        : null,
    ),
    h(
      "button",
      {
        class: "btn btn-ghost btn-small",
        testid: "notice-dismiss",
        attrs: { type: "button", "aria-label": "Dismiss" },
        on: { click: () => banner.remove() },
      },
      "Dismiss",
    ),
  );
  noticeArea().appendChild(banner);
  window.setTimeout(() => banner.remove(), 12_000);
}

/** A warning that a session expires soon; one per session, until dismissed. */
export function warnExpiring(session: string, text: string): void {
  const root = noticeArea();
  const existing = Array.from(root.querySelectorAll<HTMLElement>('[data-testid="expiry-banner"]')).find(
    (el) => el.dataset["session"] === session,
  );
  if (existing) {
    const title = existing.querySelector(".notice-title");
    if (title) title.textContent = text;
    return;
  }
  const banner = h(
    "div",
    {
      class: "notice notice-warning",
      testid: "expiry-banner",
      attrs: { role: "status", "data-session": session },
    },
    h("div", { class: "notice-body" }, h("div", { class: "notice-title" }, text)),
    h(
      "button",
      {
        class: "btn btn-ghost btn-small",
        testid: "expiry-dismiss",
        attrs: { type: "button", "aria-label": "Dismiss warning" },
        on: { click: () => banner.remove() },
      },
      "Dismiss",
    ),
  );
  root.appendChild(banner);
}

/** Removes everything (on lock: nothing about the wallet stays on screen). */
export function clearNotices(): void {
  noticeArea().replaceChildren();
}
