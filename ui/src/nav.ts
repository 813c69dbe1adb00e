// Navigation hooks the app registers at start, so views can move between screens without
// importing the app module (no import cycles), and the shared failure path.

import { ApiError, LOCKED_CODES, type AppState } from "./api";
import { reportError } from "./notices";

export const nav = {
  /** Route from a fresh AppState (onboarding, unlock or dashboard). */
  route: (_app: AppState): void => {},
  /** The vault is locked now: show the unlock screen. */
  locked: (): void => {},
  /** Onboarding finished: show the dashboard. */
  dashboard: (): void => {},
};

/** Shows an error, or goes to the unlock screen when the error says the vault is locked. */
export function fail(err: unknown, context?: string): void {
  if (err instanceof ApiError && LOCKED_CODES.has(err.code)) {
    nav.locked();
    return;
  }
  reportError(err, context);
}
