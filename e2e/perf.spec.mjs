// Frame-time benchmark of the playground: 500 instances and 5,000 tasks playing at 16×, steady
// and while 4,000 of them stop; and 500 instances with 1,000 tasks through a rolling deployment.
// The scenario comes in through an ordinary share link (#s=base64url(deflate-raw(scene JSON)),
// see src/shell/share.rs), so the page has no test hook. Frame times are requestAnimationFrame
// timestamp differences. The numbers (and the machine) are printed and saved as perf.json;
// docs/cluster-view.md reports them.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const WEB = readFileSync(new URL('../docs/examples/scenarios/taskdefs/web.json', import.meta.url), 'utf8');

function scenario(instances, tasks, type) {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const per = [instances - 2 * Math.floor(instances / 3), Math.floor(instances / 3), Math.floor(instances / 3)];
  return JSON.stringify({
    berth: 1,
    name: `${instances} instances, ${tasks} tasks`,
    seed: 7,
    cluster: { name: 'big', region: 'us-east-1', availabilityZones: zones, instances: zones.map((az, i) => ({ type, az, count: per[i] })) },
    taskDefinitions: [{ file: 'taskdefs/web.json' }],
    services: [{ serviceName: 'web', taskDefinition: 'web', desiredCount: tasks, launchType: 'EC2' }],
  });
}

/** The share-link payload for a fresh scene of `text`, packed in the page (CompressionStream). */
async function link(page, text) {
  const scene = JSON.stringify({ v: 1, scenario: text, files: { 'taskdefs/web.json': WEB }, seed: 7, editor: WEB, journal: [], time: 0, furthest: 0 });
  return page.evaluate(async (json) => {
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }, scene);
}

/** rAF timestamps for `ms` of wall time: frame intervals, sorted, and the long ones. */
async function frames(page, ms) {
  return page.evaluate((ms) => new Promise((done) => {
    const ts = [];
    const start = performance.now();
    const loop = (t) => {
      ts.push(t);
      if (t - start < ms) requestAnimationFrame(loop);
      else done(ts);
    };
    requestAnimationFrame(loop);
  }), ms);
}

function stats(ts) {
  const gaps = ts.slice(1).map((t, i) => t - ts[i]).sort((a, b) => a - b);
  const q = (p) => gaps[Math.min(gaps.length - 1, Math.round((gaps.length - 1) * p))];
  return { frames: gaps.length, p50: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +gaps[gaps.length - 1].toFixed(1), over50ms: gaps.filter((g) => g > 50).length };
}

// The goal (issues 5 and 8): 500 instances and 5,000 tasks at 16×, p95 frame under 16.7 ms.
// Both cases play 5 s steady, then measure 8 s while the cluster changes:
// * 500 instances, 5,000 tasks: the desired count drops to 1,000 (the editor's field), so 4,000
//   tasks stop and fade. (A rolling deployment of 5,000 tasks took the engine minutes before its
//   placement index landed, so it was left out; see docs/cluster-view.md.)
// * 500 instances, 1,000 tasks: a rolling deployment of every task (new chips fly in, old fade).
// PERF_ONLY=5000 or PERF_ONLY=1000 runs one of them.
const ALL = [
  { instances: 500, tasks: 5000, type: 'm5.xlarge', change: 'scale-in' },
  { instances: 500, tasks: 1000, type: 'm5.xlarge', change: 'deploy' },
];
const CASES = ALL.filter((c) => !process.env.PERF_ONLY || String(c.tasks) === process.env.PERF_ONLY);

for (const c of CASES) {
  test(`${c.instances} instances and ${c.tasks} tasks at 16×: frame times`, async ({ page }) => {
    test.setTimeout(240_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto('about:blank');
    const payload = await link(page, scenario(c.instances, c.tasks, c.type));
    await page.goto(`/#s=${payload}`);
    const canvas = page.getByTestId('cluster-canvas');
    await expect(canvas).toHaveAttribute('aria-label', new RegExp(`${c.instances} instances in 3 Availability Zones, ${c.tasks} tasks`), { timeout: 60_000 });
    await expect(page.getByTestId('instance')).toHaveCount(0); // the tables hide themselves at this size
    await page.getByTestId('speed').selectOption({ label: '16×' });
    if ((await page.getByTestId('play').textContent()).includes('Play')) await page.getByTestId('play').click();
    await page.waitForTimeout(3000);
    const clock0 = await page.getByTestId('clock').textContent();
    const steady = stats(await frames(page, 5000));
    const clock1 = await page.getByTestId('clock').textContent();
    const density = await canvas.getAttribute('data-density');
    await page.screenshot({ path: test.info().outputPath(`big-cluster-${c.tasks}.png`) });

    if (c.change === 'deploy') {
      // A rolling deployment of every task: a new revision with more memory.
      await page.getByTestId('taskdef-editor').fill(WEB.replace('"memory": 512,', '"memory": 600,'));
      await page.getByTestId('deploy').click();
      await expect(page.getByTestId('service-summary')).toContainText('web:2', { timeout: 60_000 });
    } else {
      // Scale in: 4,000 tasks stop.
      await page.getByTestId('desired-web').fill('1000');
      await page.getByTestId('desired-web').press('Tab');
      await expect(page.getByTestId('service-summary')).toContainText('desired 1000', { timeout: 60_000 });
    }
    let moving = 0;
    const sample = setInterval(async () => { moving = Math.max(moving, Number(await canvas.getAttribute('data-animating').catch(() => 0))); }, 200);
    const rolling = stats(await frames(page, 8000));
    clearInterval(sample);
    await page.screenshot({ path: test.info().outputPath(`big-cluster-${c.change}.png`) });
    const clock2 = await page.getByTestId('clock').textContent();
    const result = { ...c, speed: '16×', density, clock: [clock0, clock1, clock2], steady, changing: rolling, maxAnimating: moving, machine: `${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${await page.evaluate(() => navigator.userAgent)}`, loadAverage: os.loadavg().map((x) => +x.toFixed(1)) };
    console.log(`perf: ${JSON.stringify(result)}`);
    await test.info().attach('perf.json', { body: JSON.stringify(result, null, 2), contentType: 'application/json' });
    expect(errors).toEqual([]);
    expect(clock1 > clock0 && clock2 > clock1, `the clock moved: ${clock0} ${clock1} ${clock2}`).toBe(true);
    // A measurement, not a gate: on 2 shared cores the numbers move with whatever else runs
    // (docs/cluster-view.md has them); tests/wasm_cluster.rs gates the view's own cost per frame.
    expect(steady.frames).toBeGreaterThan(5);
    expect(rolling.frames).toBeGreaterThan(5);
  });
}
