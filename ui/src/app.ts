// The app shell: header, notice area and the current screen; routing between onboarding,
// unlock and the dashboard; backend events; and the idle-timer "touch" on user input.

import * as api from "./api";
import { h, replace } from "./dom";
import { formatCountdown, shortHex } from "./format";
import { fail, nav } from "./nav";
import { clearNotices, noticeArea, reportError, warnExpiring } from "./notices";
import { emit, resetWalletData, store, unsubscribeAll } from "./state";
import { dashboardScreen, type Dashboard } from "./views/dashboard";
import { closeDialogs } from "./views/dialog";
import { onboardingScreen } from "./views/onboarding";
import { unlockScreen } from "./views/unlock";

const TOUCH_EVERY_MS = 10_000;

let main: HTMLElement;
let headerTools: HTMLElement;
let dispose: (() => void) | null = null;
let dashboard: Dashboard | null = null;
let lastTouch = 0;

/** Tears the current screen down (timers, subscriptions) before the next one is built. */
function leave(): void {
  dispose?.();
  dispose = null;
  dashboard = null;
  unsubscribeAll();
}

function mount(screen: string, root: HTMLElement, tools: HTMLElement | null, teardown?: () => void): void {
  document.body.dataset["screen"] = screen;
  replace(main, root);
  replace(headerTools, tools);
  dispose = teardown ?? null;
  window.scrollTo(0, 0);
}

function showOnboarding(step: "pin" | "wallet" = "pin"): void {
  leave();
  mount("onboarding", onboardingScreen(step), null);
}

function showUnlock(reason?: string): void {
  leave();
  const s = unlockScreen(reason);
  mount("unlock", s.root, null, s.dispose);
}

function showDashboard(): void {
  leave();
  const d = dashboardScreen();
  mount("dashboard", d.root, d.headerTools, d.dispose);
  dashboard = d;
  emit("app");
}

function route(app: api.AppState): void {
  store.app = app;
  if (app.unlocked) lastTouch = Date.now();
  if (!app.initialized) showOnboarding("pin");
  else if (!app.unlocked) showUnlock();
  else showDashboard();
}

/** The vault is locked: forget wallet data, close dialogs and ask for the PIN. */
async function locked(reason?: string): Promise<void> {
  if (document.body.dataset["screen"] === "unlock") return;
  closeDialogs();
  resetWalletData();
  clearNotices();
  try {
    store.app = await api.appState();
  } catch (err) {
    reportError(err, "Could not read the app state");
  }
  showUnlock(reason);
}

/** Resets the backend's idle timer at most every 10 s while someone uses the app. */
function onUserInput(): void {
  const screen = document.body.dataset["screen"];
  if (!store.app?.unlocked || (screen !== "dashboard" && screen !== "onboarding")) return;
  const now = Date.now();
  if (now - lastTouch < TOUCH_EVERY_MS) return;
  lastTouch = now;
  api.touch().catch((err) => fail(err, "Could not keep the vault unlocked"));
}

export async function start(): Promise<void> {
  const app = document.getElementById("app") ?? document.body;
  headerTools = h("div", { class: "header-slot" });
  main = h("main", { class: "main", id: "main" });
  replace(
    app,
    h(
      "header",
      { class: "topbar" },
      h("div", { class: "brand" }, h("span", { class: "brand-mark", attrs: { "aria-hidden": "true" } }), "Sesame"),
      headerTools,
    ),
    h("div", { class: "page" }, noticeArea(), main),
  );
  replace(main, h("div", { class: "center-page muted", testid: "loading" }, "Starting…"));

  nav.route = route;
  nav.locked = () => void locked();
  nav.dashboard = () => {
    store.app = store.app ? { ...store.app, unlocked: true } : store.app;
    showDashboard();
  };

  for (const ev of ["pointerdown", "keydown", "wheel"]) {
    document.addEventListener(ev, onUserInput, { passive: true, capture: true });
  }

  try {
    await api.onLocked(() => void locked("Sesame locked itself after being idle."));
    await api.onSessionExpiring((e) => {
      warnExpiring(
        e.session,
        e.seconds_left > 0
          ? `Session ${shortHex(e.session, 8, 4)} expires in ${formatCountdown(e.seconds_left)}.`
          : `Session ${shortHex(e.session, 8, 4)} has expired.`,
      );
      void dashboard?.refresh();
    });
  } catch (err) {
    reportError(err, "Could not subscribe to app events");
  }

  try {
    const state = await api.appState();
    lastTouch = Date.now();
    route(state);
  } catch (err) {
    replace(
      main,
      h(
        "div",
        { class: "center-page" },
        h(
          "section",
          { class: "card card-narrow" },
          h("h1", { class: "card-title" }, "Sesame could not start"),
          h("p", { class: "muted" }, "The app's backend did not answer. Restart Sesame; if it happens again, run it from a terminal to see why."),
          h(
            "button",
            { class: "btn btn-primary", testid: "retry-start", attrs: { type: "button" }, on: { click: () => void start() } },
            "Try again",
          ),
        ),
      ),
    );
    reportError(err, "Could not start");
  }
}
