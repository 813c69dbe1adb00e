// A tiny DOM builder. Text is always set as text (never parsed as HTML), so values from the
// chain or the user cannot inject markup.

type Child = Node | string | number | null | undefined | false;
type Handler = (ev: Event) => void;

export interface Props {
  class?: string;
  testid?: string;
  id?: string;
  /** Any other attribute ("type", "aria-label", "data-session", ...). */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  /** Event listeners: { click: fn }. */
  on?: Record<string, Handler>;
  text?: string;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    if (props.class) el.className = props.class;
    if (props.testid) el.dataset["testid"] = props.testid;
    if (props.id) el.id = props.id;
    if (props.attrs) {
      for (const [k, v] of Object.entries(props.attrs)) {
        if (v === null || v === undefined || v === false) continue;
        el.setAttribute(k, v === true ? "" : String(v));
      }
    }
    if (props.on) {
      for (const [ev, fn] of Object.entries(props.on)) el.addEventListener(ev, fn);
    }
    if (props.text !== undefined) el.textContent = props.text;
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: (Child | Child[])[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else if (c !== null && c !== undefined && c !== false) {
      parent.appendChild(document.createTextNode(String(c)));
    }
  }
}

/** Replaces all children of `el`. */
export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}

/** Puts a button into (or out of) its busy state: disabled, with a label like "Registering…". */
export function setBusy(button: HTMLButtonElement, busyLabel: string | null): void {
  if (busyLabel !== null) {
    if (button.dataset["idleLabel"] === undefined) button.dataset["idleLabel"] = button.textContent ?? "";
    button.textContent = busyLabel;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  } else {
    const idle = button.dataset["idleLabel"];
    if (idle !== undefined) button.textContent = idle;
    delete button.dataset["idleLabel"];
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** A labelled form field: label, control, hint and an error line under it. */
export interface Field {
  root: HTMLElement;
  error: HTMLElement;
  setError(message: string | null): void;
}

export function field(
  label: string,
  control: HTMLElement,
  opts: { hint?: string; errorTestid?: string; extra?: Node } = {},
): Field {
  if (!control.id) control.id = uid("f");
  const error = h("div", {
    class: "field-error",
    testid: opts.errorTestid,
    attrs: { role: "alert", "aria-live": "polite" },
  });
  error.hidden = true;
  const root = h(
    "div",
    { class: "field" },
    h("label", { attrs: { for: control.id } }, label),
    opts.extra ? h("div", { class: "field-row" }, control, opts.extra) : control,
    opts.hint ? h("div", { class: "field-hint" }, opts.hint) : null,
    error,
  );
  return {
    root,
    error,
    setError(message) {
      error.textContent = message ?? "";
      error.hidden = message === null;
      control.classList.toggle("invalid", message !== null);
      if (message === null) control.removeAttribute("aria-invalid");
      else control.setAttribute("aria-invalid", "true");
    },
  };
}

let counter = 0;
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
