// Automated accessibility check with axe-core: no serious or critical violations.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

// axe is injected as a script, which the page's Content-Security-Policy (rightly) forbids.
test.use({ bypassCSP: true });

async function audit(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×, e.g. ${v.nodes[0]?.target}: ${v.nodes[0]?.any?.[0]?.message ?? ""})`);
  });
}

test('the playground has no serious accessibility violations', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('task-chip')).toHaveCount(6);
  await page.getByTestId('play').click(); // pause, so the page holds still while axe looks
  expect(await audit(page)).toEqual([]);
});

test('with errors on screen too', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('task-chip')).toHaveCount(6);
  await page.getByTestId('play').click();
  await page.getByTestId('taskdef-editor').fill('{ "family": ');
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('diag-error').first()).toBeVisible();
  expect(await audit(page)).toEqual([]);
});

test('a presenter demo: no serious violations, and every part of the page is in a landmark', async ({ page }) => {
  await page.goto('/#demo/self-healing&present');
  await page.getByTestId('demo-next').click();
  await expect(page.getByTestId('demo-progress')).toHaveText(/^Step 1 of 4/);
  expect(await audit(page)).toEqual([]);
  const outside = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ['region'], resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
  });
  expect(outside).toEqual([]);
});
