// The exercise view's goal checklist and predictions, as a learner meets them: a "keep it so"
// goal that breaks says so and offers the reset; the Goals box stays compact and folds to one
// line; a prediction is made before anything can change and leads on whatever the answer; a bad
// exercise link says what was wrong.
import { test, expect } from '@playwright/test';

/** The whole of `locator` is inside the viewport and nothing covers its centre. */
async function expectInView(page, locator, what) {
  await expect(locator, what).toBeVisible();
  const b = await locator.boundingBox();
  const v = page.viewportSize();
  const at = `${what}: x ${Math.round(b.x)}..${Math.round(b.x + b.width)}, y ${Math.round(b.y)}..${Math.round(b.y + b.height)} in ${v.width}×${v.height}`;
  expect(b.y, at).toBeGreaterThanOrEqual(0);
  expect(b.y + b.height, at).toBeLessThanOrEqual(v.height + 0.5);
  const onTop = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && (el === hit || el.contains(hit));
  });
  expect(onTop, `${at}: nothing covers it`).toBe(true);
}

async function fresh(page, hash) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto(`/#${hash}`);
  await page.reload();
}

test('a broken "throughout" goal says so and offers the reset; the badges say what must hold', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await fresh(page, 'lessons/placement-strategies/binpack');
  const goals = page.getByTestId('goal');
  await expect(goals).toHaveCount(4);
  const guard = goals.nth(1);
  await expect(guard).toContainText('Batch never uses more than one instance');
  // No batch task yet: it holds from the start, a rule to keep.
  await expect(guard).toHaveAttribute('data-ok', 'true');
  await expect(guard).toHaveAttribute('data-guard', 'true');
  await expect(guard.locator('.goal-keep')).toHaveText('keep it so');
  await expect(page.getByTestId('goals-count')).toHaveText(/^[12]\/4 met$/);

  // The default strategy spreads batch over the instances: the goal breaks for good.
  await page.getByTestId('create-service-name').fill('batch');
  await page.getByTestId('create-service-taskdef').selectOption('batch');
  await page.getByTestId('create-service-desired').fill('4');
  await page.getByTestId('create-service-submit').click();
  await expect(guard).toHaveAttribute('data-broken', 'true');
  await expect(guard).toHaveAttribute('data-ok', 'false');
  await expect(guard.locator('.goal-mark')).toHaveText('✗');
  await expect(guard.locator('.visually-hidden')).toHaveText(' (broken)');
  await expect(guard.getByTestId('goal-msg')).toHaveText(/^broken: rose to [23] at 00:00:\d\d(\.\d{3})? — it cannot hold again until you reset the exercise$/);
  // A broken goal has no badge claiming it is kept.
  await expect(guard.locator('.goal-keep')).toHaveCount(0);
  const said = page.getByTestId('goals-broken');
  await expect(said).toHaveText('✗ This attempt can no longer be solved.Reset the exercise');
  await expect(page.getByTestId('goals-count')).toContainText('· 1 broken');
  // Time going on does not mend it.
  await page.waitForTimeout(1500);
  await expect(guard).toHaveAttribute('data-broken', 'true');
  await expectInView(page, page.getByTestId('goals-reset'), 'the reset next to the broken goal');
  await page.screenshot({ path: test.info().outputPath('broken-1366.png') });

  // The reset is right there and starts the attempt over: the goal holds again, and the tools
  // column (scrolled down to the services) is back at its top.
  const side = page.locator('.exercise-side');
  await side.evaluate((el) => { el.scrollTop = 400; });
  expect(await side.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await page.getByTestId('goals-reset').click();
  await expect.poll(() => side.evaluate((el) => el.scrollTop)).toBe(0);
  await expect(page.getByTestId('clock')).toHaveText(/^00:00:0\d/);
  await expect(guard).toHaveAttribute('data-broken', 'false');
  await expect(guard).toHaveAttribute('data-ok', 'true');
  await expect(guard.locator('.goal-keep')).toHaveText('keep it so');
  await expect(page.getByTestId('goals-broken')).toHaveCount(0);
  await expect(page.getByTestId('exercise-status')).toContainText('attempted');
});

test('a "throughout" goal that does not hold yet reads "must hold throughout", then "keep it so"', async ({ page }) => {
  // The service's four tasks are still starting at 00:00:00: "never fewer than four running"
  // does not hold yet, and its badge must not say it is kept.
  await fresh(page, 'lessons/failures/spot-warning');
  const goal = page.getByTestId('goal').filter({ hasText: 'Never fewer than four web tasks running' });
  await expect(goal).toHaveAttribute('data-ok', 'false');
  await expect(goal).toHaveAttribute('data-guard', 'false');
  await expect(goal.locator('.goal-keep')).toHaveText('must hold throughout');
  await expect(goal.locator('.goal-mark')).toHaveText('○');
  // Once the tasks run it holds, and from then on it is to be kept.
  await expect(goal).toHaveAttribute('data-ok', 'true', { timeout: 20_000 });
  await expect(goal.locator('.goal-keep')).toHaveText('keep it so');
});

for (const [width, height] of [[1280, 720], [1366, 768]]) {
  test(`at ${width}×${height} the Goals box is compact and folds to one line`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await fresh(page, 'lessons/placement-strategies/binpack');
    await expect(page.getByTestId('goal')).toHaveCount(4);
    const box = page.getByTestId('goals');
    const h = (await box.boundingBox()).height;
    expect(h, `the Goals box is ${Math.round(h)} px high`).toBeLessThanOrEqual(Math.ceil(height * 0.32) + 2);
    // The prose's first lines are not covered.
    await expectInView(page, page.getByTestId('prose').first().locator('h2'), 'the exercise title');
    await page.screenshot({ path: test.info().outputPath(`goals-${width}.png`) });

    // Folded: one line with the count; the list is gone, the editor side gets the room.
    const toggle = page.getByTestId('goals-toggle');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByTestId('goal').first()).toBeHidden();
    await expect(page.getByTestId('goals-count')).toHaveText(/^[12]\/4 met$/);
    const folded = (await box.boundingBox()).height;
    expect(folded, `folded, the Goals box is ${Math.round(folded)} px high`).toBeLessThanOrEqual(48);
    await expectInView(page, toggle, 'the folded Goals');
    await page.screenshot({ path: test.info().outputPath(`goals-${width}-folded.png`) });
    // The next exercise opens folded too (the learner's choice holds while the page is open).
    await page.getByTestId('back-to-lessons').click();
    await page.locator('[data-testid=exercise-item][data-exercise="placement-strategies/spread-then-binpack"] button').click();
    await expect(page.getByTestId('goals-toggle')).toHaveAttribute('aria-expanded', 'false');
    await page.getByTestId('goals-toggle').click();
    await expect(page.getByTestId('goal').first()).toBeVisible();
  });
}

test('predict: the cluster controls wait for the reveal; a wrong answer still leads on, as "attempted"', async ({ page }) => {
  await fresh(page, 'lessons/placement-strategies/predict-binpack');
  await expect(page.getByTestId('predict-locked')).toHaveText('Until the reveal the cluster stays as it is: its controls are off, so the prediction is made on the start state.');
  // Before the reveal nothing that changes the cluster can be used.
  await expect(page.getByTestId('create-service-submit')).toBeDisabled();
  await expect(page.getByTestId('create-service-name')).toBeDisabled();
  await expect(page.getByTestId('add-instance')).toBeDisabled();
  await expect(page.getByTestId('add-instance')).toHaveAttribute('title', 'Make your prediction first: choose an answer and press "Run it and reveal".');
  // The Services panel says why its forms are off.
  await expect(page.getByTestId('panel-off-note')).toHaveText('Make your prediction first: choose an answer and press "Run it and reveal".');
  await expect(page.getByRole('button', { name: 'Terminate i-01' })).toBeDisabled();
  await expect(page.getByTestId('deploy')).toBeDisabled();
  await expect(page.getByTestId('next-exercise')).toHaveCount(0);

  // A wrong answer, revealed.
  await page.getByLabel('i-01', { exact: true }).check();
  await page.getByTestId('predict-reveal').click();
  const verdict = page.getByTestId('predict-verdict');
  await expect(verdict).toContainText('Not quite. The answer is: i-02.');
  // The way on, right under the verdict.
  const next = verdict.getByTestId('next-exercise');
  await expect(next).toHaveText('Next: distinctInstance: one task per instance →');
  await expect(page.getByTestId('next-exercise')).toHaveCount(1);
  await expect(page.getByTestId('exercise-status')).toContainText('attempted');
  await expect(page.getByTestId('predict-locked')).toHaveCount(0);
  await expect(page.getByTestId('panel-off-note')).toHaveCount(0);
  // Now the learner may experiment: the controls are back, with their own titles.
  await expect(page.getByTestId('create-service-submit')).toBeEnabled();
  await expect(page.getByTestId('add-instance')).toBeEnabled();
  await expect(page.getByTestId('add-instance')).not.toHaveAttribute('title', /prediction/);
  await expect(page.getByRole('button', { name: 'Terminate i-01' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Terminate i-01' })).toHaveAttribute('title', 'Terminate i-01');
  await expect(page.getByTestId('deploy')).toBeEnabled();
  await page.screenshot({ path: test.info().outputPath('predict-wrong.png'), fullPage: true });

  await next.click();
  await expect(page).toHaveURL(/#lessons\/placement-constraints\/distinct-instance$/);
  await page.getByTestId('back-to-lessons').click();
  // Going on does not make a wrong prediction solved.
  await expect(page.locator('[data-testid=exercise-item][data-exercise="placement-strategies/predict-binpack"]')).toHaveAttribute('data-status', 'attempted');
  await expect(page.locator('[data-testid=chapter][data-chapter=placement-strategies]')).toContainText('0/3 solved');

  // Reset locks the controls again for a new prediction.
  await page.goto('/#lessons/placement-strategies/predict-binpack');
  await page.getByLabel('i-02', { exact: true }).check();
  await page.getByTestId('predict-reveal').click();
  await expect(page.getByTestId('predict-verdict')).toContainText('Right!');
  await expect(page.getByTestId('exercise-status')).toContainText('solved');
  await page.getByTestId('reset-exercise').click();
  await page.getByTestId('reset-yes').click();
  await expect(page.getByTestId('add-instance')).toBeDisabled();
  await expect(page.getByTestId('create-service-submit')).toBeDisabled();
});

test('a link to an exercise the course does not have says so above the list', async ({ page }) => {
  await fresh(page, 'lessons/nope/nothing');
  await expect(page.getByTestId('lesson-picker')).toBeVisible();
  await expect(page.getByTestId('lesson-not-found')).toHaveText('No exercise nope/nothing in the course; here is the list.');
  await page.screenshot({ path: test.info().outputPath('not-found.png') });
  // Opening one from the list leaves the message behind.
  await page.locator('[data-testid=exercise-item] button').first().click();
  await expect(page.getByTestId('exercise')).toBeVisible();
  await page.getByTestId('back-to-lessons').click();
  await expect(page.getByTestId('lesson-picker')).toBeVisible();
  await expect(page.getByTestId('lesson-not-found')).toHaveCount(0);
});

test.describe('accessibility', () => {
  // axe is injected as a script, which the page's Content-Security-Policy forbids.
  test.use({ bypassCSP: true });
  test('a broken goal, the folded Goals and a locked prediction have no serious violations', async ({ page }) => {
    const { createRequire } = await import('node:module');
    const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    const audit = async () => {
      await page.addScriptTag({ path: AXE });
      return page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×, e.g. ${v.nodes[0]?.target})`);
      });
    };
    await fresh(page, 'lessons/placement-strategies/binpack');
    await page.getByTestId('create-service-name').fill('batch');
    await page.getByTestId('create-service-taskdef').selectOption('batch');
    await page.getByTestId('create-service-submit').click();
    await expect(page.getByTestId('goals-broken')).toBeVisible();
    await page.getByTestId('play').click(); // pause, so the page holds still
    expect(await audit()).toEqual([]);
    await page.getByTestId('goals-toggle').click();
    expect(await audit()).toEqual([]);
    await page.getByTestId('goals-toggle').click();
    await page.goto('/#lessons/placement-strategies/predict-binpack');
    await expect(page.getByTestId('predict-locked')).toBeVisible();
    expect(await audit()).toEqual([]);
  });
});
