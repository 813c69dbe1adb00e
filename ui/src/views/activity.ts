// Activity history of the current wallet, newest first, filterable per session.

import type { ActivityEntry } from "../api";
import { h, replace } from "../dom";
import { formatDateTime, formatRelative, shortHex } from "../format";
import { nowSecs, normalizeHex, store, subscribe } from "../state";

const KIND_LABEL: Record<string, string> = {
  create: "Created",
  register: "Registered",
  send: "Sent",
  revoke: "Revoked",
  policy: "Limit set",
};

export function activityCard(): HTMLElement {
  const filter = h(
    "select",
    { testid: "activity-filter", attrs: { "aria-label": "Filter by session" } },
  );
  const list = h("ol", { class: "activity-list", testid: "activity-list" });
  let selected = "";

  const renderFilter = () => {
    const sessions = new Map<string, string>();
    for (const s of store.sessions ?? []) sessions.set(normalizeHex(s.session_public_key), s.session_public_key);
    for (const a of store.activity ?? []) {
      const k = normalizeHex(a.session);
      if (!sessions.has(k)) sessions.set(k, a.session);
    }
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
    if (all === null) {
      replace(list, h("li", { class: "empty" }, store.refreshing ? "Loading activity…" : "Not loaded yet."));
      return;
    }
    const shown = selected === "" ? all : all.filter((a) => normalizeHex(a.session) === selected);
    if (shown.length === 0) {
      replace(list, h("li", { class: "empty", testid: "activity-empty" }, selected ? "Nothing for this session yet." : "No activity yet."));
      return;
    }
    replace(list, shown.map(entry));
  };

  filter.addEventListener("change", () => {
    selected = filter.value;
    render();
  });
  subscribe("activity", render);
  subscribe("sessions", renderFilter);
  render();

  return h(
    "section",
    { class: "card", testid: "activity" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Activity"), filter),
    list,
  );
}

function entry(a: ActivityEntry): HTMLElement {
  return h(
    "li",
    { class: "activity-item", testid: "activity-item", attrs: { "data-kind": a.kind, "data-session": a.session } },
    h("span", { class: `kind kind-${a.kind}` }, KIND_LABEL[a.kind] ?? a.kind),
    h(
      "div",
      { class: "activity-main" },
      h("div", { class: "activity-summary" }, a.summary),
      h(
        "div",
        { class: "activity-meta" },
        h("time", { attrs: { datetime: new Date(a.at * 1000).toISOString(), title: formatDateTime(a.at) } }, formatRelative(a.at, nowSecs())),
        " · session ",
        h("code", { attrs: { title: a.session } }, shortHex(a.session, 8, 4)),
        a.tx_hash
          ? [
              " · tx ",
              a.explorer_url
                ? h(
                    "a",
                    {
                      class: "ext-link",
                      testid: "activity-explorer-link",
                      attrs: { href: a.explorer_url, target: "_blank", rel: "noopener noreferrer", title: a.tx_hash },
                    },
                    shortHex(a.tx_hash, 8, 4),
                  )
                : h("code", { attrs: { title: a.tx_hash } }, shortHex(a.tx_hash, 8, 4)),
            ]
          : null,
      ),
    ),
  );
}
