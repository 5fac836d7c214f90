// Looking at a page as the project asks: at 1280 px and 390 px it must not scroll
// sideways and axe-core must find nothing; a screenshot of each width goes to
// target/screenshots/, to be looked at.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = resolve(import.meta.dirname, '../target/screenshots');
export const WIDTHS = [1280, 390];
mkdirSync(SHOTS, { recursive: true });

/// How far the page sticks out on the right, and its innermost elements that do; or null.
async function overflow(page) {
  return page.evaluate(() => {
    const by = document.documentElement.scrollWidth - window.innerWidth;
    if (by <= 0) return null;
    const out = [...document.querySelectorAll('body *')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.right > window.innerWidth + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1);
    });
    const name = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '')
      + (e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : '')
      + (e.name ? `[name=${e.name}]` : '');
    return `${by} px (${out.slice(0, 3).map(name).join(', ')})`;
  });
}

/// axe-core's violations on the page as it is (the context bypasses CSP to inject it).
async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

/// Checks the page at each width, adding what is wrong to `problems`, and saves a
/// screenshot `${name}-${width}.png` of each; the page is left at the first width.
export async function look(page, name, problems) {
  const here = `${name} (${new URL(page.url()).pathname})`;
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const over = await overflow(page);
    if (over) problems.push(`${here} @${width}: scrolls sideways by ${over}`);
    for (const v of await axe(page)) problems.push(`${here} @${width}: axe ${v}`);
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 900 });
}
