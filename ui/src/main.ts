/** The UI's entry point (loaded by index.html). */
import "./styles.css";
import { start } from "./app";

const root = document.getElementById("app");
if (root) void start(root);
