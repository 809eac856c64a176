// The first live page: the Wasm engine places the sample service, the editor reports a broken
// task definition with its line and keeps the text, and a fixed one deploys and re-places.
import { test, expect } from '@playwright/test';

const chips = (page) => page.getByTestId('task-chip');

test('sample cluster: six web tasks, one per instance, two per AZ', async ({ page }) => {
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  await expect(page.getByTestId('az')).toHaveCount(3);
  await expect(page.getByTestId('instance')).toHaveCount(6);
  for (const az of ['us-east-1a', 'us-east-1b', 'us-east-1c']) {
    await expect(page.locator(`[data-testid=az][data-az="${az}"] [data-testid=task-chip]`)).toHaveCount(2);
  }
  for (const inst of await page.getByTestId('instance').all()) {
    await expect(inst.getByTestId('task-chip')).toHaveCount(1);
  }
  // Tasks start PENDING and become RUNNING as virtual time passes (the page plays at 4×).
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  await expect(page.getByTestId('service-summary')).toContainText('desired 6, running 6, pending 0');
  await expect(page.getByTestId('desired-web')).toHaveValue('6');
  await page.screenshot({ path: test.info().outputPath('sample-cluster.png') });
});

test('break the JSON, see the error with its line, fix it, deploy, see the new placement', async ({ page }) => {
  await page.goto('/');
  await expect(chips(page)).toHaveCount(6);
  const editor = page.getByTestId('taskdef-editor');
  const original = await editor.inputValue();
  expect(original).toContain('"cpu": 256,');

  // Remove the comma after "cpu": 256 (line 9): the parser stops at the next member, line 10.
  const broken = original.replace('"cpu": 256,', '"cpu": 256');
  await editor.fill(broken);
  // Checked as it is typed, before any Deploy: listed with line:col and marked in the gutter.
  const error = page.getByTestId('diag-error').first();
  await expect(error).toContainText('line 10, col 7');
  await expect(error).toContainText("expected ',' or '}'");
  await expect(page.getByTestId('live-check')).toContainText("1 error(s): Deploy will refuse it.");
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('diagnostics')).toHaveText('Not deployed: 1 error(s), listed below. Fix them and press Deploy again.');
  // The line is marked in the editor's gutter too, with the message as its tooltip.
  const mark = page.getByTestId('gutter-ln-err');
  await expect(mark).toHaveCount(1);
  await expect(mark).toHaveAttribute('data-line', '10');
  await expect(mark).toHaveAttribute('title', /expected ',' or '\}'/);
  await expect(editor).toHaveValue(broken); // nothing lost
  await expect(chips(page)).toHaveCount(6); // the cluster is untouched
  await expect(page.locator('[data-testid=task-chip][data-revision="2"]')).toHaveCount(0);

  // A rule error, not a syntax error: memoryReservation above the hard limit.
  await editor.fill(original.replace('"memory": 512,', '"memory": 512, "memoryReservation": 1024,'));
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('diag-error').first()).toContainText('memoryReservation');

  // Fix it with a bigger task: 1024 CPU units and 3 GiB. Revision 2 replaces revision 1.
  const bigger = original.replace('"cpu": 256,', '"cpu": 1024,').replace('"memory": 512,', '"memory": 3072,');
  await editor.fill(bigger);
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('deployed')).toContainText('Registered web:2; service web now runs it.');
  await expect(page.locator('[data-testid=task-chip][data-revision="2"]')).toHaveCount(6);
  await expect(page.locator('[data-testid=task-chip][data-revision="1"]')).toHaveCount(0);
  await expect(page.getByTestId('service-summary')).toContainText('web:2');

  // Nine tasks of 1024 units on six m5.large (2048 units each): spread puts 3 AZs × 3 tasks,
  // no instance takes more than 2.
  await page.getByTestId('desired-web').fill('9');
  await page.getByTestId('desired-web').press('Enter');
  await page.getByTestId('desired-web').blur();
  await expect(chips(page)).toHaveCount(9);
  for (const az of ['us-east-1a', 'us-east-1b', 'us-east-1c']) {
    await expect(page.locator(`[data-testid=az][data-az="${az}"] [data-testid=task-chip]`)).toHaveCount(3);
  }
  for (const inst of await page.getByTestId('instance').all()) {
    expect(await inst.getByTestId('task-chip').count()).toBeLessThanOrEqual(2);
  }
  // Six instances hold twelve such tasks; the thirteenth waits, and the queue says why.
  await page.getByTestId('desired-web').fill('13');
  await page.waitForTimeout(600); // a few play-loop re-renders must not wipe what was typed
  await expect(page.getByTestId('desired-web')).toHaveValue('13');
  await page.getByTestId('desired-web').blur();
  await expect(chips(page)).toHaveCount(12);
  await expect(page.getByTestId('unplaced')).toContainText('1 × web waiting');
  await expect(page.getByTestId('unplaced')).toContainText('needs 1024 CPU units, 0 free');
  await page.screenshot({ path: test.info().outputPath('playground.png'), fullPage: true });
});

test('terminate an instance: the service replaces its task elsewhere', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  const victim = page.locator('[data-testid=instance][data-instance="i-01"]');
  await victim.getByRole('button', { name: 'Terminate i-01' }).click();
  await expect(page.getByTestId('instance')).toHaveCount(5);
  // For a moment the picture keeps a crossed-out ghost of the card where i-01 was.
  await expect(page.getByTestId('cluster-canvas')).not.toHaveAttribute('data-animating', '0');
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('instance-lost.png') });
  await expect(chips(page)).toHaveCount(6);
  // The replacement stays in us-east-1a (spread by AZ), on the surviving instance there.
  await expect(page.locator('[data-testid=instance][data-instance="i-02"] [data-testid=task-chip]')).toHaveCount(2);
  await expect(page.locator('[data-testid=event][data-kind=instanceTerminated]')).toHaveCount(1);
});

test('drain an instance and take a zone down: tasks move, the cards say why', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  await page.getByRole('button', { name: 'Drain i-01' }).click();
  const i01 = page.locator('[data-testid=instance][data-instance="i-01"]');
  await expect(i01).toHaveAttribute('data-status', 'DRAINING');
  await expect(i01.getByTestId('task-chip')).toHaveCount(0);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);

  await page.getByTestId('az-toggle-us-east-1b').click();
  const zoneB = page.locator('[data-testid=az][data-az="us-east-1b"]');
  await expect(zoneB).toHaveClass(/down/);
  await expect(zoneB.getByTestId('task-chip')).toHaveCount(0);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6);
  await expect(page.locator('[data-testid=event][data-kind=azOutage]')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('failures.png'), fullPage: true });
  await page.getByTestId('az-toggle-us-east-1b').click();
  await expect(zoneB).not.toHaveClass(/down/);
});
