// Classroom features: a chapter's printable summary, the class link of an exercise, and
// progress moved between browsers with Export / Import progress.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';

test('a chapter summary opens from the picker, prints without the page chrome, and a bad one says so', async ({ page }) => {
  await page.goto('/#lessons');
  const link = page.locator('[data-chapter=task-definitions] [data-testid=chapter-summary]');
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(/#summary\/task-definitions$/);
  await expect(page.getByTestId('summary').getByRole('heading').first()).toHaveText('Task definitions — summary');
  await expect(page.getByTestId('summary-print')).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header.topbar')).toBeHidden();
  await expect(page.getByTestId('summary')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('summary-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await page.goto('/#summary/no-such-chapter');
  await expect(page.getByTestId('summary-error')).toContainText('there is no chapter "no-such-chapter" in this course.');
});

test('the class link of an exercise opens that exercise', async ({ page }) => {
  await page.goto('/#lessons/task-definitions/cpu-and-memory');
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'task-definitions/cpu-and-memory');
  await page.locator('.class-link summary').click();
  const url = await page.getByTestId('class-link').inputValue();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#lessons\/task-definitions\/cpu-and-memory$/);
  await page.goto('about:blank');
  await page.goto(url);
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'task-definitions/cpu-and-memory');
});

test('export progress to a file, import it in a fresh browser, a broken file changes nothing', async ({ page, browser }) => {
  await page.goto('/#lessons');
  await page.evaluate(() => localStorage.setItem('berth.progress', JSON.stringify({
    version: 1, exercises: { 'task-definitions/cpu-and-memory': { status: 'solved', hints: 1, best: 2 }, 'clusters/add-capacity': { status: 'attempted', hints: 0 } },
  })));
  await page.reload();
  await expect(page.locator('[data-exercise="task-definitions/cpu-and-memory"]')).toHaveAttribute('data-status', 'solved');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('progress-export').click()]);
  expect(download.suggestedFilename()).toBe('berth-progress.json');
  const file = test.info().outputPath('berth-progress.json');
  await download.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(exported.exercises['task-definitions/cpu-and-memory']).toEqual({ status: 'solved', hints: 1, best: 2 });

  const fresh = await browser.newContext({ serviceWorkers: 'block' });
  const other = await fresh.newPage();
  await other.goto('/#lessons');
  await expect(other.locator('[data-exercise="task-definitions/cpu-and-memory"]')).toHaveAttribute('data-status', 'not started');
  await other.getByTestId('progress-import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "exercises": {"x": {"status": "done"}}}') });
  await expect(other.getByTestId('progress-import-result')).toContainText('Nothing was imported: this is not a Berth progress file (line 1, column');
  await expect(other.locator('[data-exercise="task-definitions/cpu-and-memory"]')).toHaveAttribute('data-status', 'not started');
  await other.getByTestId('progress-import').setInputFiles(file);
  await expect(other.getByTestId('progress-import-result')).toHaveText('Imported 2 exercise record(s): 2 improved your progress; 1 solved in all now.');
  await expect(other.locator('[data-exercise="task-definitions/cpu-and-memory"]')).toHaveAttribute('data-status', 'solved');
  await other.reload();
  await expect(other.locator('[data-exercise="clusters/add-capacity"]')).toHaveAttribute('data-status', 'attempted');
  await fresh.close();
});
