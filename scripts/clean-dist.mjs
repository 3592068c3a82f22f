// Removes dist/ so that a package is built from the current sources only (npm pack runs this first).
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
