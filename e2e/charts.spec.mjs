// The Charts tab: plotters canvases of the selected service's metrics, the live summary for
// screen readers, the traffic control (journaled like any learner action) and the shared time
// axis that follows the timeline's scrubber.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// Pixels of a canvas that are not (near) white.
const inked = (page, id) =>
  page.getByTestId(id).evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230) n++;
    return n;
  });

const cpuOf = async (page) => {
  const text = await page.getByTestId('charts-summary').textContent();
  const m = /CPU (\d+(?:\.\d+)?) %/.exec(text || '');
  return m ? Number(m[1]) : null;
};

test('charts: a load from the slider raises CPU, the charts draw it, the axis follows scrubbing', async ({ page }) => {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await page.goto('/');
  await expect(page.getByTestId('task-chip')).toHaveCount(6);

  // The tabs: Editor first (the editor is there), Charts by click; arrow keys switch back.
  await expect(page.getByTestId('tab-editor')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('tab-charts').click();
  await expect(page.getByTestId('tab-charts')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('charts')).toBeVisible();
  await expect(page.getByTestId('charts-service')).toHaveValue('web');
  await expect(page.getByTestId('charts-summary')).toContainText('web at');
  await expect(page.getByTestId('charts-summary')).toContainText('no traffic yet');
  await expect(page.getByTestId('charts-first-minute')).toBeVisible();
  await expect(page.locator('canvas[data-testid^=chart-]')).toHaveCount(5);
  // An ECS service: the list is labelled Service, and all five charts show (p95 latency too).
  await expect(page.locator('.charts-controls label')).toHaveText(/^Service /);
  await expect(page.locator('.chart figcaption:visible')).toHaveText(['CPU and memory utilisation', 'Tasks', 'Requests and 5xx per second', 'p95 latency', 'Hourly cost']);
  await page.getByTestId('chart-4').screenshot({ path: test.info().outputPath('charts-empty-cost.png') });

  // Before any load the slider says so: 0 requests/s, not a made-up default.
  await expect(page.getByTestId('rps-value')).toHaveText('0');
  await expect(page.getByTestId('rps-slider')).toHaveValue('0');
  // 50 requests/s on six 0.25-vCPU tasks (25 requests/s each at 10 ms a request): CPU 33.3 %.
  await page.getByTestId('rps-slider').fill('50');
  await expect(page.getByTestId('rps-value')).toHaveText('50');
  await expect(page.getByTestId('charts-summary')).toContainText('CPU 33.3 %', { timeout: 15_000 });
  await expect(page.getByTestId('charts-summary')).toContainText('50.0 requests/s offered');
  const low = await cpuOf(page);
  // The instance cards now show what the tasks use inside what they reserve: i-01's one task
  // uses a third of its 256 units.
  await page.getByRole('button', { name: 'Details of i-01' }).click();
  await expect(page.getByTestId('details-used')).toContainText('In use now (traffic): 85 CPU units and');
  await page.keyboard.press('Escape');
  // ... as the darker band inside the cards' bars (#0a3069), drawn over the reserved part.
  const band = () => page.locator('canvas.cv-base').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 10) < 8 && Math.abs(d[i + 1] - 48) < 8 && Math.abs(d[i + 2] - 105) < 8) n++;
    return n;
  });
  await expect.poll(band).toBeGreaterThan(50);

  // Up to 120 requests/s at max speed: CPU 80 %.
  await page.getByTestId('speed').selectOption('5');
  await page.getByTestId('rps-slider').fill('120');
  await expect(page.getByTestId('charts-summary')).toContainText('CPU 80.0 %', { timeout: 15_000 });
  expect(await cpuOf(page)).toBeGreaterThan(low);
  // Both loads are journal marks on the timeline (recorded learner actions).
  await expect.poll(async () => Number((await page.getByTestId('clock').textContent()).slice(3, 5)), { timeout: 20_000 }).toBeGreaterThanOrEqual(20);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toContainText('Play');

  for (let i = 0; i < 5; i++) expect(await inked(page, `chart-${i}`)).toBeGreaterThan(500);
  await page.screenshot({ path: test.info().outputPath('charts-live.png'), fullPage: true });
  const liveAxis = await page.getByTestId('charts-axis').textContent();
  const livePixels = await page.getByTestId('chart-0').evaluate((c) => c.toDataURL());

  // Scrub back to 00:05:00: the axis ends there and the charts are redrawn with less data.
  await page.getByTestId('scrubber').fill('300000');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  await expect(page.getByTestId('charts-axis')).toHaveText('Time axis: 00:00 to 00:05:00 (virtual).');
  expect(liveAxis).not.toContain('00:05:00');
  await expect.poll(() => page.getByTestId('chart-0').evaluate((c) => c.toDataURL())).not.toBe(livePixels);
  await expect(page.getByTestId('charts-summary')).toContainText('web at 00:05:00;');
  await page.screenshot({ path: test.info().outputPath('charts-scrubbed.png'), fullPage: true });

  // Keyboard: ArrowLeft on the focused tab goes to the previous tab (Services), then the editor.
  await page.getByTestId('tab-charts').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('tab-services')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-services')).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('tab-editor')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-editor')).toBeFocused();
  await expect(page.getByTestId('taskdef-editor')).toBeVisible();
  // No drawing errors, and no Content-Security-Policy violations (plotters used to measure text
  // with a styled <span>, which the page's policy refuses).
  expect(errors.filter((e) => e.includes('chart') || e.includes('Content Security Policy'))).toEqual([]);
});

test('charts: a spike preset is applied as a recorded action', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('task-chip')).toHaveCount(6);
  await page.getByTestId('tab-charts').click();
  // Setting the slider fires its change: a constant load, itself a recorded action. Count the
  // marks once that one is on the timeline (counting earlier raced with it).
  const before = await page.locator('[data-testid=timeline] [data-testid=learner-mark]').count();
  await page.getByTestId('rps-slider').fill('100');
  await expect(page.locator('[data-testid=timeline] [data-testid=learner-mark]')).toHaveCount(before + 1);
  await page.getByTestId('load-preset').selectOption('spike');
  const marks = await page.locator('[data-testid=timeline] [data-testid=learner-mark]').count();
  await page.getByTestId('apply-load').click();
  // Base 10 requests/s until the spike a minute later.
  await expect(page.getByTestId('charts-summary')).toContainText('10.0 requests/s offered', { timeout: 15_000 });
  await expect(page.locator('[data-testid=timeline] [data-testid=learner-mark]')).toHaveCount(marks + 1);
  // A minute later the spike: 100 requests/s for 5 minutes.
  await page.getByTestId('speed').selectOption('4'); // 64×: the minute passes in about a second
  await expect(page.getByTestId('charts-summary')).toContainText('100.0 requests/s offered', { timeout: 15_000 });
});

test('charts: the Autoscaling lab sample shows the 70 % target and scales out under its ramp', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/');
  await page.getByTestId('tab-charts').click();
  await page.getByTestId('open-lab').click();
  await expect(page.getByTestId('notice').first()).toHaveAttribute('data-kind', 'example-opened');
  await expect(page.locator('[data-testid=scenario-picker] option:checked')).toContainText('Lab: target tracking');
  // It opens where its button was, the Charts tab, at the top of the page with its notice.
  await expect(page.getByTestId('tab-charts')).toHaveAttribute('aria-selected', 'true');
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expect(page.getByTestId('open-lab')).toHaveCount(0);
  await page.getByTestId('speed').selectOption('4'); // 64×: a virtual minute a second
  await expect(page.getByTestId('notice').first()).toHaveText(/^Opened the example “Lab: target tracking on CPU and memory behind an ALB”\. .*It is paused: press Play to go on\./);
  await page.getByTestId('play').click();
  // Once it plays, the notice no longer tells the learner to press Play.
  await expect(page.getByTestId('notice').first()).not.toContainText('press Play');
  const summary = page.getByTestId('charts-summary');
  await expect(summary).toContainText('(target 70 %)', { timeout: 15_000 });
  await expect(summary).toContainText('(target 80 %)');
  await expect(summary).toContainText('autoscaling 2–10 tasks');
  // The ramp to 250 requests/s pushes desired above the initial 3.
  await expect.poll(async () => Number(/tasks (\d+) desired/.exec(await summary.textContent())?.[1] ?? 0), { timeout: 40_000 }).toBeGreaterThan(3);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toContainText('Play');
  for (let i = 0; i < 5; i++) expect(await inked(page, `chart-${i}`)).toBeGreaterThan(500);
  // The targets are dark dashed lines (#0b3b7a for CPU, #8a3f00 for memory) that read on a
  // projector; the legend sits above the plot, not over them.
  const targetPixels = (rgb) => page.getByTestId('chart-0').evaluate((c, [r, g, b]) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - g) < 12 && Math.abs(d[i + 2] - b) < 12) n++;
    return n;
  }, rgb);
  expect(await targetPixels([0x0b, 0x3b, 0x7a])).toBeGreaterThan(300);
  expect(await targetPixels([0x8a, 0x3f, 0x00])).toBeGreaterThan(300);
  // Dashed: along the 70 % line, some pixels are the target's colour and some are not.
  const dashes = await page.getByTestId('chart-0').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let best = { row: -1, on: 0 };
    for (let y = 40; y < c.height; y++) {
      let on = 0;
      for (let x = 0; x < c.width; x++) {
        const i = (y * c.width + x) * 4;
        if (Math.abs(d[i] - 0x0b) < 12 && Math.abs(d[i + 1] - 0x3b) < 12 && Math.abs(d[i + 2] - 0x7a) < 12) on++;
      }
      if (on > best.on) best = { row: y, on };
    }
    return best.on;
  });
  expect(dashes).toBeGreaterThan(150);
  expect(dashes).toBeLessThan(330);
  await page.getByTestId('chart-0').screenshot({ path: test.info().outputPath('charts-lab-cpu.png') });
  await page.screenshot({ path: test.info().outputPath('charts-lab.png'), fullPage: true });
});

test('charts: without traffic the task counts and the hourly cost are drawn, the same after a reload', async ({ page }) => {
  // The sample has no traffic: the Tasks and Hourly cost charts draw the engine's minute metrics
  // (task counts, cluster/HourlyCost), which a replay records again, so a reload (or a share
  // link, or a scrub) redraws the same lines.
  test.setTimeout(60_000);
  await page.goto('/');
  await expect(page.getByTestId('task-chip')).toHaveCount(6);
  await page.getByTestId('tab-charts').click();
  // The sample plays on its own.
  await page.getByTestId('speed').selectOption('5');
  await expect.poll(async () => Number((await page.getByTestId('clock').textContent()).slice(3, 5)), { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toContainText('Play');
  const pixels = () => Promise.all(['chart-1', 'chart-4'].map((id) => page.getByTestId(id).evaluate((c) => c.toDataURL())));
  await page.getByTestId('scrubber').fill('30000');
  await expect(page.getByTestId('charts-axis')).toHaveText('Time axis: 00:00 to 00:00:30 (virtual).');
  const [noTasks, noCost] = await pixels();
  await page.getByTestId('scrubber').fill('360000');
  await expect(page.getByTestId('charts-axis')).toHaveText('Time axis: 00:00 to 00:06:00 (virtual).');
  await expect.poll(async () => (await pixels())[0]).not.toBe(noTasks);
  await expect.poll(async () => (await pixels())[1]).not.toBe(noCost);
  const before = await pixels();
  await page.screenshot({ path: test.info().outputPath('charts-no-traffic.png'), fullPage: true });

  await page.reload();
  await expect(page.getByTestId('task-chip').first()).toBeVisible();
  await page.getByTestId('tab-charts').click();
  await page.getByTestId('scrubber').fill('360000');
  await expect(page.getByTestId('charts-axis')).toHaveText('Time axis: 00:00 to 00:06:00 (virtual).');
  await expect.poll(pixels).toEqual(before);
});

test.describe('accessibility', () => {
  // axe is injected as a script, which the page's Content-Security-Policy forbids.
  test.use({ bypassCSP: true });
  test('the Charts tab has no serious accessibility violations', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('task-chip')).toHaveCount(6);
    await page.getByTestId('tab-charts').click();
    await page.getByTestId('rps-slider').fill('60');
    await expect(page.getByTestId('charts-summary')).toContainText('60.0 requests/s offered');
    await page.getByTestId('play').click();
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target}`);
    });
    expect(violations).toEqual([]);
  });
});
