// The lesson builder: record a solution in the sandbox, make goals from the cluster, check the
// lesson, share it as a link, open the link and solve it; open a lesson file from the picker;
// damaged links and files get a message; leaving with unsaved builder work asks first.
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';

const chips = (page) => page.getByTestId('task-chip');

async function freshSandbox(page) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
}

async function scaleTo(page, n) {
  await page.getByTestId('desired-web').fill(String(n));
  await page.getByTestId('desired-web').press('Enter');
  await page.getByTestId('desired-web').blur();
}

/// Records "scale web to 9" with the goal "9 running tasks of web"; returns the builder panel.
async function buildLesson(page) {
  await freshSandbox(page);
  await page.getByTestId('tab-builder').click();
  const b = page.getByTestId('builder');
  await expect(b).toBeVisible();
  await b.getByTestId('builder-start').click();
  await expect(b.getByTestId('builder-recording')).toContainText('Recording since');
  // Work in the other tabs while recording, then come back to stop.
  await page.getByTestId('tab-editor').click();
  await scaleTo(page, 9);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(9);
  await page.getByTestId('tab-builder').click();
  await expect(b.getByTestId('builder-recording')).toBeVisible();
  await b.getByTestId('builder-stop').click();
  await expect(b.getByTestId('builder-said')).toContainText('Recorded 1 action(s)');
  await expect(b.getByTestId('builder-step').filter({ hasText: 'updateService' })).toContainText('desiredCount 9');
  // Fields left at their defaults (null, false) are not listed.
  await expect(b.getByTestId('builder-step').filter({ hasText: 'updateService' })).not.toContainText('null');
  // Goals offered from the cluster as it is now.
  const running = b.getByTestId('builder-suggestion').filter({ hasText: /^9 running tasks of web/ });
  await expect(running).toHaveCount(1);
  await running.getByRole('button', { name: 'Make this a goal' }).click();
  await expect(b.getByTestId('builder-goal')).toHaveCount(1);
  await expect(b.getByTestId('builder-goal').first()).toContainText('9 running tasks of web');
  await b.getByTestId('builder-title').fill('Nine web tasks');
  await b.getByTestId('builder-id').fill('my-lessons/nine');
  await b.getByTestId('builder-prose').fill('## Scale out\n\nRun **nine** web tasks.');
  await b.getByTestId('builder-hints').fill('Look at the Services tab.\nSet the desired count.');
  return b;
}

test('record a lesson in the sandbox, check it, share it, open the link and solve it', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const b = await buildLesson(page);
  await b.getByTestId('builder-check').click();
  await expect(b.getByTestId('builder-report')).toContainText('✓ Ready');
  await page.screenshot({ path: test.info().outputPath('builder.png') });

  // A goal typed in the goal language: a mistake is shown with its line, a good one is added.
  await b.locator('summary', { hasText: 'Write a goal' }).click();
  await b.getByTestId('builder-goal-text').fill('{"service": "web",\n "runing": 6}');
  await b.getByTestId('builder-add-goal').click();
  await expect(b.getByTestId('builder-goal-error')).toContainText('goal:2:');
  await b.getByTestId('builder-goal-text').fill('{"instances": {"==": 6}}');
  await b.getByTestId('builder-add-goal').click();
  await expect(b.getByTestId('builder-goal')).toHaveCount(2);
  await expect(b.getByTestId('builder-goal').nth(1)).toContainText('6 instances');
  await b.getByRole('button', { name: 'Remove goal 2' }).click();
  await expect(b.getByTestId('builder-goal')).toHaveCount(1);

  await b.getByTestId('builder-share').click();
  const link = await b.getByTestId('builder-link').inputValue();
  expect(link).toMatch(/#lesson=[A-Za-z0-9_-]+$/);

  // The draft survives switching tabs and reloading.
  await page.reload();
  await page.getByTestId('tab-builder').click();
  await expect(page.getByTestId('builder-title')).toHaveValue('Nine web tasks');
  await expect(page.getByTestId('builder-goal')).toHaveCount(1);

  // Open the link: the exercise, its prose and its goal, not yet met.
  await page.goto(link);
  const ex = page.getByTestId('exercise');
  await expect(ex).toHaveAttribute('data-exercise', 'my-lessons/nine');
  await expect(page.getByTestId('linked-lesson-notice')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Scale out' })).toBeVisible();
  const goal = page.getByTestId('goal');
  await expect(goal).toHaveCount(1);
  await expect(goal.first()).toHaveAttribute('data-ok', 'false');
  await page.getByTestId('show-hint').click();
  await expect(page.getByTestId('hint')).toHaveText('Look at the Services tab.');
  // Solve it as the author did.
  await scaleTo(page, 9);
  await expect(goal.first()).toHaveAttribute('data-ok', 'true');
  await expect(ex).toHaveAttribute('data-status', 'solved');
  expect(errors).toEqual([]);
});

test('a lesson file opens from the picker; a damaged file or link says where and why', async ({ page }) => {
  const b = await buildLesson(page);
  const [download] = await Promise.all([page.waitForEvent('download'), b.getByTestId('builder-download').click()]);
  expect(download.suggestedFilename()).toBe('nine.json');
  const text = await readFile(await download.path(), 'utf8');
  expect(JSON.parse(text).solution.some((a) => a.action === 'updateService' && a.desiredCount === 9)).toBe(true);

  await page.getByTestId('mode-lessons').click();
  const input = page.getByTestId('lesson-file-open');
  // A file that is not a lesson: the error names the file, line and column.
  await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"lesson": 1,\n  "id": 5}') });
  await expect(page.getByTestId('lesson-file-error')).toContainText('broken.json:2:');
  // The downloaded lesson opens as an exercise.
  await input.setInputFiles({ name: 'nine.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'my-lessons/nine');

  // A link cut short.
  const payload = page.url().split('#lesson=')[1];
  await page.goto('/#lesson=' + payload.slice(0, Math.floor(payload.length / 2)));
  await expect(page.getByTestId('linked-lesson-error')).toContainText('This lesson link could not be opened');
  await expect(page.getByTestId('linked-lesson-error')).toContainText('damaged');
});

test('leaving the page with builder work not yet saved asks first', async ({ page }) => {
  await freshSandbox(page);
  await page.getByTestId('tab-builder').click();
  // Typed by the keyboard: Chromium asks only on a page the user has interacted with.
  await page.getByTestId('builder-title').click();
  await page.keyboard.type('Unsaved work');
  await expect(page.getByTestId('builder-title')).toHaveValue('Unsaved work');
  let asked = null;
  page.on('dialog', async (d) => {
    asked = d.type();
    await d.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => asked).toBe('beforeunload');
});
