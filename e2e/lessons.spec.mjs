// Lessons in the page: open the picker, solve an exercise by typing in the editor, watch the goals
// tick, see it marked solved, reload and find the progress kept. Also a prediction, the reset
// confirm, corrupted saved progress, and the layout: the cluster, the goals and what the learner
// edits on screen together at 1366×768 and 1280×720.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';

const EXERCISE = 'task-definitions/cpu-and-memory';
const item = (page, id) => page.locator(`[data-testid=exercise-item][data-exercise="${id}"]`);

/** The whole of `locator` is inside the viewport and not covered (what is at its centre is it). */
async function expectInView(page, locator, what) {
  await expect(locator, what).toBeVisible();
  const b = await locator.boundingBox();
  const v = page.viewportSize();
  const at = `${what}: x ${Math.round(b.x)}..${Math.round(b.x + b.width)}, y ${Math.round(b.y)}..${Math.round(b.y + b.height)} in ${v.width}×${v.height}`;
  expect(b.x, at).toBeGreaterThanOrEqual(0);
  expect(b.y, at).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width, at).toBeLessThanOrEqual(v.width + 0.5);
  expect(b.y + b.height, at).toBeLessThanOrEqual(v.height + 0.5);
  const onTop = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && (el === hit || el.contains(hit));
  });
  expect(onTop, `${at}: nothing covers it`).toBe(true);
}

async function openLessons(page) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.getByTestId('mode-lessons').click();
  await expect(page.getByTestId('lesson-picker')).toBeVisible();
}

test('solve an exercise by editing the task definition; progress survives a reload', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  await openLessons(page);
  // The course is bundled into the Wasm: from here on the page makes no request at all.
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  expect(await page.getByTestId('chapter').count()).toBeGreaterThanOrEqual(5);
  expect(await page.getByTestId('exercise-item').count()).toBeGreaterThanOrEqual(17);
  await expect(item(page, EXERCISE)).toHaveAttribute('data-status', 'not started');
  // The file pickers look like buttons and show the keyboard focus.
  const importLabel = page.locator('label.button-like', { hasText: 'Import progress…' });
  expect(await importLabel.evaluate((l) => getComputedStyle(l).borderTopStyle)).toBe('solid');
  await page.getByTestId('progress-import').focus();
  expect(await importLabel.evaluate((l) => getComputedStyle(l).outlineStyle)).toBe('solid');
  await page.screenshot({ path: test.info().outputPath('picker.png'), fullPage: true });

  await item(page, EXERCISE).getByRole('button').click();
  const ex = page.getByTestId('exercise');
  await expect(ex).toHaveAttribute('data-exercise', EXERCISE);
  await expect(page).toHaveURL(/#lessons\/task-definitions\/cpu-and-memory$/);
  // Prose rendered from Markdown: a heading, bold text, a code block.
  const prose = page.getByTestId('prose').first();
  await expect(prose.locator('h2')).toHaveText('Size a task: CPU units and MiB');
  await expect(prose.locator('strong').first()).toHaveText('t3.small');
  await expect(prose.locator('pre code')).toContainText('"cpu": 1024,');

  // The scenario: two instances, two tasks running and two waiting.
  await expect(page.getByTestId('instance')).toHaveCount(2);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(2);
  const goals = page.getByTestId('goal');
  await expect(goals).toHaveCount(3);
  await expect(goals.nth(0)).toHaveAttribute('data-ok', 'false');
  await expect(goals.nth(0)).toContainText('Four web tasks are running');
  await expect(goals.nth(0)).toHaveAttribute('data-guard', 'false');
  // A goal that already holds at the start is a rule to keep, and says so.
  await expect(goals.nth(2)).toContainText('Each task still gets at least 512 MiB');
  await expect(goals.nth(2)).toHaveAttribute('data-ok', 'true');
  await expect(goals.nth(2)).toHaveAttribute('data-guard', 'true');
  await expect(goals.nth(2).locator('.goal-keep')).toHaveText('keep it so');
  await expect(goals.nth(0).locator('.goal-keep')).toHaveCount(0);

  // The browser's Back leaves the exercise for the list, Forward returns to it.
  await page.goBack();
  await expect(page).toHaveURL(/#lessons$/);
  await expect(page.getByTestId('lesson-picker')).toBeVisible();
  await page.goForward();
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', EXERCISE);

  // Disabled actions are disabled: the desired count and adding instances.
  await expect(page.getByTestId('desired-web')).toBeDisabled();
  await expect(page.getByTestId('add-instance')).toBeDisabled();
  await expect(page.getByTestId('rules')).toContainText('changing the desired count');
  await expect(page.getByTestId('deploy')).toBeEnabled();

  // Hints, one at a time.
  await expect(page.getByTestId('show-hint')).toHaveText('Show a hint (1 of 3)');
  await page.getByTestId('show-hint').click();
  await expect(page.getByTestId('hint')).toHaveCount(1);
  await expect(page.getByTestId('show-hint')).toHaveText('Show a hint (2 of 3)');

  // Solve: smaller tasks, deploy.
  const editor = page.getByTestId('taskdef-editor');
  const original = await editor.inputValue();
  expect(original).toContain('"cpu": 1024,');
  await editor.fill(original.replace('"cpu": 1024,', '"cpu": 512,').replace('"memory": 1536,', '"memory": 768,'));
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('deployed')).toContainText('Registered web:2');
  await expect(page.locator('[data-testid=goal][data-ok=true]')).toHaveCount(3, { timeout: 20_000 });
  await expect(page.getByTestId('solved')).toBeVisible();
  await expect(page.getByTestId('exercise-status')).toContainText('solved');
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(4);
  await page.screenshot({ path: test.info().outputPath('solved.png'), fullPage: true });

  // Back in the picker: marked solved. A reload keeps it.
  await page.getByTestId('back-to-lessons').click();
  await expect(item(page, EXERCISE)).toHaveAttribute('data-status', 'solved');
  // (Chromium may fetch the page's own icon again when the address changes.)
  expect(requests.filter((u) => !/\/favicon-[0-9a-f]+\.svg$/.test(u))).toEqual([]);
  await page.reload();
  await expect(page.getByTestId('lesson-picker')).toBeVisible();
  await expect(item(page, EXERCISE)).toHaveAttribute('data-status', 'solved');
  await expect(page.locator('[data-testid=chapter][data-chapter=task-definitions]')).toContainText('1/4 solved');

  // Reopen: the revealed hint is still shown, the exercise starts fresh but stays solved.
  await item(page, EXERCISE).getByRole('button').click();
  await expect(page.getByTestId('hint')).toHaveCount(1);
  await expect(page.getByTestId('exercise-status')).toContainText('solved');
  expect(errors).toEqual([]);
});

test('a do exercise solved with the Add instance control; reset asks first', async ({ page }) => {
  await openLessons(page);
  await item(page, 'clusters/add-capacity').getByRole('button').click();
  await expect(page.getByTestId('instance')).toHaveCount(2);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(4);
  await page.getByTestId('add-instance-type').selectOption('t3.medium');
  await page.getByTestId('add-instance-az').selectOption('us-east-1c');
  await page.getByTestId('add-instance').click();
  await expect(page.getByTestId('instance')).toHaveCount(3);
  await expect(page.locator('[data-testid=goal][data-ok=true]')).toHaveCount(3, { timeout: 20_000 });
  await expect(page.getByTestId('exercise-status')).toContainText('solved');

  // A limit is enforced by the engine, and the refusal is shown.
  await page.getByTestId('add-instance').click();
  await page.getByTestId('add-instance').click();
  await expect(page.getByTestId('failed')).toContainText('at most 4 container instances');
  // Said by the cluster, where the button was, in view; it can be dismissed.
  await expect(page.locator('.exercise-cluster [data-testid=failed]')).toHaveCount(1);
  await expectInView(page, page.getByTestId('failed'), 'the refusal');
  await page.getByTestId('failed-dismiss').click();
  await expect(page.getByTestId('failed')).toHaveCount(0);

  // Reset asks first; cancel keeps everything, yes starts over.
  await page.getByTestId('reset-exercise').click();
  await expect(page.getByTestId('reset-confirm')).toBeVisible();
  await page.getByTestId('reset-no').click();
  await expect(page.getByTestId('instance')).toHaveCount(4);
  await page.getByTestId('reset-exercise').click();
  await page.getByTestId('reset-yes').click();
  await expect(page.getByTestId('instance')).toHaveCount(2);
  await expect(page.getByTestId('clock')).toHaveText(/^00:00:0\d$/);
  await expect(page.getByTestId('exercise-status')).toContainText('solved');
});

test('predict: choose, run, reveal with the explanation', async ({ page }) => {
  await openLessons(page);
  await item(page, 'task-definitions/predict-reservation').getByRole('button').click();
  await expect(page.getByTestId('predict-reveal')).toBeDisabled();
  await expect(page.getByTestId('play')).toBeDisabled(); // nothing moves before the prediction
  const choices = page.getByTestId('predict-choice');
  await expect(choices).toHaveCount(4);
  await page.getByLabel('8', { exact: true }).check();
  await page.getByTestId('predict-reveal').click();
  const verdict = page.getByTestId('predict-verdict');
  await expect(verdict).toContainText('Not quite.');
  await expect(verdict).toContainText('The answer is: 5.');
  await expect(page.locator('[data-testid=task-chip]')).toHaveCount(5);
  await expect(page.getByTestId('what-happened')).toHaveCount(1);
  await expect(page.locator('label.choice', { has: page.getByTestId('what-happened') })).toContainText('5');
  await expect(page.getByTestId('play')).toBeEnabled();
  // What was predicted happens in the cluster picture, which is in view.
  await expectInView(page, page.getByTestId('cluster-canvas'), 'the cluster picture after the reveal');
  await page.screenshot({ path: test.info().outputPath('predict.png'), fullPage: true });
  await page.getByTestId('back-to-lessons').click();
  await expect(item(page, 'task-definitions/predict-reservation')).toHaveAttribute('data-status', 'attempted');
});

// What the learner edits and what reacts are on screen together: the cluster on the left, the
// lesson, goals and tools on the right, each column scrolling on its own with the goals pinned.
for (const [width, height] of [[1366, 768], [1280, 720]]) {
  test(`at ${width}×${height} the cluster, the goals and the editor or kubectl are in view together`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('/#lessons/task-definitions/cpu-and-memory');
    await expect(page.getByTestId('goal')).toHaveCount(3);
    const canvas = page.getByTestId('cluster-canvas');
    const goals = page.getByRole('region', { name: 'Goals' });
    // As the exercise opens: the cluster picture and every goal, without scrolling.
    await expectInView(page, canvas, 'the cluster picture');
    await expectInView(page, goals, 'the goals');
    for (let i = 0; i < 3; i++) await expectInView(page, page.getByTestId('goal').nth(i), `goal ${i + 1}`);
    await expectInView(page, page.getByTestId('prose').first().locator('h2'), 'the exercise title');
    await page.screenshot({ path: test.info().outputPath(`exercise-${width}.png`) });
    // Scrolled to the editor: the cluster and the goals are still there, the editor uncovered.
    await page.getByTestId('deploy').scrollIntoViewIfNeeded();
    await expectInView(page, page.getByTestId('deploy'), 'Deploy');
    await expectInView(page, canvas, 'the cluster picture, at the editor');
    await expectInView(page, goals, 'the goals, at the editor');
    for (let i = 0; i < 3; i++) await expectInView(page, page.getByTestId('goal').nth(i), `goal ${i + 1}, at the editor`);
    await expect(page.getByTestId('taskdef-editor')).toBeInViewport({ ratio: 0.3 });
    expect(await page.evaluate(() => window.scrollY), 'the page itself holds still').toBe(0);
    // Solved from there: the goals say so, with the way on, next to the picture.
    const editor = page.getByTestId('taskdef-editor');
    await editor.fill((await editor.inputValue()).replace('"cpu": 1024,', '"cpu": 512,').replace('"memory": 1536,', '"memory": 768,'));
    await page.getByTestId('deploy').click();
    await expect(page.locator('[data-testid=goal][data-ok=true]')).toHaveCount(3, { timeout: 20_000 });
    await expectInView(page, page.getByTestId('solved'), '"Solved"');
    await expectInView(page, page.getByTestId('next-exercise'), 'the next exercise');
    await expectInView(page, canvas, 'the cluster picture, solved');
    await page.screenshot({ path: test.info().outputPath(`exercise-${width}-solved.png`) });

    // A Kubernetes exercise: kubectl (in the Services panel) next to the nodes.
    await page.goto('/#lessons/kubernetes/first-deployment');
    await page.reload(); // (a new address in the same page keeps the exercise open)
    await expect(page.getByTestId('instance')).toHaveCount(3);
    await expectInView(page, canvas, 'the EKS nodes');
    await expectInView(page, goals, 'the EKS goals');
    // The command line with Run beside it, its answer right under it. Brought into view from
    // further down the column, it stops under the pinned goals, not behind them.
    await page.locator('.exercise-side').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.getByTestId('kubectl-args').scrollIntoViewIfNeeded();
    await expectInView(page, page.getByTestId('kubectl-args'), 'the kubectl command line');
    await expectInView(page, page.getByTestId('kubectl-run'), 'kubectl Run');
    await expectInView(page, canvas, 'the EKS nodes, at kubectl');
    await expectInView(page, goals, 'the EKS goals, at kubectl');
    await page.screenshot({ path: test.info().outputPath(`kubectl-${width}.png`) });
  });
}

test('predict at 1366×768 and on a narrow screen: the reveal brings the cluster picture into view', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/#lessons/task-definitions/predict-reservation');
  const canvas = page.getByTestId('cluster-canvas');
  await expectInView(page, canvas, 'the cluster picture');
  await page.getByLabel('5', { exact: true }).check();
  await page.getByTestId('predict-reveal').click();
  await expect(page.getByTestId('predict-verdict')).toContainText('Right!');
  await expectInView(page, canvas, 'the cluster picture after the reveal');
  await expect(page.locator('[data-testid=task-chip]')).toHaveCount(5);
  await page.screenshot({ path: test.info().outputPath('predict-1366.png') });

  // One column: the lesson comes first and the picture below it; the reveal scrolls to it
  // (at once, with reduced motion).
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.setViewportSize({ width: 420, height: 640 });
  await page.reload();
  await page.getByLabel('5', { exact: true }).check();
  const reveal = page.getByTestId('predict-reveal');
  await reveal.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  expect((await canvas.boundingBox()).y, 'the picture is below the lesson').toBeGreaterThan((await reveal.boundingBox()).y);
  const before = await page.evaluate(() => window.scrollY);
  await reveal.click();
  await expect(page.getByTestId('predict-verdict')).toContainText('Right!');
  await expect.poll(() => page.evaluate(() => window.scrollY), { timeout: 3_000 }).toBeGreaterThan(before);
  await expectInView(page, canvas, 'the cluster picture after the reveal, narrow');
  await page.screenshot({ path: test.info().outputPath('predict-narrow.png') });
});

test('an exercise opens from a link', async ({ page }) => {
  await page.goto('/#lessons/placement-strategies/binpack');
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'placement-strategies/binpack');
  await expect(page.getByTestId('prose').first().locator('h2')).toContainText('Binpack');
  // An unknown id falls back to the picker, and says why.
  await page.goto('/#lessons/no-such/exercise');
  await page.reload();
  await expect(page.getByTestId('lesson-picker')).toBeVisible();
  await expect(page.getByTestId('lesson-not-found')).toHaveText('No exercise no-such/exercise in the course; here is the list.');
});

test('corrupted saved progress: a clear message and a reset, never a blank page', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.setItem('berth.progress', '{"version": 1, "exercises": {"x": {"status": 42'));
  await page.goto('/#lessons');
  await page.reload();
  await expect(page.getByTestId('lesson-picker')).toBeVisible();
  await expect(page.getByTestId('progress-error')).toContainText('could not be read');
  await page.getByTestId('progress-reset').click();
  await expect(page.getByTestId('progress-error')).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('berth.progress'))).toBe('{"version":1,"exercises":{}}');
});

test.describe('accessibility', () => {
  // axe is injected as a script, which the page's Content-Security-Policy forbids.
  test.use({ bypassCSP: true });
  const require = createRequire(import.meta.url);
  const AXE = require.resolve('axe-core/axe.min.js');
  async function audit(page) {
    await page.addScriptTag({ path: AXE });
    return page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×, e.g. ${v.nodes[0]?.target})`);
    });
  }

  test('the picker and an exercise have no serious accessibility violations', async ({ page }) => {
    await openLessons(page);
    expect(await audit(page)).toEqual([]);
    await item(page, EXERCISE).getByRole('button').click();
    await expect(page.getByTestId('goal')).toHaveCount(3);
    await page.getByTestId('play').click(); // pause, so the page holds still
    await page.getByTestId('show-hint').click();
    expect(await audit(page)).toEqual([]);
  });
});
