/** The UI's entry point (loaded by index.html). */
import "./styles.css";
import { start } from "./app";

// Imports are evaluated first, so this is when the bundle's own code began to run.
const scriptMs = performance.now();
const root = document.getElementById("app");
if (root) void start(root, scriptMs);
