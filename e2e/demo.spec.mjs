// The presenter's demo player: a chapter's scripted demo advanced one step at a time with the
// button or the keyboard (N / Page Down), the clock stopping at each step's end.
import { test, expect } from '@playwright/test';

const running = (page) => page.locator('[data-testid=task-chip][data-status=RUNNING]');

test('the self-healing demo: start, lose an instance, heal, one key per step', async ({ page }) => {
  await page.goto('/#lessons');
  const link = page.locator('[data-chapter=self-healing] [data-testid=chapter-demo]');
  await expect(link).toHaveText('▶ Presenter demo');
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await link.click();
  await expect(page).toHaveURL(/#demo\/self-healing&present$/);
  // The demo opens at the top: the caption and Start in view, whatever the list's scroll was.
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  await expect(page.getByTestId('demo-caption')).toContainText('4 steps. Press "Start" (or N / Page Down) to begin.');
  await expect(page.getByTestId('demo-next')).toHaveText('Start →');
  // Drawn as large as the sandbox's presenter mode draws it.
  await expect(page.getByTestId('cluster-canvas')).toHaveAttribute('data-zoom', '1.4');
  await expect(page.getByTestId('demo-progress')).toHaveText('Step 0 of 4');
  await expect(page.getByTestId('clock')).toContainText('00:00:00');

  await page.getByTestId('demo-next').click();
  await expect(page.getByTestId('demo-caption')).toContainText('Three t3.medium instances');
  await expect(page.getByTestId('demo-progress')).toHaveText('Step 1 of 4 · plays to 00:01:00');
  await page.getByTestId('speed').selectOption({ label: 'max' });
  // The step plays to its end and the clock stops there.
  await expect(page.getByTestId('clock')).toHaveText('00:01:00', { timeout: 20_000 });
  await expect(running(page)).toHaveCount(6);
  // The figures under the caption: three t3.medium at $0.0416 an hour.
  await expect(page.getByTestId('vital-running')).toHaveText('6');
  await expect(page.getByTestId('vital-cost')).toHaveText('$0.12/hour');
  await expect(page.getByTestId('vital-requests')).toHaveCount(0); // no traffic in this demo

  await page.getByTestId('demo-progress').click(); // leave the speed menu: keys in a field are the field's
  await page.keyboard.press('n');
  await expect(page.getByTestId('demo-caption')).toContainText('i-01 in us-east-1a fails');
  await expect(page.getByTestId('clock')).toHaveText('00:02:00', { timeout: 20_000 });
  await expect(running(page)).toHaveCount(4);
  await expect(page.getByTestId('vital-running')).toHaveText('4');
  await expect(page.getByTestId('vital-cost')).toHaveText('$0.08/hour');
  await page.screenshot({ path: test.info().outputPath('demo-step-2.png') });

  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('demo-caption')).toContainText('Add capacity in us-east-1a');
  await expect(page.getByTestId('clock')).toHaveText('00:03:00', { timeout: 20_000 });
  await expect(running(page)).toHaveCount(6);

  await page.getByTestId('demo-next').click();
  await expect(page.getByTestId('demo-progress')).toHaveText('Step 4 of 4 · plays to 00:04:00');
  await expect(page.getByTestId('demo-next')).toBeDisabled();
  // Not "over" while the last step still plays; over once it has played out.
  await expect(page.getByTestId('demo-next')).toHaveText(/^(Last step playing…|The demo is over)$/);
  await expect(page.getByTestId('clock')).toHaveText('00:04:00', { timeout: 20_000 });
  await expect(page.getByTestId('demo-next')).toHaveText('The demo is over');
  await expect(running(page)).toHaveCount(6);

  await page.getByTestId('demo-restart').click();
  await expect(page.getByTestId('demo-progress')).toHaveText('Step 0 of 4');
  await expect(page.getByTestId('clock')).toContainText('00:00:00');
});

test('a chapter without a demo says so, with a way back', async ({ page }) => {
  await page.goto('/#demo/no-such-chapter');
  await expect(page.getByTestId('demo-error')).toContainText('chapter "no-such-chapter" has no presenter demo');
  await expect(page.getByRole('link', { name: 'Back to the lessons' })).toBeVisible();
});

test("the demo takes the sandbox's keys: Space, → and ], ? for help, Esc to close it", async ({ page }) => {
  await page.goto('/#demo/self-healing&present');
  await expect(page.getByTestId('demo-progress')).toHaveText('Step 0 of 4');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('demo-progress')).toHaveText('Step 1 of 4 · plays to 00:01:00');
  // A clicker's Page Down advances the demo without scrolling the page too.
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expect(page.getByTestId('play')).toContainText('Pause');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toContainText('Play');
  const speed = await page.getByTestId('speed').inputValue();
  await page.keyboard.press(']');
  await expect(page.getByTestId('speed')).toHaveValue(String(Number(speed) + 1));
  const before = await page.getByTestId('clock').textContent();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('clock')).not.toHaveText(before);
  await page.keyboard.press('?');
  const help = page.getByTestId('help-dialog');
  await expect(help).toBeVisible();
  await expect(help).toContainText('Page Down');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});
