// Trunk post_build hook (Trunk.toml): gives release builds a Content-Security-Policy.
// Trunk writes its wasm loader as an inline <script type="module">, which a strict policy would
// block, so this moves it to its own file (named by its hash) and adds the policy as a <meta> tag.
// Debug builds (`trunk serve`) keep Trunk's inline autoreload script, so they get no policy.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  // Yew sets a few style attributes (the editor's width); no <style> elements.
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const dir = process.env.TRUNK_STAGING_DIR;
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const m = html.match(/<script type="module">([\s\S]*?)<\/script>/);
if (!m) throw new Error('csp-hook: no inline module script in index.html');
const body = m[1];
const name = `start-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.js`;
writeFileSync(join(dir, name), body);
html = html.replace(m[0], `<script type="module" src="/${name}"></script>`);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) throw new Error('csp-hook: an inline script remains');
html = html.replace('<meta charset="utf-8">',
  `<meta charset="utf-8">\n    <meta http-equiv="Content-Security-Policy" content="${POLICY}">`);
writeFileSync(file, html);
