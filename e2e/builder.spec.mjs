// The lesson builder: record a solution in the sandbox, make goals from the cluster, check the
// lesson, share it as a link, open the link and solve it; open a lesson file from the picker;
// damaged links and files get a message; leaving with unsaved builder work asks first.
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

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

test('a do lesson that changes the image and deploys: suggestions ranked, limits, warnings, readable steps', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await freshSandbox(page);
  await page.getByTestId('speed').selectOption('4');
  await page.getByTestId('tab-builder').click();
  const b = page.getByTestId('builder');
  await b.getByTestId('builder-start').click();
  await expect(b.getByTestId('builder-recording')).toContainText('Recording since');
  // In the Editor: the new image, then Deploy.
  await page.getByTestId('tab-editor').click();
  const editor = page.getByTestId('taskdef-editor');
  await editor.fill((await editor.inputValue()).replace('nginx:1.27', 'nginx:1.28'));
  await page.getByTestId('deploy').click();
  await expect(page.locator('[data-testid=task-chip][data-revision="2"][data-status=RUNNING]')).toHaveCount(6, { timeout: 30000 });
  await expect(page.locator('[data-testid=task-chip]')).toHaveCount(6, { timeout: 30000 });
  await page.getByTestId('tab-builder').click();
  await b.getByTestId('builder-stop').click();
  // The deploy is one readable line; its text is there on demand, as text.
  const deploy = b.getByTestId('builder-step').filter({ hasText: 'deploy the editor' });
  await expect(deploy).toContainText("deploy the editor's task definition to web (image public.ecr.aws/nginx/nginx:1.28)");
  await deploy.locator('summary').click();
  await expect(deploy.locator('pre')).toContainText('"family": "web"');
  // The goal that needs the deploy comes first; goals already true at the start say so.
  const sugg = b.getByTestId('builder-suggestion');
  await expect(sugg.first()).toContainText('web on revision ≥ 2 and 6 running tasks of web on the revision it points at');
  await expect(sugg.first()).not.toHaveAttribute('data-note', /./);
  await expect(sugg.filter({ hasText: '0 unplaced tasks of web' })).toContainText('already true at the start: a rule to keep, not work to do');
  // Make every suggested goal, as the author did.
  const n = await sugg.count();
  for (let i = 0; i < n; i++) await sugg.first().getByRole('button', { name: 'Make this a goal' }).click();
  await expect(b.getByTestId('builder-goal')).toHaveCount(n);
  // No title, no hints: not ready, and the CLI's warning is shown.
  await b.getByTestId('builder-check').click();
  const report = b.getByTestId('builder-report');
  await expect(report).toContainText('✗ Not ready yet: the title is empty: write one in Title (3. Words and rules)');
  await expect(report).toContainText('⚠ hints: no hints: a stuck learner gets no help');
  await b.getByTestId('builder-title').fill('Ship nginx 1.28');
  await b.getByTestId('builder-hints').fill('Change the image in the editor, then Deploy.');
  // Every action the format accepts can be switched off; the limits are fields.
  for (const name of ['drainInstance', 'spotInterruption', 'azOutage', 'azRecover']) {
    await expect(b.getByTestId(`builder-disable-${name}`)).toHaveCount(1);
  }
  await b.getByTestId('builder-disable-drainInstance').check();
  await b.getByTestId('builder-max-desired').fill('6');
  await b.getByTestId('builder-instance-types').fill('t3.small, m5.larg');
  await expect(b.getByTestId('builder-instance-types-error')).toContainText('unknown instance type "m5.larg"');
  await b.getByTestId('builder-instance-types').fill('t3.small, m5.large');
  await expect(b.getByTestId('builder-instance-types-error')).toHaveCount(0);
  await b.getByTestId('builder-check').click();
  await expect(report).toContainText('✓ Ready');
  // The suggested image goal tells the change from a bare Deploy: no warning about that.
  await expect(b.getByTestId('builder-goal').filter({ hasText: 'image public.ecr.aws/nginx/nginx:1.28' })).toHaveCount(1);
  await expect(report).not.toContainText('⚠ taskDefinitionEditor');
  const [download] = await Promise.all([page.waitForEvent('download'), b.getByTestId('builder-download').click()]);
  const file = JSON.parse(await readFile(await download.path(), 'utf8'));
  expect(file.title).toBe('Ship nginx 1.28');
  expect(file.disabledActions).toEqual(['drainInstance']);
  expect(file.limits).toEqual({ maxDesiredCount: 6, instanceTypes: ['t3.small', 'm5.large'] });
  await page.screenshot({ path: test.info().outputPath('builder-deploy.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('in a Kubernetes scenario the builder speaks Kubernetes and lists kubectl apply by its objects', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await freshSandbox(page);
  await page.getByTestId('scenario-picker').selectOption('example:k8s-deployment.json');
  await expect(page.getByTestId('notice').first()).toHaveAttribute('data-kind', 'example-opened');
  await page.getByTestId('tab-builder').click();
  const b = page.getByTestId('builder');
  await expect(b).toContainText('"web has 3 ready pods", not "click here"');
  await expect(b.getByTestId('builder-action-group').first().locator('legend')).toHaveText('Kubernetes');
  await expect(b.getByTestId('builder-kubectl')).toBeVisible();
  await expect(b.getByTestId('builder-max-instances')).toBeHidden();
  await expect(b.locator('.builder-ecs-limits summary')).toContainText("this scenario's pods and nodes are changed with kubectl");
  await b.getByTestId('builder-start').click();
  await page.getByTestId('tab-editor').click();
  const editor = page.getByTestId('taskdef-editor');
  await editor.fill((await editor.inputValue()).replace('replicas: 6', 'replicas: 9'));
  await page.getByTestId('deploy').click();
  if ((await page.getByTestId('play').textContent()).includes('Play')) await page.getByTestId('play').click();
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(9, { timeout: 20_000 });
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toContainText('Play');
  await page.getByTestId('tab-builder').click();
  await b.getByTestId('builder-stop').click();
  const apply = b.getByTestId('builder-step').filter({ hasText: 'kubectl apply' });
  await expect(apply).toHaveCount(1);
  // One line naming the objects, not the YAML flattened; the YAML on demand, as text.
  await expect(apply).toContainText(/^kubectl apply -f - \(Deployment web[^)]*, \d+ lines\)/);
  await expect(apply.locator('pre')).toBeHidden();
  await apply.locator('summary').click();
  await expect(apply.locator('pre')).toContainText('replicas: 9');
  await b.getByTestId('builder-kubectl-apply').check();
  await expect(b.getByTestId('builder-suggestion').filter({ hasText: '9 ready pods of deployment web' })).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('builder-kube.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test.describe('accessibility', () => {
  // axe is injected as a script, which the page's Content-Security-Policy (rightly) forbids.
  test.use({ bypassCSP: true });
  test('the builder with a recording, goals and a check result has no serious axe violations', async ({ page }) => {
    const b = await buildLesson(page);
    await b.getByTestId('builder-check').click();
    await expect(b.getByTestId('builder-report')).toContainText('✓ Ready');
    await page.getByTestId('play').click(); // pause, so the page holds still while axe looks
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document.querySelector('[data-testid=builder]'), { resultTypes: ['violations'] });
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')}: ${v.nodes[0]?.any?.[0]?.message ?? ''})`);
    });
    expect(violations).toEqual([]);
  });
});
