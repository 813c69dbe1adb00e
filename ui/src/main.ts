// Production entry: the UI talks to the Tauri shell over IPC.
import { openExternal } from "./api";
import { start } from "./app";
import { reportError } from "./notices";

// The webview does not open new windows: explorer links go to the system browser through the
// shell, which accepts only the block-explorer URLs Sesame itself builds.
document.addEventListener("click", (event) => {
  const link = (event.target as Element | null)?.closest?.("a[target=_blank]") as HTMLAnchorElement | null;
  if (!link || !link.href.startsWith("https://")) return;
  event.preventDefault();
  openExternal(link.href).catch((err: unknown) => reportError(err, "Opening the explorer"));
});

void start();
