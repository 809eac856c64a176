// The cluster view: the canvas picture, clicking it (hit-testing), the details panel with its
// actions, "Why here?" / "Why pending?", event filters, reduced motion.
//
// Canvas coordinates follow src/ui/cluster_view/layout.rs at the "full" density: the pending
// lane is 38 px high, the zone columns start 8 px below it with a 26 px header, cards are inset
// 6 px; inside a card: 8 px padding, a 22 px header, two bars of 12 + 3 px, then the chips (20 px).
import { test, expect } from '@playwright/test';
import { deflateRawSync } from 'node:zlib';

const PENDING_H = 38, TOP = PENDING_H + 8, HEADER = 26, PAD = 6;
const CARD_PAD = 8, CARD_HEADER = 22, BARS = 2 * (12 + 3);

async function canvasBox(page) {
  const canvas = page.getByTestId('cluster-canvas');
  await expect(canvas).toBeVisible();
  return canvas.boundingBox();
}

/** Click at (x, y) CSS pixels from the canvas's top left. */
async function clickCanvas(page, x, y) {
  const box = await canvasBox(page);
  await page.mouse.click(box.x + x, box.y + y);
}

/** The first card of the first zone column, and its first chip. */
const FIRST_CARD = { x: PAD + 40, y: TOP + HEADER + 12 };
const FIRST_CHIP = { x: PAD + CARD_PAD + 10, y: TOP + HEADER + CARD_PAD + CARD_HEADER + BARS + 10 };

async function ready(page) {
  await page.goto('/');
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  await expect(page.getByTestId('cluster-canvas')).toHaveAttribute('data-density', 'full');
}

test('the canvas is drawn: zones, cards and chips in colour', async ({ page }) => {
  await ready(page);
  const stats = await page.evaluate(() => {
    const c = document.querySelector('canvas.cv-base');
    const ctx = c.getContext('2d');
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let painted = 0, coloured = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) painted++;
      // Saturated pixels: service colours and bars, not greys.
      const max = Math.max(d[i], d[i + 1], d[i + 2]), min = Math.min(d[i], d[i + 1], d[i + 2]);
      if (d[i + 3] > 200 && max - min > 80) coloured++;
    }
    return { w: c.width, h: c.height, painted, coloured, total: d.length / 4 };
  });
  expect(stats.w).toBeGreaterThan(300);
  expect(stats.h).toBeGreaterThan(200);
  expect(stats.painted / stats.total).toBeGreaterThan(0.5);
  expect(stats.coloured).toBeGreaterThan(1000);
  await page.getByTestId('play').click();
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('canvas.png') });
});

test('click an instance on the canvas: details with its type and AZ; Drain from the panel', async ({ page }) => {
  await ready(page);
  await clickCanvas(page, FIRST_CARD.x, FIRST_CARD.y);
  const panel = page.getByTestId('details');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('details-title')).toHaveText('Instance i-01');
  await expect(page.getByTestId('details-type')).toHaveText('m5.large');
  await expect(page.getByTestId('details-az')).toHaveText('us-east-1a');
  // m5.large registers 2048 CPU units; the one web task reserves 256.
  await expect(page.getByTestId('details-free-cpu')).toHaveText('1792');
  await expect(panel).toContainText('$0.0960 per hour');
  await expect(panel).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('instance-details.png') });

  await page.getByTestId('details-drain').click();
  await expect(page.locator('[data-testid=instance][data-instance="i-01"]')).toHaveAttribute('data-status', 'DRAINING');
  await expect(page.getByTestId('details-status')).toContainText('DRAINING');
  await expect(page.getByTestId('details-drain')).toBeDisabled();
  // Its task is replaced elsewhere: i-01 ends up empty, six tasks run.
  await expect(page.locator('[data-testid=instance][data-instance="i-01"] [data-testid=task-chip]')).toHaveCount(0);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  await expect(page.getByTestId('details-free-cpu')).toHaveText('2048');
  await page.getByTestId('play').click();
  await page.screenshot({ path: test.info().outputPath('draining.png') });
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
});

test('click a task: its revision, history and Why here with the winner highlighted', async ({ page }) => {
  await ready(page);
  await page.getByTestId('play').click(); // hold still
  await clickCanvas(page, FIRST_CHIP.x, FIRST_CHIP.y);
  await expect(page.getByTestId('details-title')).toHaveText(/^Task web-\d+$/);
  const id = (await page.getByTestId('details-title').textContent()).replace('Task ', '');
  // The chip clicked is the one the table lists on i-01.
  await expect(page.locator(`[data-testid=instance][data-instance="i-01"] [data-task="${id}"]`)).toHaveCount(1);
  await expect(page.getByTestId('details-taskdef')).toHaveText('web:1');
  await expect(page.getByTestId('details-task-status')).toHaveText('RUNNING (desired RUNNING)');
  await expect(page.getByTestId('details-capacity-provider')).toHaveText('none (launch type EC2)');
  await expect(page.getByTestId('pod-facts')).toHaveCount(0);
  await expect(page.getByTestId('details-history')).toContainText('placed');
  await expect(page.getByTestId('details-history')).toContainText('RUNNING');
  const why = page.getByTestId('why-here');
  await expect(why).toBeVisible();
  await expect(page.getByTestId('why-verdict')).toHaveText('placed on i-01');
  // Every instance is a candidate; exactly one row is the winner, i-01.
  await expect(why.getByTestId('why-row')).toHaveCount(6);
  const winner = why.locator('[data-testid=why-row][data-winner=true]');
  await expect(winner).toHaveCount(1);
  await expect(winner).toHaveAttribute('data-instance', 'i-01');
  await expect(winner).toHaveClass(/winner/);
  // Both default strategies are columns.
  await expect(why.locator('thead')).toContainText('spread(attribute:ecs.availability-zone)');
  await expect(why.locator('thead')).toContainText('spread(instanceId)');
  // Long strategy names wrap inside their column: the whole table fits the panel, no sideways scroll.
  const fits = () => why.locator('.cv-why-scroll').evaluate((e) => e.scrollWidth <= e.clientWidth);
  expect(await fits()).toBe(true);
  await page.screenshot({ path: test.info().outputPath('why-here.png') });
  // The same panel opens from the table, by keyboard.
  await page.keyboard.press('Escape');
  await page.locator(`[data-testid=task-chip][data-task="${id}"]`).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('details-title')).toHaveText(`Task ${id}`);
  await expect(page.getByTestId('details')).toBeFocused();
});

test('a task that cannot be placed: Why pending? names the check and the numbers', async ({ page }) => {
  await ready(page);
  const editor = page.getByTestId('taskdef-editor');
  const original = await editor.inputValue();
  // 1024 CPU units: two per m5.large, so 12 fit and the 13th waits.
  await editor.fill(original.replace('"cpu": 256,', '"cpu": 1024,').replace('"memory": 512,', '"memory": 3072,'));
  await page.getByTestId('deploy').click();
  await expect(page.locator('[data-testid=task-chip][data-revision="2"][data-status=RUNNING]')).toHaveCount(6);
  await page.getByTestId('desired-web').fill('13');
  await page.getByTestId('desired-web').blur();
  await expect(page.getByTestId('unplaced')).toContainText('1 × web waiting');
  // The Unplaced box shows while something waits (and only then: see the table view test).
  await expect(page.getByTestId('pending-queue')).toBeVisible();
  await page.getByTestId('play').click();
  // The pending group on the canvas: the lane is on top, the first group starts at x = 92.
  await clickCanvas(page, 100, PENDING_H / 2);
  const why = page.getByTestId('why-pending');
  await expect(why).toBeVisible();
  await expect(page.getByTestId('details-title')).toHaveText('Unplaced: web');
  await expect(why.locator('h3')).toHaveText('Why not placed?');
  await expect(page.getByTestId('details-pending-count')).toHaveText('1 × web waiting for room: no instance passes every check. The scheduler tries again after every change in the cluster.');
  await expect(why.getByTestId('why-row')).toHaveCount(6);
  await expect(why.locator('[data-testid=why-row][data-winner=true]')).toHaveCount(0);
  await expect(why).toContainText('needs 1024 CPU units, 0 free');
  // All six failed the same check after the same checks: none is singled out as the closest
  // match, one line says they failed alike (and the Unplaced list says the same).
  await expect(why.locator('tr.closest')).toHaveCount(0);
  await expect(why).not.toContainText(/closest/i);
  await expect(page.getByTestId('why-alike')).toHaveText('All 6 instances rejected alike by cpu (needs 1024 CPU units, 0 free).');
  await expect(page.getByTestId('why-verdict')).toHaveText('no container instance met all of its requirements');
  await expect(page.getByTestId('unplaced')).toContainText('All 6 instances rejected alike by cpu');
  await expect(page.getByTestId('unplaced')).not.toContainText('closest');
  await page.screenshot({ path: test.info().outputPath('why-pending.png') });
  // The list's button opens the same panel, from the keyboard.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('details')).toHaveCount(0);
  await page.getByTestId('why-pending-open').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('why-pending')).toBeVisible();
  // Esc gives the focus back to the button that opened the panel.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('details')).toHaveCount(0);
  await expect(page.getByTestId('why-pending-open')).toBeFocused();
});

test('event filters narrow the list', async ({ page }) => {
  await ready(page);
  await page.getByTestId('play').click();
  const events = page.getByTestId('event');
  const all = await events.count();
  expect(all).toBeGreaterThan(10);
  await page.getByTestId('event-filter-kind').selectOption('taskPlaced');
  await expect(events).toHaveCount(6);
  for (const e of await events.all()) await expect(e).toHaveAttribute('data-kind', 'taskPlaced');
  await page.getByTestId('event-filter-kind').selectOption('');
  await page.getByTestId('event-filter-level').selectOption('warning');
  await expect(events).toHaveCount(0);
  await page.getByTestId('event-filter-level').selectOption('');
  await page.getByTestId('event-filter-service').selectOption('web');
  const web = await events.count();
  expect(web).toBeGreaterThan(6);
  expect(web).toBeLessThan(all);
  // Matches are counted over the run's whole log.
  await expect(page.getByTestId('event-filter-count')).toHaveText(new RegExp(`^${web} of \\d+ events match$`));
  // Terminating an instance adds a warning the severity filter keeps.
  await page.getByTestId('event-filter-service').selectOption('');
  await page.getByRole('button', { name: 'Terminate i-03' }).click();
  await page.getByTestId('event-filter-level').selectOption('warning');
  await expect(page.locator('[data-testid=event][data-kind=instanceTerminated]')).toHaveCount(1);
  for (const e of await events.all()) await expect(e).toHaveClass(/warning|error/);
  await page.getByTestId('event-filter-clear').click();
  expect(await events.count()).toBeGreaterThan(all);
});

test('motion: a new task flies in; with reduced motion nothing moves', async ({ page }) => {
  await ready(page);
  const canvas = page.getByTestId('cluster-canvas');
  await page.getByTestId('desired-web').fill('9');
  await page.getByTestId('desired-web').blur();
  await expect.poll(async () => Number(await canvas.getAttribute('data-animating')), { timeout: 5000 }).toBeGreaterThan(0);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(9);
  await expect(canvas).toHaveAttribute('data-animating', '0');

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.getByTestId('desired-web').fill('12');
  await page.getByTestId('desired-web').blur();
  // Sample often while the new tasks appear: never an animation.
  const seen = [];
  for (let i = 0; i < 40; i++) {
    seen.push(Number(await canvas.getAttribute('data-animating')));
    await page.waitForTimeout(50);
  }
  await expect(page.locator('[data-testid=task-chip]')).toHaveCount(12);
  expect(Math.max(...seen)).toBe(0);
});

test('Spot interruption from the panel: the card shows a countdown', async ({ page }) => {
  await ready(page);
  await clickCanvas(page, FIRST_CARD.x, FIRST_CARD.y);
  await page.getByTestId('details-spot-interrupt').click();
  await expect(page.getByTestId('details-spot')).toContainText('Spot interruption: reclaimed at');
  await expect(page.locator('[data-testid=instance][data-instance="i-01"]')).toHaveAttribute('data-status', 'DRAINING');
  await page.getByTestId('play').click();
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('spot.png') });
});

test('a scripted Spot interruption (a lesson timeline) shows its countdown too', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/#lessons/failures/spot-warning');
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'failures/spot-warning');
  await page.getByTestId('speed').selectOption('4'); // 64×
  if ((await page.getByTestId('play').textContent()).includes('Play')) await page.getByTestId('play').click();
  await expect(page.locator('[data-testid=event][data-kind=spotInterruptionWarning]')).toHaveCount(1, { timeout: 20_000 });
  await page.getByTestId('play').click(); // pause
  await page.getByRole('button', { name: 'Details of i-01' }).click();
  await expect(page.getByTestId('details-spot')).toContainText('Spot interruption: reclaimed at 00:04:00');
});

test('the table view: zone buttons named by zone, the legend explains r2, no second "every task has a place"', async ({ page }) => {
  await ready(page);
  for (const az of ['us-east-1a', 'us-east-1b', 'us-east-1c']) {
    const b = page.getByRole('button', { name: `Take the zone down: ${az}`, exact: true });
    await expect(b).toHaveCount(1);
    await expect(b).toHaveText('Take the zone down');
    await expect(b).toHaveAttribute('data-testid', `az-toggle-${az}`);
  }
  await expect(page.locator('.cv-legend')).toContainText('r2= task definition revision 2');
  // Nothing waits: the lane on the picture says so; the box below is hidden.
  await expect(page.getByTestId('pending-queue')).toBeHidden();
  await expect(page.getByText('has a place', { exact: false })).toHaveCount(0);
  await page.getByTestId('az-toggle-us-east-1b').click();
  await expect(page.getByRole('button', { name: 'Recover the zone: us-east-1b', exact: true })).toHaveText('Recover the zone');
});

test('terminate from the table: the focus goes to the next instance, then the zone; an empty zone says so', async ({ page }) => {
  await ready(page);
  const zone = page.locator('[data-testid=az][data-az="us-east-1a"]');
  await expect(zone.getByTestId('az-empty')).toBeHidden();
  await page.getByRole('button', { name: 'Terminate i-01', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid=instance][data-instance="i-01"]')).toHaveCount(0);
  // The next instance's name takes the focus (not its ✕: Enter again must not terminate it).
  await expect(page.getByRole('button', { name: 'Details of i-02', exact: true })).toBeFocused();
  await page.getByRole('button', { name: 'Terminate i-02', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid=instance][data-instance="i-02"]')).toHaveCount(0);
  await expect(page.getByTestId('az-toggle-us-east-1a')).toBeFocused();
  // The zone keeps its heading and button, and says it is empty instead of a bare table header.
  await expect(zone.getByTestId('az-empty')).toHaveText('No instances in us-east-1a');
  await expect(zone.locator('table')).toBeHidden();
  await expect(zone.locator('h3')).toContainText('us-east-1a');
  await page.getByTestId('play').click();
  await zone.screenshot({ path: test.info().outputPath('empty-zone.png') });
});

test('an older revision chip in the table: stripes only on its left edge, the name on a plain tint', async ({ page }) => {
  await ready(page);
  const editor = page.getByTestId('taskdef-editor');
  // A health check keeps the old tasks RUNNING for 30 s after the new ones start.
  const healthCheck = '"healthCheck": {"command": ["CMD-SHELL", "exit 0"], "interval": 30},';
  await editor.fill((await editor.inputValue()).replace('"cpu": 256,', `"cpu": 512, ${healthCheck}`));
  await page.getByTestId('deploy').click();
  await page.waitForFunction(
    () => {
      const n = (rev) => document.querySelectorAll(`[data-testid=task-chip][data-revision="${rev}"][data-status=RUNNING]`).length;
      if (n(2) >= 1 && n(1) >= 1) {
        document.querySelector('[data-testid=play]').click();
        return true;
      }
      return false;
    },
    null,
    { polling: 'raf', timeout: 20_000 },
  );
  const old = page.locator('[data-testid=task-chip].old').first();
  await expect(old).toBeVisible();
  const look = await old.evaluate((e) => {
    const cs = getComputedStyle(e);
    return { image: cs.backgroundImage, size: cs.backgroundSize, repeat: cs.backgroundRepeat, padLeft: parseFloat(cs.paddingLeft), shadow: cs.textShadow, color: cs.color };
  });
  // One hatched layer, no wider than the left padding (so never under the text), no repeat.
  expect(look.image).toContain('repeating-linear-gradient');
  const stripe = parseFloat(look.size.split(',')[0]);
  expect(stripe).toBeGreaterThan(4);
  expect(stripe).toBeLessThan(look.padLeft);
  expect(look.repeat.split(',')[0].trim()).toBe('no-repeat');
  expect(look.shadow).toBe('none');
  expect(look.color).toBe('rgb(31, 35, 40)');
  await old.screenshot({ path: test.info().outputPath('old-chip.png') });
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('old-chips-canvas.png') });
});

test('presenter mode draws the cluster at the same scale in an exercise as in the sandbox and a demo', async ({ page }) => {
  await page.goto('/#lessons/self-healing/retire-instance&present');
  await expect(page.getByTestId('exercise')).toBeVisible();
  await expect(page.locator('html')).toHaveClass(/presenter/);
  const canvas = page.getByTestId('cluster-canvas');
  await expect(canvas).toHaveAttribute('data-zoom', '1.4');
  const zoomed = await canvas.boundingBox();
  await page.goto('/#lessons/self-healing/retire-instance');
  await expect(page.locator('html')).not.toHaveClass(/presenter/);
  await expect(canvas).toHaveAttribute('data-zoom', '1');
  const plain = await canvas.boundingBox();
  // Laid out for the width ÷ 1.4 and drawn 1.4× larger: taller for the same cluster.
  expect(zoomed.height).toBeGreaterThan(plain.height * 1.2);
  await page.goto('/#lessons/self-healing/retire-instance&present');
  await expect(canvas).toHaveAttribute('data-zoom', '1.4');
  await page.screenshot({ path: test.info().outputPath('exercise-presenter.png') });
});

/** A share link for a scenario (see src/shell/share.rs): nothing done yet, at its start. */
function link(scenario) {
  const scene = { v: 1, scenario: JSON.stringify(scenario), files: {}, seed: scenario.seed, editor: '', journal: [], time: 0, furthest: 0 };
  return '/#s=' + deflateRawSync(Buffer.from(JSON.stringify(scene))).toString('base64url');
}

test('the Unplaced lane shows long service names whole and "+4" for the tasks without a square', async ({ page }) => {
  test.setTimeout(60_000);
  // What the picture writes: every fillText on the cluster's base canvas since the last reset.
  await page.addInitScript(() => {
    window.drawn = new Set();
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
      // With the picture's zoom (1.4 in presenter mode) times the device pixel ratio.
      if (this.canvas.classList.contains('cv-base')) window.drawn.add(`${Math.round(this.getTransform().a / devicePixelRatio * 10) / 10} ${text}`);
      return fill.call(this, text, ...rest);
    };
  });
  // Two m5.large (2 vCPU each); both services' tasks need 4 vCPU, so none can be placed.
  const service = (name, count) => ({ serviceName: name, taskDefinition: 'big', desiredCount: count, capacityProviderStrategy: [{ capacityProvider: 'cp', weight: 1 }] });
  const scenario = {
    berth: 1, name: 'Too big to place', seed: 7,
    cluster: {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      autoScalingGroups: [{ name: 'asg', instanceType: 'm5.large', desiredCapacity: 2, minSize: 2, maxSize: 2, launchTime: '90s' }],
      capacityProviders: [{ name: 'cp', autoScalingGroup: 'asg' }],
    },
    taskDefinitions: [{ family: 'big', cpu: '4096', memory: '2048', containerDefinitions: [{ name: 'app', image: 'example/big:1', essential: true }] }],
    services: [service('notifications-fanout-consumer-high-priority', 3), service('notifications-fanout-consumer-low-priority', 12)],
  };
  await page.goto(link(scenario));
  await expect(page.getByTestId('seed')).toHaveText('seed 7');
  const play = page.getByTestId('play');
  if ((await play.textContent()).includes('Play')) await play.click();
  await expect(page.getByTestId('pending-queue')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('unplaced').last()).toContainText('12 × notifications-fanout-consumer-low-priority');
  const labels = ['3 × notifications-fanout-consumer-high-priority', '12 × notifications-fanout-consumer-low-priority', '+4'];
  const drawnLane = (zoom) => page.evaluate((zoom) => [...window.drawn].filter((t) => t.startsWith(`${zoom} `)).map((t) => t.slice(`${zoom} `.length)).filter((t) => t.includes(' × ') || /^\+\d+$/.test(t)).sort(), zoom);
  await expect.poll(() => drawnLane(1)).toEqual([...labels].sort());
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('unplaced-long-names.png') });
  // Presenter mode at 1280 px: the picture is 1.4 times larger, the names still whole; the
  // group of 12 keeps fewer squares beside its name (5 with this machine's fonts) and counts the
  // rest ("+7"); how many fit depends on the font, so any "+N" from 4 to 11 is accepted.
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByTestId('presenter').click();
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await expect(page.getByTestId('cluster-canvas')).toHaveAttribute('data-zoom', '1.4');
  await expect.poll(async () => {
    const lane = await drawnLane(1.4);
    const more = lane.filter((t) => /^\+\d+$/.test(t));
    return [lane.filter((t) => !more.includes(t)), more.length === 1 && Number(more[0].slice(1)) >= 4 && Number(more[0].slice(1)) <= 11];
  }).toEqual([labels.slice(0, 2).sort(), true]);
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('unplaced-long-names-presenter.png') });
});
