// Activity history of the current wallet, newest first, filterable per session.

import type { ActivityEntry, SessionStatus } from "../api";
import { h, replace } from "../dom";
import { formatDateTime, formatRelative, shortHex } from "../format";
import { nowSecs, normalizeHex, store, subscribe } from "../state";

const KIND_LABEL: Record<string, string> = {
  create: "Created",
  register: "Registered",
  send: "Sent",
  revoke: "Revoked",
  policy: "Limit set",
  rotate: "Key rotated",
};

/** What one activity row shows, as text (the DOM is built from this). */
export interface ActivityRow {
  kind: string;
  label: string;
  summary: string;
  /** "5 min ago", and the full local date and time for the tooltip. */
  when: string;
  whenTitle: string;
  /** The full session key, or null for a wallet-wide entry (wallet created, revoke all). */
  session: string | null;
  /** Whom the entry is about: its session, or the whole wallet; `short` is shown, `full` on hover. */
  subject: { what: "session" | "wallet"; short: string; full: string };
  tx: { hash: string; short: string; url: string | null } | null;
}

export function activityRow(a: ActivityEntry, now: number): ActivityRow {
  const session = a.session ?? null;
  return {
    kind: a.kind,
    label: KIND_LABEL[a.kind] ?? a.kind,
    summary: a.summary,
    when: formatRelative(a.at, now),
    whenTitle: formatDateTime(a.at),
    session,
    subject:
      session !== null
        ? { what: "session", short: shortHex(session, 8, 4), full: session }
        : { what: "wallet", short: shortHex(a.wallet, 8, 4), full: a.wallet },
    tx: a.tx_hash ? { hash: a.tx_hash, short: shortHex(a.tx_hash, 8, 4), url: a.explorer_url ?? null } : null,
  };
}

/** The sessions the filter offers: normalized key → full key, from the session list and the activity. */
export function activitySessions(
  sessions: readonly SessionStatus[] | null,
  activity: readonly ActivityEntry[] | null,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sessions ?? []) out.set(normalizeHex(s.session_public_key), s.session_public_key);
  for (const a of activity ?? []) {
    if (a.session === undefined) continue;
    const k = normalizeHex(a.session);
    if (!out.has(k)) out.set(k, a.session);
  }
  return out;
}

/** The entries of one session (`selected` is a normalized key; "" = all, wallet-wide entries included). */
export function filterActivity(all: readonly ActivityEntry[], selected: string): ActivityEntry[] {
  if (selected === "") return [...all];
  return all.filter((a) => a.session !== undefined && normalizeHex(a.session) === selected);
}

export interface ActivityCardActions {
  /** Reads the activity again (after a failed load). */
  retry(): void;
}

export function activityCard(actions: ActivityCardActions): HTMLElement {
  const filter = h(
    "select",
    { testid: "activity-filter", attrs: { "aria-label": "Filter by session" } },
  );
  const list = h("ol", { class: "activity-list", testid: "activity-list" });
  let selected = "";

  const renderFilter = () => {
    const sessions = activitySessions(store.sessions, store.activity);
    if (selected && !sessions.has(selected)) selected = "";
    replace(
      filter,
      h("option", { attrs: { value: "", selected: selected === "" } }, "All sessions"),
      Array.from(sessions.entries()).map(([k, full]) =>
        h("option", { attrs: { value: k, selected: selected === k } }, `Session ${shortHex(full, 8, 4)}`),
      ),
    );
  };

  const render = () => {
    renderFilter();
    const all = store.activity;
    list.dataset["loaded"] = String(all !== null);
    if (all === null) {
      if (store.refreshing) {
        replace(list, h("li", { class: "empty", testid: "activity-loading" }, "Loading activity…"));
        return;
      }
      // Nothing is loading and nothing was read: the last load failed (its error is shown above).
      replace(
        list,
        h(
          "li",
          { class: "empty", testid: "activity-error" },
          "The activity could not be read. ",
          h(
            "button",
            { class: "btn btn-secondary btn-small", testid: "activity-retry", attrs: { type: "button" }, on: { click: () => actions.retry() } },
            "Try again",
          ),
        ),
      );
      return;
    }
    const shown = filterActivity(all, selected);
    if (shown.length === 0) {
      replace(list, h("li", { class: "empty", testid: "activity-empty" }, selected ? "Nothing for this session yet." : "No activity yet."));
      return;
    }
    const now = nowSecs();
    replace(list, shown.map((a) => entry(a, now)));
  };

  filter.addEventListener("change", () => {
    selected = filter.value;
    render();
  });
  subscribe("activity", render);
  subscribe("sessions", renderFilter);
  subscribe("refreshing", () => {
    if (store.activity === null) render();
  });
  render();

  return h(
    "section",
    { class: "card", testid: "activity" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Activity"), filter),
    list,
  );
}

/** One activity row as a list item. */
export function entry(a: ActivityEntry, now: number): HTMLElement {
  const r = activityRow(a, now);
  return h(
    "li",
    { class: "activity-item", testid: "activity-item", attrs: { "data-kind": r.kind, "data-session": r.session } },
    h("span", { class: `kind kind-${r.kind}` }, r.label),
    h(
      "div",
      { class: "activity-main" },
      h("div", { class: "activity-summary" }, r.summary),
      h(
        "div",
        { class: "activity-meta" },
        h("time", { attrs: { datetime: new Date(a.at * 1000).toISOString(), title: r.whenTitle } }, r.when),
        ` · ${r.subject.what} `,
        h("code", { attrs: { title: r.subject.full } }, r.subject.short),
        r.tx
          ? [
              " · tx ",
              r.tx.url
                ? h(
                    "a",
                    {
                      class: "ext-link",
                      testid: "activity-explorer-link",
                      attrs: { href: r.tx.url, target: "_blank", rel: "noopener noreferrer", title: r.tx.hash },
                    },
                    r.tx.short,
                  )
                : h("code", { attrs: { title: r.tx.hash } }, r.tx.short),
            ]
          : null,
      ),
    ),
  );
}
