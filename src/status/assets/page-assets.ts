// The page's script and stylesheet: real files in ./browser/ (page.js is type-checked by tsc
// through the tsconfig.json beside it), read from disk once when the status page is mounted.
// The build copies ./browser/ next to the compiled module, so this works from src/ (tsx,
// tests) and from dist/ (npm start, the container image, an installed package) alike.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PageAssets {
  script: string;
  style: string;
}

/** Beside this module, in src/ and in dist/ alike. */
export const BROWSER_ASSETS_DIR = new URL('./browser/', import.meta.url);

/** Reads both files; throws (start-up fails) naming the folder when one is missing. */
export function loadPageAssets(dir: URL = BROWSER_ASSETS_DIR): PageAssets {
  const read = (name: string): string => {
    try {
      return readFileSync(new URL(name, dir), 'utf8');
    } catch (error) {
      throw new Error(`status page asset ${name} is missing from ${fileURLToPath(dir)} (run npm run build)`, { cause: error });
    }
  };
  return { script: read('page.js'), style: read('page.css') };
}
