// A real modal confirmation: an overlay that blocks the page, focus kept inside, Escape and
// Cancel refuse, and the safe choice (Cancel) has the focus first.

import { h } from "../dom";

export interface ConfirmOptions {
  title: string;
  body: string | Node;
  confirmLabel: string;
  danger?: boolean;
  /** An id for the confirm button (its data-testid stays `confirm-ok`), for e2e tests. */
  confirmId?: string;
}

let open: { close: (ok: boolean) => void } | null = null;

export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  // Only one at a time: a new one refuses the previous.
  open?.close(false);
  return new Promise((resolve) => {
    const previousFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const titleId = `dlg-title-${Date.now()}`;
    const cancel = h(
      "button",
      { class: "btn btn-secondary", testid: "confirm-cancel", attrs: { type: "button" } },
      "Cancel",
    );
    const ok = h(
      "button",
      { class: opts.danger ? "btn btn-danger" : "btn btn-primary", testid: "confirm-ok", id: opts.confirmId, attrs: { type: "button" } },
      opts.confirmLabel,
    );
    const dialog = h(
      "div",
      {
        class: "dialog",
        testid: "confirm-dialog",
        attrs: { role: "alertdialog", "aria-modal": "true", "aria-labelledby": titleId },
      },
      h("h2", { id: titleId, class: "dialog-title" }, opts.title),
      h("div", { class: "dialog-body" }, opts.body),
      h("div", { class: "dialog-actions" }, cancel, ok),
    );
    const overlay = h("div", { class: "overlay" }, dialog);

    const close = (result: boolean) => {
      if (open !== handle) return;
      open = null;
      document.removeEventListener("keydown", onKey, true);
      overlay.remove();
      document.body.classList.remove("modal-open");
      previousFocus?.focus();
      resolve(result);
    };
    const handle = { close };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        close(false);
      } else if (e.key === "Tab") {
        // Keep the focus on the two buttons.
        e.preventDefault();
        (document.activeElement === cancel ? ok : cancel).focus();
      }
    };
    cancel.addEventListener("click", () => close(false));
    ok.addEventListener("click", () => close(true));
    overlay.addEventListener("mousedown", (e) => {
      if (e.target === overlay) close(false);
    });
    document.addEventListener("keydown", onKey, true);
    open = handle;
    document.body.appendChild(overlay);
    document.body.classList.add("modal-open");
    cancel.focus();
  });
}

/** Closes any open dialog as refused (on lock). */
export function closeDialogs(): void {
  open?.close(false);
}
