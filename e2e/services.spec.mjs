// The Services tab (deployment settings, Create service, Run task), Stop task from a task's
// details, and the event log's entries moving the timeline.
import { test, expect } from '@playwright/test';

const running = (page) => page.locator('[data-testid=task-chip][data-status=RUNNING]');

async function ready(page) {
  await page.goto('/');
  await expect(running(page)).toHaveCount(6);
}

test('deployment settings: the limits in words, a forced redeploy within them', async ({ page }) => {
  await ready(page);
  await page.getByTestId('tab-services').click();
  await expect(page.getByTestId('tab-services')).toHaveAttribute('aria-selected', 'true');
  const web = page.getByTestId('service-web');
  await web.locator('summary').click();
  await expect(web.locator('summary')).toContainText('web · web:1 · 6/6 running');
  await expect(page.getByTestId('svc-web-bounds')).toHaveText('with 6 desired: at least 6 healthy, at most 12 running or pending during a deployment');
  await page.getByTestId('svc-web-min').fill('50');
  await page.getByTestId('svc-web-max').fill('100');
  await expect(page.getByTestId('svc-web-bounds')).toHaveText('with 6 desired: at least 3 healthy, at most 6 running or pending during a deployment');
  await page.getByTestId('svc-web-breaker').check();
  await page.getByTestId('svc-web-rollback').check();
  await page.getByTestId('play').click(); // pause: the rollout's first moment stays on screen
  await expect(page.getByTestId('play')).toContainText('Play');
  await page.getByTestId('svc-web-redeploy').click();
  await expect(web.getByTestId('service-settings-result')).toHaveText('Saved; a new deployment replaces every task within these limits.');
  // The rollout gauge draws the limits just saved: at least 3 healthy, at most 6 tasks.
  const gauge = page.locator('[data-testid=service-summary][data-service=web] [data-testid=rollout-gauge]');
  await expect(gauge).toHaveAttribute('data-min', '3');
  await expect(gauge).toHaveAttribute('data-max', '6');
  await expect(gauge).toHaveAttribute('aria-label', /^web: \d+ healthy \(minimum 3\), \d+ tasks \(maximum 6\)/);
  // ... and says so in words beside it.
  await expect(page.locator('[data-testid=service-summary][data-service=web] [data-testid=rollout-gauge-text]')).toHaveText(/^ ?healthy \d+ \(min 3\) · tasks \d+ \(max 6\) · \d+ new, \d+ old$/);
  await page.getByTestId('play').click();
  // maximumPercent 100: the rollout stops tasks before starting new ones, never above 6 tasks.
  await expect(page.locator('[data-testid=event][data-kind=deploymentStarted]').first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('services-tab.png') });

  // A rollback without a circuit breaker is refused with the field named.
  await page.getByTestId('svc-web-breaker').uncheck();
  await page.getByTestId('svc-web-apply').click();
  await expect(web.getByTestId('service-settings-result')).toHaveText('Rollback: needs the circuit breaker turned on');
});

test('create a service and run standalone tasks from the Services tab', async ({ page }) => {
  await ready(page);
  await page.getByTestId('play').click(); // pause: exact counts below
  await page.getByTestId('tab-services').click();
  const create = page.getByTestId('create-service');
  await create.locator('summary').click();
  await page.getByTestId('create-service-name').fill('my api');
  await page.getByTestId('create-service-desired').fill('2');
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText("Service name: ' ' is not allowed: use letters, digits, hyphens and underscores");
  await page.getByTestId('create-service-name').fill('api');
  await page.getByTestId('create-service-strategy').selectOption('binpack-memory');
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText('Created service api: the scheduler is placing 2 task(s).');
  await page.getByTestId('play').click();
  await expect(running(page)).toHaveCount(8);
  await expect(page.getByTestId('service-api')).toBeVisible();

  // The same name again: the engine refuses, the message says why.
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toContainText('Not created:');

  const run = page.getByTestId('run-task');
  await run.locator('summary').click();
  await page.getByTestId('run-task-count').fill('11');
  await page.getByTestId('run-task-submit').click();
  await expect(page.getByTestId('run-task-result')).toHaveText('Count: 11 is more than the 10 Berth allows');
  await page.getByTestId('run-task-count').fill('2');
  await page.getByTestId('run-task-submit').click();
  await expect(page.getByTestId('run-task-result')).toHaveText('Started 2 standalone task(s) of web.');
  await expect(running(page)).toHaveCount(10);
});

test('stop a task from its details: the service replaces it', async ({ page }) => {
  await ready(page);
  await page.getByTestId('play').click(); // hold still
  // The accessible table lists every task; open the first one's details from the canvas hit.
  const canvas = page.getByTestId('cluster-canvas');
  const box = await canvas.boundingBox();
  // The first chip of the first card (see e2e/cluster.spec.mjs for the layout numbers).
  await page.mouse.click(box.x + 6 + 8 + 10, box.y + 38 + 8 + 26 + 8 + 22 + 30 + 10);
  await expect(page.getByTestId('details-title')).toHaveText(/^Task web-\d+$/);
  const id = (await page.getByTestId('details-title').textContent()).replace('Task ', '');
  await page.getByTestId('details-stop-task').click();
  await expect(page.getByTestId('details-task-status')).toContainText('desired STOPPED');
  await page.getByTestId('play').click();
  await expect(page.locator(`[data-testid=task-chip][data-task="${id}"]`)).toHaveCount(0);
  await expect(running(page)).toHaveCount(6);
  await expect(page.locator('[data-testid=event][data-kind=taskStopped]').first()).toBeVisible();
});

test('clicking an event moves the timeline to its moment', async ({ page }) => {
  await ready(page);
  await page.getByTestId('play').click();
  const first = page.locator('[data-testid=event]').last(); // newest first: the oldest is last
  const t = Number(await first.getAttribute('data-t'));
  await first.locator('button').click();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  expect(t).toBe(0); // the scenario's first event
  await expect(page.getByTestId('clock')).toContainText('00:00:00');
  await expect(page.getByTestId('timeline-status')).toContainText('Viewing the past');
  await page.getByTestId('go-live').click();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'true');
});

test('an existing service: change its placement and turn on Service Auto Scaling', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  await page.getByTestId('tab-services').click();
  const web = page.getByTestId('service-web');
  await web.locator('summary').click();
  await expect(page.getByTestId('svc-web-placement-now')).toHaveText('Now: spread(attribute:ecs.availability-zone) → spread(instanceId); no constraints');
  // The open forms fit the page: nothing scrolls sideways (a long strategy option once did).
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  // ... and the strategy select and the memberOf field show their whole text (the current
  // strategy is spelled out once, in "Now:").
  await expect(page.getByTestId('svc-web-placement-strategy').locator('option').first()).toHaveText('keep the current strategy');
  for (const id of ['svc-web-placement-strategy', 'svc-web-member-of']) {
    const el = page.getByTestId(id);
    const fits = await el.evaluate((e) => {
      const c = document.createElement('canvas').getContext('2d');
      c.font = getComputedStyle(e).font;
      const shown = e.tagName === 'SELECT' ? e.options[e.selectedIndex].text : e.placeholder;
      return c.measureText(shown).width + 24 <= e.clientWidth;
    });
    expect(fits, id).toBe(true);
  }
  // Binpack on memory: a new deployment packs all six tasks onto one instance.
  await page.getByTestId('svc-web-placement-strategy').selectOption('binpack-memory');
  await page.getByTestId('svc-web-placement-apply').click();
  await expect(page.getByTestId('placement-result')).toContainText('Saved. If the placement changed, a new deployment moves every task');
  await expect(page.getByTestId('svc-web-placement-now')).toHaveText('Now: binpack(memory); no constraints');
  await page.getByTestId('speed').selectOption('4'); // 64×
  await expect.poll(async () => page.evaluate(() => {
    const used = [...document.querySelectorAll('[data-testid=instance]')].filter((i) => i.querySelector('[data-testid=task-chip][data-status=RUNNING]'));
    return used.length;
  }), { timeout: 30_000 }).toBe(1);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  // A bad cluster query is refused with the field named.
  await page.getByTestId('svc-web-member-of').fill('attribute:ecs.instance-type ==');
  await page.getByTestId('svc-web-placement-apply').click();
  await expect(page.getByTestId('placement-result')).toContainText('memberOf expression:');

  // Service Auto Scaling: 2–4 tasks moves the desired count from 6 to 4 at once.
  await page.getByTestId('svc-web-as-enabled').check();
  await page.getByTestId('svc-web-as-min').fill('2');
  await page.getByTestId('svc-web-as-max').fill('4');
  await page.getByTestId('svc-web-as-target').fill('60');
  await page.getByTestId('svc-web-as-apply').click();
  await expect(page.getByTestId('scaling-result')).toContainText('Saved: between 2 and 4 tasks');
  await expect(web.locator('summary')).toContainText('/4 running');
  await page.getByTestId('tab-editor').click();
  await page.getByTestId('tab-services').click();
  await web.locator('summary').click();
  await expect(page.getByTestId('svc-web-as-enabled')).toBeChecked();
  await expect(page.getByTestId('svc-web-as-target')).toHaveValue('60');
  await page.screenshot({ path: test.info().outputPath('service-settings.png'), fullPage: true });
});
