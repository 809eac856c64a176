// The app shell: simulation controls, keyboard, time travel, share links, autosave, presenter mode.
import { test, expect } from '@playwright/test';
import { deflateRawSync } from 'node:zlib';

const chips = (page) => page.getByTestId('task-chip');
const clock = (page) => page.getByTestId('clock');

/** Seconds shown by the clock ("00:01:05" or "00:01:05.250"). */
async function seconds(page) {
  const t = (await clock(page).textContent()).trim();
  const m = t.match(/^(\d+):(\d\d):(\d\d)(?:\.(\d+))?$/);
  expect(m, `clock text ${t}`).not.toBeNull();
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + (m[4] ? Number(`0.${m[4]}`) : 0);
}

/** What a learner sees in the cluster: every instance with its tasks (id, status, revision). */
async function clusterState(page) {
  return page.evaluate(() => {
    const out = {};
    for (const inst of document.querySelectorAll('[data-testid=instance]')) {
      const tasks = [...inst.querySelectorAll('[data-testid=task-chip]')].map(
        (c) => `${c.textContent.trim()}:${c.getAttribute('data-status')}:${c.getAttribute('data-revision')}`,
      );
      out[inst.getAttribute('data-instance')] = { status: inst.getAttribute('data-status'), tasks: tasks.sort() };
    }
    return out;
  });
}

async function snapshot(page) {
  return {
    clock: (await clock(page).textContent()).trim(),
    seed: (await page.getByTestId('seed').textContent()).trim(),
    cluster: await clusterState(page),
    events: await page.getByTestId('event').count(),
    summary: (await page.getByTestId('service-summary').first().textContent()).trim(),
  };
}

async function pause(page) {
  const play = page.getByTestId('play');
  if ((await play.textContent()).includes('Pause')) await play.click();
  await expect(play).toContainText('Play');
}

/** A link payload as Berth writes it: base64url(deflate(JSON)). */
function pack(obj) {
  return deflateRawSync(Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj))).toString('base64url');
}

test('play, pause, step and speed', async ({ page }) => {
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  // The page opens playing at 4×.
  await expect(page.getByTestId('speed')).toHaveValue('2');
  await expect.poll(() => seconds(page)).toBeGreaterThan(2);
  await pause(page);
  const paused = await seconds(page);
  await page.waitForTimeout(600);
  expect(await seconds(page)).toBe(paused);

  // Step goes to the next moment something happens (a settled cluster: one second on).
  await page.getByTestId('step').click();
  expect(await seconds(page)).toBeGreaterThan(paused);
  await expect(page.getByTestId('play')).toContainText('Play');

  // 64×: a second of wall time is about a minute of virtual time.
  await page.getByTestId('speed').selectOption('4');
  const before = await seconds(page);
  const wallStart = Date.now();
  await page.getByTestId('play').click();
  await page.waitForTimeout(1000);
  await pause(page);
  const wall = (Date.now() - wallStart) / 1000;
  const gained = (await seconds(page)) - before;
  // Never more than 64 × the wall time; frames may be dropped on a busy machine, so at least half.
  expect(gained).toBeGreaterThan(32 * wall);
  expect(gained).toBeLessThanOrEqual(64 * wall);

  // max: much faster than 64×.
  await page.getByTestId('speed').selectOption('5');
  await page.getByTestId('play').click();
  await page.waitForTimeout(1000);
  await pause(page);
  expect((await seconds(page)) - before - gained).toBeGreaterThan(600);
  await page.screenshot({ path: test.info().outputPath('controls.png') });
});

test('keyboard only: shortcuts, help, focus and dialogs', async ({ page }) => {
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  await page.evaluate(() => document.activeElement?.blur());
  // Space pauses and plays, and only that: the page does not scroll as well.
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play')).toContainText('Play');
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  expect(consoleErrors.filter((t) => t.includes('preventDefault'))).toEqual([]);
  const t0 = await seconds(page);
  // → steps.
  await page.keyboard.press('ArrowRight');
  expect(await seconds(page)).toBeGreaterThan(t0);
  // [ and ] change the speed.
  await page.keyboard.press(']');
  await expect(page.getByTestId('speed')).toHaveValue('3');
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await expect(page.getByTestId('speed')).toHaveValue('0');
  await page.keyboard.press('[');
  await expect(page.getByTestId('speed')).toHaveValue('0');

  // Shortcuts are off while typing in the editor.
  const editor = page.getByTestId('taskdef-editor');
  await editor.focus();
  await page.keyboard.press('?');
  await page.keyboard.press(']');
  await expect(page.getByTestId('help-dialog')).toHaveCount(0);
  await expect(page.getByTestId('speed')).toHaveValue('0');
  await expect(editor).toHaveValue(/\?\]/);
  await editor.press('Escape');

  // ? opens the help; focus moves into it; Esc closes it and focus comes back.
  await page.getByTestId('help').focus();
  await page.keyboard.press('?');
  const help = page.getByTestId('help-dialog');
  await expect(help).toBeVisible();
  await expect(help).toHaveAttribute('role', 'dialog');
  await expect(help.getByTestId('shortcut-table')).toContainText('Space');
  await expect(help.getByTestId('dialog-close')).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('help.png') });
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(page.getByTestId('help')).toBeFocused();

  // Tab reaches every top bar control, each with an accessible name and a visible focus ring.
  await page.getByTestId('mode-sandbox').focus();
  const seen = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {
        id: el.getAttribute('data-testid'),
        name: (el.getAttribute('aria-label') || el.textContent || '').trim(),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      };
    });
    seen.push(info.id);
    expect(info.name, `${info.id} has a name`).not.toBe('');
    expect(info.outline, `${info.id} shows focus`).toBe(true);
    if (info.id === 'scrubber') break;
  }
  expect(seen).toEqual(['mode-lessons', 'scenario-picker', 'play', 'step', 'speed', 'reset', 'share', 'presenter', 'help', 'scrubber']);
  // The next stop skips the cluster's tables (three buttons per instance) to the side panel.
  await page.keyboard.press('Tab');
  const skip = page.getByTestId('skip-to-panel');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('tab-editor')).toBeFocused();

  // Space on the focused Share button presses it (and does not toggle play).
  await page.getByTestId('share').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('share-dialog')).toBeVisible();
  await expect(page.getByTestId('play')).toContainText('Play');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('share-dialog')).toHaveCount(0);
});

test('time travel: scrub back, see the earlier cluster, go live, resume from the past', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  await pause(page);
  const killedAt = await seconds(page);
  await page.getByRole('button', { name: 'Terminate i-01' }).click();
  await expect(page.locator('[data-testid=instance][data-instance="i-01"]')).toHaveCount(0);
  await page.getByTestId('play').click();
  await expect.poll(() => seconds(page)).toBeGreaterThan(killedAt + 8);
  await pause(page);
  const end = await seconds(page);
  const live = await snapshot(page);
  await expect(page.getByTestId('live-badge')).toBeVisible();

  // Scrub to 1 s: six instances, every task still starting, the terminate not yet happened.
  await page.getByTestId('scrubber').fill('1000');
  await expect(clock(page)).toHaveText('00:00:01');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  await expect(page.getByTestId('timeline-status')).toContainText('Viewing the past: 00:00:01 of');
  await expect(page.getByTestId('instance')).toHaveCount(6);
  await expect(page.locator('[data-testid=instance][data-instance="i-01"]')).toHaveCount(1);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(0);
  await expect(page.locator('[data-testid=event][data-kind=instanceTerminated]')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('scrubbed.png') });

  // Dragging with the mouse: the track keeps its width when the drag leaves the live moment,
  // so the thumb stays under the pointer and letting go keeps the moment dragged to.
  await page.getByTestId('go-live').click();
  const track = await page.getByTestId('scrubber').boundingBox();
  const y = track.y + track.height / 2;
  await page.mouse.move(track.x + track.width - 4, y);
  await page.mouse.down();
  await page.mouse.move(track.x + track.width * 0.7, y, { steps: 5 });
  await page.mouse.move(track.x + track.width * 0.5, y, { steps: 5 });
  await page.mouse.up();
  expect((await page.getByTestId('scrubber').boundingBox()).width).toBeCloseTo(track.width, 0);
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  const dragged = Number(await page.getByTestId('scrubber').inputValue()) / (end * 1000);
  expect(dragged).toBeGreaterThan(0.4);
  expect(dragged).toBeLessThan(0.6);

  // Forward again past the terminate: it happened, as before.
  await page.getByTestId('scrubber').fill(String(Math.round((killedAt + 1) * 1000)));
  await expect(page.locator('[data-testid=instance][data-instance="i-01"]')).toHaveCount(0);
  await expect(page.locator('[data-testid=event][data-kind=instanceTerminated]')).toHaveCount(1);

  // Back to live: exactly the state we left.
  await page.getByTestId('go-live').click();
  await expect(page.getByTestId('live-badge')).toBeVisible();
  expect(await snapshot(page)).toEqual(live);

  // Resume from 2 s: the terminate is forgotten, the timeline now ends there.
  await page.getByTestId('scrubber').fill('2000');
  await page.getByTestId('resume-here').click();
  await expect(page.getByTestId('live-badge')).toBeVisible();
  await expect(page.getByTestId('scrubber')).toHaveAttribute('max', '2000');
  await page.getByTestId('play').click();
  await expect.poll(() => seconds(page)).toBeGreaterThan(end);
  await expect(page.locator('[data-testid=instance][data-instance="i-01"]')).toHaveCount(1);
  await expect(page.locator('[data-testid=event][data-kind=instanceTerminated]')).toHaveCount(0);

  // Acting in the past replaces the future, and says so.
  await pause(page);
  await page.getByTestId('scrubber').fill('3000');
  await page.getByRole('button', { name: 'Drain i-02' }).click();
  await expect(page.locator('[data-testid=notice][data-kind=past-changed]')).toContainText('You changed the past at 00:00:03');
  await expect(page.getByTestId('live-badge')).toBeVisible();
});

test('a share link reopens the identical cluster, clock and timeline', async ({ page, browser }) => {
  await page.goto('/');
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  await page.getByTestId('desired-web').fill('8');
  await page.getByTestId('desired-web').press('Enter');
  await page.getByRole('button', { name: 'Terminate i-03' }).click();
  const editor = page.getByTestId('taskdef-editor');
  const edited = (await editor.inputValue()).replace('"cpu": 256,', '"cpu": 512,');
  await editor.fill(edited);
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('deployed')).toContainText('Registered web:2');
  await expect.poll(() => page.locator('[data-testid=task-chip][data-revision="2"][data-status=RUNNING]').count(), { timeout: 20000 }).toBe(8);
  await pause(page);
  // Look at an earlier moment: the link carries the moment shown and the whole timeline.
  const endSeconds = await seconds(page);
  await page.getByTestId('scrubber').fill(String(Math.round(endSeconds * 500)));
  const here = await snapshot(page);

  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(index\.html)?#s=[A-Za-z0-9_-]+$/);
  await page.screenshot({ path: test.info().outputPath('share-dialog.png') });

  // A fresh browser (no saved session) opens the link.
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.locator('[data-testid=notice][data-kind=link-opened]')).toContainText('Opened a shared scene at');
  await expect(other.locator('[data-testid=notice][data-kind=link-opened]')).toContainText('It is paused: press Play to go on.');
  await expect(other.getByTestId('play')).toContainText('Play');
  expect(await snapshot(other)).toEqual(here);
  await expect(other.getByTestId('taskdef-editor')).toHaveValue(edited);
  await expect(other.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  // The link is removed from the address once opened, so a reload keeps what the learner does.
  expect(new URL(other.url()).hash).toBe('');
  // Its future is there too.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('share-dialog')).toHaveCount(0);
  await other.getByTestId('go-live').click();
  await page.getByTestId('go-live').click();
  expect(await snapshot(other)).toEqual(await snapshot(page));
  await other.screenshot({ path: test.info().outputPath('share-opened.png') });
  await context.close();
});

test('reload keeps the editor text, the actions and the position', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  const editor = page.getByTestId('taskdef-editor');
  const edited = (await editor.inputValue()).replace('"nginx"', '"my-nginx"');
  await editor.fill(edited);
  await page.getByTestId('desired-web').fill('3');
  await page.getByTestId('desired-web').press('Enter');
  await expect(page.getByTestId('service-summary')).toContainText('desired 3');
  await pause(page);
  const before = await snapshot(page);
  await page.reload();
  await expect(editor).toHaveValue(edited);
  await expect(page.getByTestId('desired-web')).toHaveValue('3');
  await pause(page);
  // Paused sessions come back paused; this one was live, so it played on after the reload until
  // the pause above: compare the cluster at the saved moment by scrubbing there.
  const [h, m, s] = before.clock.split(':');
  await page.getByTestId('scrubber').fill(String(Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000)));
  expect(await snapshot(page)).toEqual(before);
});

test('bad links show a clear message and the sample scenario', async ({ page }) => {
  const cases = [
    ['garbage!!', "This link could not be opened: it is damaged: character '!' at position 8 does not belong in a link."],
    [pack({ v: 2, scenario: '{}' }), 'This link could not be opened: it uses format version 2; this Berth reads version 1.'],
    [pack('{"v": 1, "scenario": '), 'This link could not be opened: it is not valid JSON'],
    ['A'.repeat(70 * 1024), 'This link could not be opened: it is 70 KiB long; links can be at most 64 KiB.'],
  ];
  for (const [payload, message] of cases) {
    await page.goto(`/#s=${payload}`);
    const notice = page.locator('[data-testid=notice][data-kind=link-error]');
    await expect(notice).toContainText(message);
    await expect(notice).toHaveAttribute('role', 'alert');
    await expect(chips(page)).toHaveCount(6);
    await expect(page.getByTestId('seed')).toHaveText('seed 7');
  }
  await page.screenshot({ path: test.info().outputPath('bad-link.png') });
  await page.getByTestId('notice-dismiss').click();
  await expect(page.getByTestId('notice')).toHaveCount(0);
  // Lesson links still work.
  await page.goto('/#lessons');
  await expect(page.getByTestId('lesson-picker')).toBeVisible();
});

test('corrupted saved data is set aside with a notice, never a blank page', async ({ page }) => {
  // Put the saved data in place before the page's own scripts run (leaving a page saves it).
  await page.addInitScript(() => {
    const v = new URLSearchParams(location.search).get('saved');
    if (v !== null) localStorage.setItem('berth.sandbox', v);
  });
  await page.goto(`/?saved=${encodeURIComponent('{"v": 1, "scenario": 42')}`);
  const notice = page.locator('[data-testid=notice][data-kind=storage-error]');
  await expect(notice).toContainText('Your saved session could not be read: it is not valid JSON');
  await expect(notice).toContainText('berth.sandbox.corrupt');
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(chips(page)).toHaveCount(6);
  expect(await page.evaluate(() => localStorage.getItem('berth.sandbox.corrupt'))).toBe('{"v": 1, "scenario": 42');
  await page.screenshot({ path: test.info().outputPath('corrupt-storage.png') });
  // A newer format is set aside too, with a message about versions.
  await page.goto(`/?saved=${encodeURIComponent('{"v": 9}')}`);
  await expect(page.locator('[data-testid=notice][data-kind=storage-error]')).toContainText('it uses format version 9; this Berth reads version 1');
  expect(await page.evaluate(() => localStorage.getItem('berth.sandbox.corrupt'))).toBe('{"v": 9}');
  // And a readable one is used, not set aside.
  await page.goto('/?plain');
  await expect(page.getByTestId('notice')).toHaveCount(0);
});

test('presenter mode: big clock, high contrast, editor on request, kept in the address', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  const normalClock = await clock(page).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  await page.getByTestId('presenter').click();
  await expect(page.getByTestId('presenter')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  expect(new URL(page.url()).hash).toBe('#present');
  const bigClock = await clock(page).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(bigClock).toBeGreaterThan(normalClock * 2);
  await expect(page.getByTestId('taskdef-editor')).toHaveCount(0);
  // The Editor tab says why it is empty and offers the editor.
  await expect(page.getByTestId('editor-hidden')).toHaveText('Presenter mode hides the editor: press “Show the editor” above to edit.');
  // Every control of the top bar fits one row at 1366 px, and the side tabs stay on one line.
  const rects = await page.locator('.topbar > *').evaluateAll((els) => els.filter((e) => e.offsetParent).map((e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; }));
  expect(Math.max(...rects.map((r) => r.top))).toBeLessThan(Math.min(...rects.map((r) => r.bottom)));
  const tabHeights = await page.locator('.side-tabs [role=tab]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  expect(Math.max(...tabHeights)).toBeLessThan(Math.min(...tabHeights) + 2);
  // Paused, the big clock keeps whole seconds, so the bar stays one row.
  if ((await page.getByTestId('play').textContent()).includes('Pause')) await page.getByTestId('play').click();
  await page.getByTestId('step').click();
  await expect(clock(page)).toHaveText(/^\d\d:\d\d:\d\d$/);
  const paused = await page.locator('.topbar > *').evaluateAll((els) => els.filter((e) => e.offsetParent).map((e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; }));
  expect(Math.max(...paused.map((r) => r.top))).toBeLessThan(Math.min(...paused.map((r) => r.bottom)));
  // The cluster picture is drawn larger too (text, cards and chips), filling the same width.
  await expect(page.getByTestId('cluster-canvas')).toHaveAttribute('data-zoom', '1.4');
  // ... and fills its column, which grew when the side panel lost the editor (no window resize).
  await expect.poll(() => page.locator('.cv-stage').evaluate((w) => w.clientWidth - w.querySelector('canvas.cv-overlay').getBoundingClientRect().width)).toBeLessThanOrEqual(4);
  await page.screenshot({ path: test.info().outputPath('presenter.png') });
  await page.getByTestId('toggle-editor').click();
  await expect(page.getByTestId('taskdef-editor')).toBeVisible();
  await expect(page.getByTestId('toggle-editor')).toHaveText('Hide the editor');
  // Esc while typing in the editor belongs to the editor: it stays.
  await page.getByTestId('taskdef-editor').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('taskdef-editor')).toBeVisible();
  await page.getByTestId('toggle-editor').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('taskdef-editor')).toHaveCount(0);

  // The flag in the address turns it on directly.
  await page.goto('/?fresh#present');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await page.getByTestId('presenter').click();
  await expect(page.locator('html')).not.toHaveClass(/presenter/);
  await expect(page.getByTestId('taskdef-editor')).toBeVisible();
});

test('Reset asks before it discards your actions, and keeps them if you say no', async ({ page }) => {
  await page.goto('/?fresh');
  await expect(chips(page)).toHaveCount(6);
  await page.getByTestId('play').click(); // pause
  await page.getByTestId('desired-web').fill('7');
  await page.getByTestId('desired-web').press('Enter');
  await expect(page.getByTestId('service-summary')).toContainText('desired 7');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await page.getByTestId('reset').click();
  expect(asked).toBe('Start the scenario over at 00:00:00? Your 1 action(s) on the timeline are discarded; your editor text stays.');
  await expect(page.getByTestId('service-summary')).toContainText('desired 7');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('reset').click();
  await expect(page.getByTestId('service-summary')).toContainText('desired 6');
  // Nothing left to lose: Reset goes ahead without asking.
  page.once('dialog', () => { throw new Error('Reset asked with no actions on the timeline'); });
  await page.getByTestId('reset').click();
  await expect(page.getByTestId('service-summary')).toContainText('desired 6');
});

test('the scenario picker opens example scenarios and chapters; Go back returns to the own session', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  const picker = page.getByTestId('scenario-picker');
  const shown = picker.locator('option:checked');
  await expect(shown).toHaveText('Six web tasks across three AZs');
  await expect(picker).toHaveAccessibleName(/Scenario/);
  // Sixteen examples in teaching order, then the fifteen chapters.
  const examples = picker.locator('optgroup').nth(0).locator('option');
  await expect(examples).toHaveCount(16);
  await expect(examples.first()).toHaveText('Six web tasks across three AZs');
  await expect(examples.nth(7)).toHaveText('Rolling update, minimum 50 %, maximum 100 %');
  await expect(picker.locator('optgroup').nth(1).locator('option')).toHaveCount(15);
  await expect(picker.locator('optgroup').nth(1).locator('option').first()).toHaveText('1. Task definitions');

  // The learner's own work: an edited task definition.
  const editor = page.getByTestId('taskdef-editor');
  const edited = (await editor.inputValue()).replace('"cpu": 256,', '"cpu": 512,');
  await editor.fill(edited);
  await page.waitForTimeout(1200); // autosave

  await picker.selectOption('example:rolling-50-100.json');
  await expect(shown).toHaveText('Rolling update, minimum 50 %, maximum 100 %');
  const opened = page.locator('[data-testid=notice][data-kind=example-opened]');
  // The notice says what the example shows and when its script acts.
  await expect(opened).toContainText('Opened the example “Rolling update, minimum 50 %, maximum 100 %”. Four web tasks move from web:1 to web:2 without ever running more than four: stop 2, start 2, stop 2, start 2. Scripted: at 00:01:00 register the next revision of web and update service web to web:2. Your own session was kept aside. It is paused: press Play to go on.');
  await expect(page.getByTestId('seed')).toHaveText('seed 21');
  await page.getByTestId('play').click();
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(4, { timeout: 15_000 });
  await page.screenshot({ path: test.info().outputPath('picker-example.png') });

  // A second example, the first only looked at: "Go back" still brings back the own session.
  await picker.selectOption('example:k8s-deployment.json');
  await expect(shown).toHaveText('Kubernetes: a Deployment on an EKS node group');
  await expect(page.getByTestId('kubectl-console')).toHaveCount(0); // the Services tab is not open
  await expect(page.locator('[data-testid=instance]')).toHaveCount(3);
  await opened.getByTestId('notice-restore').click();
  await expect(shown).toHaveText('Six web tasks across three AZs');
  await expect(editor).toHaveValue(edited);

  // A chapter opens its first exercise in Lessons.
  await picker.selectOption('chapter:self-healing');
  await expect(page).toHaveURL(/#lessons\/self-healing\/retire-instance$/);
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'self-healing/retire-instance');
});

test('the event log is one tab stop; the arrow keys move between its events', async ({ page }) => {
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  await page.getByTestId('play').click();
  const buttons = page.locator('[data-testid=event] button.ev-jump');
  expect(await buttons.count()).toBeGreaterThan(3);
  await expect(page.locator('[data-testid=event] button.ev-jump[tabindex="0"]')).toHaveCount(1);
  await buttons.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(buttons.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(buttons.nth(2)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(buttons.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(buttons.last()).toBeFocused();
  await page.keyboard.press('Home');
  await expect(buttons.first()).toBeFocused();
});

test('when the timeline registers a newer revision, the editor says so and offers it', async ({ page }) => {
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  await page.getByTestId('scenario-picker').selectOption('example:rolling-50-100.json');
  await expect(page.locator('[data-testid=notice][data-kind=example-opened]')).toBeVisible();
  const editor = page.getByTestId('taskdef-editor');
  await expect(editor).toHaveValue(/nginx:1\.27/);
  const newer = page.getByTestId('newer-revision');
  await expect(newer).toBeHidden();
  // The scripted update is not on the track yet (the run has not reached 00:01:00).
  await expect(page.getByTestId('scripted-mark')).toHaveCount(0);
  // It is named under the timeline instead, until it happens.
  const next = page.getByTestId('timeline-next');
  await expect(next).toHaveText(/^Next scripted, at 00:01:00: register the next revision of web and update service web to web:2$/);
  // Past 00:01:00 the scenario has registered web:2.
  await page.getByTestId('speed').selectOption('4');
  await page.getByTestId('play').click();
  await expect(newer).toBeVisible({ timeout: 20_000 });
  // Its two scripted actions are marked where they happened, named in their tooltips.
  await expect(page.getByTestId('scripted-mark')).toHaveCount(2);
  await expect(page.getByTestId('scripted-mark').nth(1)).toHaveAttribute('title', 'scripted at 00:01:00: update service web to web:2');
  await expect(page.getByTestId('learner-mark')).toHaveCount(0);
  await expect(next).toHaveCount(0);
  await page.getByTestId('play').click();
  await page.getByTestId('timeline').screenshot({ path: test.info().outputPath('scripted-marks.png') });
  await expect(newer).toContainText('web:2 is now the latest revision; the editor still holds web:1.');
  await page.getByTestId('load-newer').click();
  await expect(editor).toHaveValue(/nginx:1\.28/);
  await expect(newer).toBeHidden();
  await expect(page.getByTestId('live-check')).toContainText('No problems found');
});

test('a bad link never costs the learner their saved session: reload or Go back brings it back', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  const editor = page.getByTestId('taskdef-editor');
  const edited = (await editor.inputValue()).replace('"cpu": 256,', '"cpu": 512,');
  await editor.fill(edited);
  const savedEditor = () => page.evaluate(() => JSON.parse(localStorage.getItem('berth.sandbox') || '{}').editor);
  await expect.poll(savedEditor).toBe(edited);
  const notice = page.locator('[data-testid=notice][data-kind=link-error]');
  const i01 = page.locator('[data-testid=instance][data-instance="i-01"]');

  // A bad link, nothing done: the sample is shown; reloading without the link gives the session back.
  await page.goto('/#s=garbage!!');
  await expect(notice).toHaveText(
    "This link could not be opened: it is damaged: character '!' at position 8 does not belong in a link. Showing the sample scenario instead. Your own session was kept aside: “Go back to my own session” brings it back, also after you change something here.Go back to my own sessionDismiss",
  );
  await expect(editor).not.toHaveValue(edited);
  await page.goto('/');
  await expect(editor).toHaveValue(edited);

  // An oversized link, then an action in the sample shown instead (it saves the sample): the
  // learner's session is still aside, and Go back brings it back.
  await page.goto(`/#s=${'A'.repeat(70 * 1024)}`);
  await expect(notice).toContainText('This link could not be opened: it is 70 KiB long; links can be at most 64 KiB. Showing the sample scenario instead. Your own session was kept aside');
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(editor).not.toHaveValue(edited);
  await page.getByRole('button', { name: 'Terminate i-01' }).click();
  await expect(i01).toHaveCount(0);
  await expect.poll(savedEditor).not.toBe(edited); // the sample, with the terminate, is saved now
  await page.screenshot({ path: test.info().outputPath('bad-link-kept-aside.png') });
  await notice.getByTestId('notice-restore').click();
  await expect(editor).toHaveValue(edited);
  await expect(i01).toHaveCount(1);
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await page.reload();
  await expect(editor).toHaveValue(edited);
  await expect(i01).toHaveCount(1);

  // With nothing saved there is nothing to go back to, and the notice promises nothing.
  await page.evaluate(() => localStorage.clear());
  await page.goto('/#s=garbage!!');
  await expect(notice).toContainText('Showing the sample scenario instead.');
  await expect(notice).not.toContainText('kept aside');
  await expect(notice.getByTestId('notice-restore')).toHaveCount(0);
});

test('the desired count beside Deploy and in Create service refuses out-of-range values and names the range', async ({ page }) => {
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  await pause(page);
  const field = page.getByTestId('desired-web');
  const error = page.getByTestId('desired-web-error');
  const summary = page.getByTestId('service-summary');
  await expect(error).toBeHidden();
  await field.fill('100000');
  await field.press('Enter');
  await expect(error).toHaveText(
    "Desired count of web must be a whole number from 0 to 1000; 100000 is too many (Berth's forms stop at 1000 tasks per service so that a typo cannot flood the sandbox; ECS's own quota is 5000). Nothing was changed.",
  );
  await expect(field).toHaveValue('100000');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(summary).toContainText('desired 6,');
  await expect(chips(page)).toHaveCount(6);
  await page.locator('.editor-actions').screenshot({ path: test.info().outputPath('desired-refused.png') });
  await field.fill('-1');
  await field.press('Enter');
  await expect(error).toHaveText('Desired count of web must be a whole number from 0 to 1000; "-1" is not. Nothing was changed.');
  await expect(field).toHaveValue('-1');
  await expect(summary).toContainText('desired 6,');
  await field.fill('8');
  await field.press('Enter');
  await expect(error).toBeHidden();
  await expect(summary).toContainText('desired 8,');

  // Create service says the same range.
  await page.getByTestId('tab-services').click();
  await page.getByTestId('create-service').locator('summary').click();
  await page.getByTestId('create-service-name').fill('api');
  await page.getByTestId('create-service-desired').fill('-1');
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText('Desired count: must be a whole number from 0 to 1000; "-1" is not');
});

test('a Fargate-only text for an EC2 service: warned before Deploy; after the refused update the editor holds the revision it registered', async ({ page }) => {
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  await pause(page);
  const editor = page.getByTestId('taskdef-editor');
  const fargate = (await editor.inputValue())
    .replace('"networkMode": "bridge",\n  "requiresCompatibilities": ["EC2"],', '"networkMode": "awsvpc",\n  "requiresCompatibilities": ["FARGATE"],\n  "cpu": "256",\n  "memory": "512",')
    .replace('"hostPort": 0', '"hostPort": 80');
  await editor.fill(fargate);
  const live = page.getByTestId('live-check');
  await expect(live).toHaveAttribute('data-warnings', '1');
  await expect(live).toHaveAttribute('data-errors', '0');
  await expect(live.getByTestId('diag-warning')).toHaveText(
    'line 4, col 3 requiresCompatibilities: service web runs on EC2 but this text has requiresCompatibilities ["FARGATE"]: Deploy would register the new revision, then the service would refuse it (add "EC2" to requiresCompatibilities)',
  );
  await expect(page.locator('[data-testid=gutter-ln-warn][data-line="4"]')).toHaveCount(1);
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('failed')).toHaveText('Registered web:2, but service web refused it: web:2 is not compatible with EC2: its requiresCompatibilities is ["FARGATE"].');
  // The editor holds web:2 itself: no "newer revision" hint about it.
  await expect(page.getByTestId('newer-revision')).toBeHidden();
  await expect(editor).toHaveValue(fargate);
  await expect(summaryOf(page)).toContainText('web web:1 — desired 6,');
  await page.locator('section.editor').screenshot({ path: test.info().outputPath('refused-update.png') });

  // A broken text: "Not deployed" goes as soon as the text changes again.
  await editor.fill(fargate.replace('"cpu": "256",', '"cpu": "256"'));
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('diagnostics')).toContainText('Not deployed:');
  await editor.fill(fargate);
  await expect(page.getByTestId('diagnostics')).toHaveCount(0);
});

function summaryOf(page) {
  return page.getByTestId('service-summary').first();
}
