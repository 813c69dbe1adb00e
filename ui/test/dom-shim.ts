// A minimal DOM for running the real views under node (npm test), without a browser or a DOM
// package: elements, text nodes, attributes and dataset, classList, events by listener, and
// querySelector(All) for simple selectors (tag, .class, [attr="value"], descendants). Import
// it before anything that builds elements.

type Listener = (ev: FakeEvent) => void;

class FakeEvent {
  defaultPrevented = false;
  constructor(readonly type: string) {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
  stopPropagation(): void {}
}

export class FakeNode {
  parentNode: FakeElement | null = null;
  childNodes: FakeNode[] = [];

  get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join("");
  }
  set textContent(text: string) {
    this.replaceChildren(new FakeText(text));
  }
  get firstChild(): FakeNode | null {
    return this.childNodes[0] ?? null;
  }
  appendChild<T extends FakeNode>(child: T): T {
    child.remove();
    child.parentNode = this as unknown as FakeElement;
    this.childNodes.push(child);
    return child;
  }
  insertBefore<T extends FakeNode>(child: T, ref: FakeNode | null): T {
    if (ref === null) return this.appendChild(child);
    child.remove();
    const i = this.childNodes.indexOf(ref);
    if (i < 0) throw new Error("insertBefore: the reference is not a child");
    child.parentNode = this as unknown as FakeElement;
    this.childNodes.splice(i, 0, child);
    return child;
  }
  replaceChildren(...children: (FakeNode | string)[]): void {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes = [];
    for (const c of children) this.appendChild(typeof c === "string" ? new FakeText(c) : c);
  }
  hasChildNodes(): boolean {
    return this.childNodes.length > 0;
  }
  remove(): void {
    const p = this.parentNode;
    if (!p) return;
    p.childNodes = p.childNodes.filter((c) => c !== this);
    this.parentNode = null;
  }
}

export class FakeText extends FakeNode {
  constructor(public data: string) {
    super();
  }
  override get textContent(): string {
    return this.data;
  }
  override set textContent(text: string) {
    this.data = text;
  }
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export class FakeElement extends FakeNode {
  readonly tagName: string;
  readonly dataset: Record<string, string> = {};
  private attrs = new Map<string, string>();
  private listeners = new Map<string, Listener[]>();
  value = "";

  constructor(tag: string) {
    super();
    this.tagName = tag.toUpperCase();
  }

  get children(): FakeElement[] {
    return this.childNodes.filter((c): c is FakeElement => c instanceof FakeElement);
  }

  setAttribute(name: string, value: string): void {
    if (name.startsWith("data-")) this.dataset[camel(name.slice(5))] = String(value);
    else this.attrs.set(name, String(value));
    if (name === "value") this.value = String(value);
  }
  getAttribute(name: string): string | null {
    if (name.startsWith("data-")) return this.dataset[camel(name.slice(5))] ?? null;
    return this.attrs.get(name) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.getAttribute(name) !== null;
  }
  removeAttribute(name: string): void {
    if (name.startsWith("data-")) delete this.dataset[camel(name.slice(5))];
    else this.attrs.delete(name);
  }
  /** Every attribute, data-* included (for assertions). */
  attributeNames(): string[] {
    return [...this.attrs.keys(), ...Object.keys(this.dataset).map((k) => `data-${kebab(k)}`)];
  }

  private flag(name: string, on: boolean): void {
    if (on) this.attrs.set(name, "");
    else this.attrs.delete(name);
  }
  get className(): string {
    return this.attrs.get("class") ?? "";
  }
  set className(v: string) {
    this.attrs.set("class", v);
  }
  get id(): string {
    return this.attrs.get("id") ?? "";
  }
  set id(v: string) {
    this.attrs.set("id", v);
  }
  get title(): string {
    return this.attrs.get("title") ?? "";
  }
  set title(v: string) {
    this.attrs.set("title", v);
  }
  get href(): string {
    return this.attrs.get("href") ?? "";
  }
  get hidden(): boolean {
    return this.attrs.has("hidden");
  }
  set hidden(v: boolean) {
    this.flag("hidden", v);
  }
  get disabled(): boolean {
    return this.attrs.has("disabled");
  }
  set disabled(v: boolean) {
    this.flag("disabled", v);
  }
  get required(): boolean {
    return this.attrs.has("required");
  }
  set required(v: boolean) {
    this.flag("required", v);
  }

  readonly classList = {
    contains: (c: string) => this.className.split(/\s+/).includes(c),
    add: (...cs: string[]) => {
      for (const c of cs) if (!this.classList.contains(c)) this.className = `${this.className} ${c}`.trim();
    },
    remove: (...cs: string[]) => {
      this.className = this.className
        .split(/\s+/)
        .filter((x) => x !== "" && !cs.includes(x))
        .join(" ");
    },
    toggle: (c: string, force?: boolean) => {
      const on = force ?? !this.classList.contains(c);
      if (on) this.classList.add(c);
      else this.classList.remove(c);
      return on;
    },
  };

  addEventListener(type: string, fn: Listener): void {
    const list = this.listeners.get(type) ?? [];
    list.push(fn);
    this.listeners.set(type, list);
  }
  removeEventListener(type: string, fn: Listener): void {
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((f) => f !== fn));
  }
  dispatchEvent(ev: FakeEvent): boolean {
    for (const fn of [...(this.listeners.get(ev.type) ?? [])]) fn(ev);
    return !ev.defaultPrevented;
  }
  click(): void {
    if (!this.disabled) this.dispatchEvent(new FakeEvent("click"));
  }
  focus(): void {}
  blur(): void {}
  scrollIntoView(): void {}

  querySelectorAll(selector: string): FakeElement[] {
    // Attribute values in these selectors never contain spaces.
    const parts = selector.trim().split(/\s+/);
    const out: FakeElement[] = [];
    const walk = (el: FakeElement) => {
      for (const c of el.children) {
        if (matchesPath(c, parts, this)) out.push(c);
        walk(c);
      }
    };
    walk(this);
    return out;
  }
  querySelector(selector: string): FakeElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }
  matches(selector: string): boolean {
    return matchesSimple(this, selector);
  }
}

/** `tag.class[attr="v"]` (any part optional). */
function matchesSimple(el: FakeElement, simple: string): boolean {
  if (simple === "*") return true;
  const m = /^([a-zA-Z0-9-]*)((?:\.[\w-]+)*)((?:\[[^\]]+\])*)$/.exec(simple);
  if (!m) throw new Error(`dom-shim: unsupported selector ${simple}`);
  const [, tag, classes, attrs] = m;
  if (tag && el.tagName !== tag.toUpperCase()) return false;
  for (const c of (classes ?? "").split(".").filter(Boolean)) if (!el.classList.contains(c)) return false;
  for (const a of (attrs ?? "").match(/\[[^\]]+\]/g) ?? []) {
    const am = /^\[([\w-]+)(?:="([^"]*)")?\]$/.exec(a);
    if (!am) throw new Error(`dom-shim: unsupported attribute selector ${a}`);
    const v = el.getAttribute(am[1] ?? "");
    if (v === null || (am[2] !== undefined && v !== am[2])) return false;
  }
  return true;
}

/** Whether `el` matches the last part and its ancestors (below `root`) match the others in order. */
function matchesPath(el: FakeElement, parts: string[], root: FakeElement): boolean {
  const last = parts[parts.length - 1];
  if (last === undefined || !matchesSimple(el, last)) return false;
  let i = parts.length - 2;
  let p = el.parentNode;
  while (i >= 0 && p && p !== root) {
    const part = parts[i];
    if (part !== undefined && matchesSimple(p, part)) i -= 1;
    p = p.parentNode;
  }
  return i < 0;
}

const body = new FakeElement("body");
const fakeDocument = {
  body,
  createElement: (tag: string) => new FakeElement(tag),
  createTextNode: (text: string) => new FakeText(text),
  getElementById: (id: string) => body.querySelectorAll("*").find((e) => e.id === id) ?? null,
  querySelector: (s: string) => body.querySelector(s),
  querySelectorAll: (s: string) => body.querySelectorAll(s),
  addEventListener: () => {},
  removeEventListener: () => {},
};

const g = globalThis as Record<string, unknown>;
g["Node"] = FakeNode;
g["Text"] = FakeText;
g["HTMLElement"] = FakeElement;
g["Event"] = FakeEvent;
g["document"] = fakeDocument;
g["window"] = globalThis;
g["scrollTo"] = () => {};

/** Elements below `root` whose data-testid is `testid`. */
export function byTestid(root: unknown, testid: string): FakeElement[] {
  return (root as FakeElement).querySelectorAll(`[data-testid="${testid}"]`);
}

/** The one element below `root` with this data-testid (throws when there is none or several). */
export function one(root: unknown, testid: string): FakeElement {
  const all = byTestid(root, testid);
  if (all.length !== 1) throw new Error(`expected one [data-testid="${testid}"], found ${all.length}`);
  return all[0] as FakeElement;
}

/** Text as a person reads it: whitespace collapsed. */
export function text(node: unknown): string {
  return (node as FakeNode).textContent.replace(/\s+/g, " ").trim();
}
