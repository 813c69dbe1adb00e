// Production entry: the UI talks to the Tauri shell over IPC.
import { start } from "./app";

void start();
