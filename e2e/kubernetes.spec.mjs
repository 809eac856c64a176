// Kubernetes in the page: an EKS exercise draws its nodes as cards (pods become chips, Pending
// pods wait in the pending lane).
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';

test('an EKS exercise shows its three nodes, one per zone', async ({ page }) => {
  await page.goto('/#lessons/kubernetes/first-deployment');
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'kubernetes/first-deployment');
  await expect(page.getByTestId('instance')).toHaveCount(3);
  for (const az of ['us-east-1a', 'us-east-1b', 'us-east-1c']) {
    await expect(page.locator(`[data-testid=az][data-az="${az}"] [data-testid=instance]`)).toHaveCount(1);
  }
  await expect(page.getByTestId('task-chip')).toHaveCount(0);
  // Nodes come from node groups: no ECS "Add instance" control in a Kubernetes exercise.
  await expect(page.getByTestId('add-instance')).toHaveCount(0);
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('eks-nodes.png') });
});

// Three replicas of nginx asking for a quarter of a vCPU: the first EKS exercise's answer.
const WEB_MANIFEST = [
  'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  replicas: 3',
  '  selector:', '    matchLabels:', '      app: web', '  template:', '    metadata:', '      labels:', '        app: web',
  '    spec:', '      containers:', '      - name: web', '        image: nginx:1.27', '        resources:', '          requests:',
  '            cpu: 250m', '            memory: 256Mi', '',
].join('\n');

async function applyWeb(page) {
  await page.goto('/#lessons/kubernetes/first-deployment');
  await expect(page.getByTestId('instance')).toHaveCount(3);
  await page.getByTestId('kubectl-args').fill('kubectl apply -f -');
  await page.getByTestId('kubectl-manifest').fill(WEB_MANIFEST);
  await page.getByTestId('kubectl-run').click();
  await expect(page.getByTestId('kubectl-result')).not.toHaveClass(/error/);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(3, { timeout: 20_000 });
}

test('solve the first EKS exercise with the kubectl console: pods become chips, goals tick', async ({ page }) => {
  await applyWeb(page);
  for (const az of ['us-east-1a', 'us-east-1b', 'us-east-1c']) {
    await expect(page.locator(`[data-testid=az][data-az="${az}"] [data-testid=task-chip]`)).toHaveCount(1);
  }
  await expect(page.locator('[data-testid=goal][data-ok=true]')).toHaveCount(3, { timeout: 20_000 });
  await expect(page.getByTestId('solved')).toBeVisible();
  // A pod's details: what kubectl describe would add (requests without limits: Burstable).
  await page.locator('[data-testid=task-chip][data-status=RUNNING]').first().click();
  await expect(page.getByTestId('details-title')).toHaveText(/^Pod web-[0-9a-z]+-[0-9a-z]+$/);
  const pod = page.getByTestId('pod-facts');
  await expect(pod.getByTestId('pod-namespace')).toHaveText('default');
  await expect(pod.getByTestId('pod-qos-class')).toHaveText('Burstable');
  await expect(pod.getByTestId('pod-requests')).toHaveText('cpu 250m, memory 256Mi');
  await expect(pod.getByTestId('pod-priority')).toHaveText('0 (no PriorityClass)');
  await expect(page.getByTestId('details-capacity-provider')).toHaveCount(0);
  // Kubernetes' words, not ECS's: the owner, the node, no task definition, size or Stop task.
  await expect(pod.getByTestId('pod-owner')).toHaveText(/^ReplicaSet web-[0-9a-z]+ of Deployment web \(revision 1\)$/);
  await expect(pod.getByTestId('pod-node')).toHaveText(/^ip-10-0-[123]-10\.ec2\.internal in us-east-1[abc]$/);
  const details = page.getByTestId('details');
  for (const ecs of ['task definition', 'CPU units', 'Stop task', 'docs/kubernetes.md']) await expect(details).not.toContainText(ecs);
  await expect(page.getByTestId('details-taskdef')).toHaveCount(0);
  await expect(page.getByTestId('details-stop-task')).toHaveCount(0);
  // Why here? says what the scheduler did, in the learner's words.
  const why = page.getByTestId('why-here');
  await expect(why).toContainText(/The kube-scheduler bound it to ip-10-0-[123]-10\.ec2\.internal \(t3\.medium in us-east-1[abc]\)\./);
  await expect(why).toContainText('its requests (cpu 250m, memory 256Mi)');
  await expect(why).toContainText('its default profile prefers the emptier node');
  await expect(why).toContainText('The podScheduled event in the Events list (filter Kind: podScheduled) has the scores that won.');
  await page.screenshot({ path: test.info().outputPath('eks-pod-details.png') });
  // Delete pod sends kubectl delete pod, which this exercise (kubectl apply only) refuses.
  const button = page.getByTestId('details-delete-pod');
  await expect(button).toHaveText('Delete pod');
  await expect(button).toHaveAttribute('title', 'kubectl delete pod: a graceful deletion; its ReplicaSet creates a replacement');
  await button.click();
  await expect(page.getByTestId('failed')).toContainText('this exercise allows kubectl apply; asked for kubectl delete');
  await expect(page.getByTestId('pod-status')).toContainText('Running');
  await page.keyboard.press('Escape');
  await page.screenshot({ path: test.info().outputPath('eks-solved.png') });
});

test('a typo in an applied manifest is reported, and the answer shows right under the command at 1366×768', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/#lessons/kubernetes/first-deployment');
  await expect(page.getByTestId('instance')).toHaveCount(3);
  await page.getByTestId('kubectl-args').fill('kubectl apply -f -');
  // `replica:` for `replicas:` (line 6): Berth applies the rest, as kubectl --validate=warn would.
  await page.getByTestId('kubectl-manifest').fill(WEB_MANIFEST.replace('  replicas: 3', '  replica: 3'));
  await page.getByTestId('kubectl-args').scrollIntoViewIfNeeded();
  await page.getByTestId('kubectl-run').click();
  const result = page.getByTestId('kubectl-result');
  await expect(result).toContainText('Warning: unknown field "spec.replica" (line 6); did you mean replicas? It was ignored; kubectl\'s default strict validation would refuse the manifest.');
  // Under the command line, above the manifest box, and on screen.
  const [args, said, box] = await Promise.all(['kubectl-args', 'kubectl-result', 'kubectl-manifest'].map((id) => page.getByTestId(id).boundingBox()));
  expect(said.y).toBeGreaterThan(args.y);
  expect(said.y).toBeLessThan(box.y);
  await expect(result).toBeInViewport();
  await page.screenshot({ path: test.info().outputPath('kubectl-typo-warning-1366.png') });
  // Without `replicas` the Deployment has one pod.
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(1, { timeout: 20_000 });
});

test('Delete pod in a pod\'s details is kubectl delete pod: the pod terminates and its ReplicaSet replaces it', async ({ page }) => {
  await openExample(page, 'k8s-deployment.json');
  await page.getByTestId('play').click();
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6, { timeout: 20_000 });
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toContainText('Play');
  await page.locator('[data-testid=task-chip][data-status=RUNNING]').first().click();
  const pod = page.getByTestId('pod-facts');
  await expect(pod.getByTestId('pod-owner')).toHaveText(/^ReplicaSet web-[0-9a-z]+ of Deployment web \(revision 1\)$/);
  await expect(pod.getByTestId('pod-requests')).toHaveText('cpu 250m, memory 256Mi');
  await page.screenshot({ path: test.info().outputPath('eks-example-pod-details.png') });
  const deleted = (await page.getByTestId('details-title').textContent()).replace('Pod ', '');
  await page.getByTestId('details-delete-pod').click();
  // Terminating: no second Delete pod.
  await expect(pod.getByTestId('pod-status')).toContainText('Terminating');
  await expect(page.getByTestId('details-delete-pod')).toHaveCount(0);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('details-gone')).toHaveText(`${deleted} is gone: it was deleted, evicted or lost with its node. If a ReplicaSet, DaemonSet or Job owned it, that controller has made a replacement.`, { timeout: 20_000 });
  await expect(page.locator(`[data-testid=task-chip][data-task="${deleted}"]`)).toHaveCount(0);
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6, { timeout: 20_000 });
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toContainText('Play');
});

test('the kubectl console says its examples are examples, and what to type when Run has nothing', async ({ page }) => {
  await page.goto('/#lessons/kubernetes/first-deployment');
  await expect(page.getByTestId('instance')).toHaveCount(3);
  await expect(page.getByTestId('service-panel-heading')).toHaveText('Workloads');
  const args = page.getByTestId('kubectl-args');
  await expect(args).toHaveAttribute('placeholder', 'e.g. scale deployment/web --replicas=5');
  await expect(page.getByTestId('kubectl-manifest')).toHaveAttribute('placeholder', /^e\.g\.\napiVersion: apps\/v1\nkind: Deployment\n/);
  // Lighter than typed text, and italic.
  const look = await args.evaluate((el) => {
    const p = getComputedStyle(el, '::placeholder');
    return { style: p.fontStyle, opacity: p.opacity };
  });
  expect(look).toEqual({ style: 'italic', opacity: '0.7' });
  await page.getByTestId('kubectl-run').click();
  await expect(page.getByTestId('kubectl-result')).toHaveText('Type kubectl arguments first, e.g. scale deployment/web --replicas=5');
  await expect(page.getByTestId('kubectl-result')).toHaveAttribute('role', 'alert');
  await args.fill('kubectl');
  await page.getByTestId('kubectl-run').click();
  await expect(page.getByTestId('kubectl-result')).toHaveText('Type kubectl arguments first, e.g. scale deployment/web --replicas=5');
  await page.getByTestId('kubectl-console').screenshot({ path: test.info().outputPath('kubectl-console-empty.png') });
});

test('node cards speak Kubernetes; Drain is kubectl drain, ✕ terminates and the node group replaces the node in its zone', async ({ page }) => {
  test.setTimeout(60_000);
  await applyWeb(page);
  const a = page.locator('[data-testid=az][data-az="us-east-1a"]');
  // Nodes and pods, CPU in millicores as kubectl shows it (a t3.medium has 1930m allocatable).
  await expect(a.locator('thead')).toContainText('node');
  await expect(a.locator('thead')).toContainText('CPU (millicores)');
  await expect(a.locator('thead')).toContainText('pods');
  await expect(a.getByTestId('instance')).toContainText('250m/1930m');
  await expect(a.getByTestId('instance')).toContainText('Ready');
  // No pod waits: the Pending lane on the picture says so, and the box below stays hidden.
  await expect(page.getByTestId('pending-queue')).toBeHidden();
  // A pod chip's number is its ReplicaSet's revision; screen readers hear a pod, not a task.
  await expect(page.locator('.cv-legend')).toContainText('= ReplicaSet revision 2');
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]').first()).toHaveAttribute('aria-label', /^pod web-[0-9a-z]+-[0-9a-z]+, revision 1, running and ready$/);
  // Drain the node in us-east-1a: cordoned, its pod evicted and recreated in another zone.
  await page.getByRole('button', { name: 'Drain ip-10-0-1-10.ec2.internal' }).click();
  await expect(a.getByTestId('instance')).toHaveAttribute('data-status', 'DRAINING');
  await expect(a.getByTestId('instance')).toContainText('Ready,SchedulingDisabled');
  await expect(a.getByTestId('task-chip')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(3, { timeout: 20_000 });
  // Terminate the node in us-east-1b: its pod is lost and replaced; 90 s later the node group's
  // replacement joins in the zone that lost it.
  const b = page.locator('[data-testid=az][data-az="us-east-1b"]');
  await page.getByTestId('speed').selectOption('4'); // 64×
  await page.getByRole('button', { name: 'Terminate ip-10-0-2-10.ec2.internal' }).click();
  await expect(b.getByTestId('instance')).toHaveCount(0);
  await expect(b.getByTestId('instance')).toHaveAttribute('data-instance', 'ip-10-0-2-11.ec2.internal', { timeout: 20_000 });
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(3, { timeout: 20_000 });
  await expect(page.locator('[data-testid=event][data-kind=instanceTerminated]')).toContainText('ip-10-0-2-10.ec2.internal');
  await page.screenshot({ path: test.info().outputPath('eks-node-actions.png'), fullPage: true });
});

test('calls between Services: a NetworkPolicy turns deliveries into timeouts, and the Services tab says which policy', async ({ page }) => {
  const lesson = JSON.parse(readFileSync(new URL('../lessons/14-kubernetes-scheduling/05-network-policy.json', import.meta.url), 'utf8'));
  const manifest = lesson.solution.find((a) => a.action === 'kubectl').manifest;
  await page.goto('/#lessons/kubernetes-scheduling/network-policy');
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'kubernetes-scheduling/network-policy');
  const calls = page.getByTestId('kube-call');
  const blocked = page.locator('[data-testid=kube-call][data-blocked=true]');
  // Before any policy every pod accepts everything: every route delivers.
  await expect(calls.filter({ hasText: 'all delivered' }).first()).toBeVisible({ timeout: 20_000 });
  await expect(blocked).toHaveCount(0);
  await page.getByTestId('kubectl-args').fill('kubectl apply -f -');
  await page.getByTestId('kubectl-manifest').fill(manifest);
  await page.getByTestId('kubectl-run').click();
  await expect(page.getByTestId('kubectl-result')).not.toHaveClass(/error/);
  // tenant-a's frontend and the shared reports job no longer reach tenant-b's backend.
  await expect(blocked).toHaveCount(2, { timeout: 20_000 });
  await expect(blocked.filter({ hasText: 'frontend (tenant-a) → backend (tenant-b) :8080' })).toContainText('time out (dropped by a NetworkPolicy)');
  await expect(blocked.first()).toContainText('NetworkPolicy tenant-b-isolation in namespace tenant-b');
  await expect(calls.filter({ hasText: 'frontend (tenant-b) → backend (tenant-b) :8080' })).toContainText('all delivered');
  await page.getByTestId('kube-calls').screenshot({ path: test.info().outputPath('kube-calls.png') });
});

/** Opens one of the picker's example scenarios from the sandbox. */
async function openExample(page, file) {
  await page.goto('/');
  await expect(page.getByTestId('task-chip')).toHaveCount(6);
  await page.getByTestId('scenario-picker').selectOption(`example:${file}`);
  await expect(page.getByTestId('notice').first()).toHaveAttribute('data-kind', 'example-opened');
}

test('kubectl drain held up by a PodDisruptionBudget prints kubectl\'s refusal, not "drained"', async ({ page }) => {
  test.setTimeout(60_000);
  await openExample(page, 'k8s-deployment.json');
  await page.getByTestId('play').click();
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6, { timeout: 20_000 });
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toContainText('Play');
  // Every one of the six pods must stay up: no eviction is allowed.
  await page.getByTestId('tab-services').click();
  await page.getByTestId('kubectl-args').fill('kubectl apply -f -');
  await page.getByTestId('kubectl-manifest').fill(['apiVersion: policy/v1', 'kind: PodDisruptionBudget', 'metadata:', '  name: web-pdb', 'spec:', '  minAvailable: 6', '  selector:', '    matchLabels:', '      app: web', ''].join('\n'));
  await page.getByTestId('kubectl-run').click();
  await expect(page.getByTestId('kubectl-result')).toHaveText('poddisruptionbudget.policy/web-pdb created');
  const node = await page.locator('[data-testid=az][data-az="us-east-1a"] [data-testid=instance]').first().getAttribute('data-instance');
  await page.getByTestId('kubectl-args').fill(`kubectl drain ${node} --ignore-daemonsets`);
  await page.getByTestId('kubectl-run').click();
  const said = page.getByTestId('kubectl-result');
  await expect(said).toContainText(`node/${node} cordoned`);
  await expect(said).toContainText('evicting pod default/web-');
  await expect(said).toContainText('(will retry after 5s): Cannot evict pod as it would violate the pod\'s disruption budget.');
  await expect(said).toContainText('Berth\'s drain goes on in the background');
  await expect(said).not.toContainText('drained');
  // Not all the way: the answer is a warning, not a success.
  await expect(said).toHaveClass(/warn/);
  await said.screenshot({ path: test.info().outputPath('eks-drain-held-up.png') });
});

test('charts for a Deployment: pods, CPU against the HPA target, and a load from the slider', async ({ page }) => {
  test.setTimeout(60_000);
  await openExample(page, 'k8s-autoscaling.json');
  await page.getByTestId('tab-charts').click();
  // No ECS service here: the Deployment is charted, and the list says it lists Deployments.
  await expect(page.getByTestId('charts-service')).toHaveValue('default/web');
  await expect(page.locator('.charts-controls label')).toHaveText(/^Deployment /);
  await expect(page.locator('[data-testid=charts-service] option:checked')).toHaveText('default/web');
  // The five charts of an ECS service, the latency one included (the same queueing model).
  await expect(page.locator('.chart figcaption:visible')).toHaveText(['CPU and memory utilisation (of requests)', 'Pods', 'Requests and 5xx per second', 'p95 latency', 'Hourly cost']);
  await expect(page.locator('canvas[data-testid^=chart-]')).toHaveCount(5);
  await expect(page.getByTestId('chart-3')).toBeVisible();
  await expect(page.getByTestId('traffic-control').locator('legend')).toHaveText('Load on Deployment default/web');
  const summary = page.getByTestId('charts-summary');
  await expect(summary).toContainText('Deployment default/web at 00:00:00');
  await expect(page.locator('.chart figcaption').nth(1)).toHaveText('Pods');
  // Two pods at 20 requests/s × 10 ms of CPU: 200m of 1000m requested.
  await page.getByTestId('speed').selectOption('4'); // 64×
  await page.getByTestId('play').click();
  await expect(summary).toContainText('CPU 20.0 % of requests (HPA target 60 %), 200m of 1000m', { timeout: 15_000 });
  await expect(summary).toContainText('pods 2 desired, 2 ready, 0 not ready');
  // 10 requests/s per pod against a capacity of 1000m / 10 ms = 100: ρ = 0.1, mean wait
  // 10 / 0.9 = 11.1 ms, p95 = 20 + 11.1 × ln 20 = 53 ms.
  await expect(summary).toContainText('20.0 requests/s to ready pods, 20.0 served, 0.0 5xx/s; p95 latency 53 ms');
  await expect(summary).toContainText('HPA 2–12 pods');
  // 300 requests/s from the slider (a kubectl set load on the timeline): the HPA scales out.
  const marks = await page.locator('[data-testid=timeline] [data-testid=learner-mark]').count();
  await page.getByTestId('rps-slider').fill('300');
  await expect(page.locator('[data-testid=timeline] [data-testid=learner-mark]')).toHaveCount(marks + 1);
  await expect.poll(async () => Number(/pods (\d+) desired/.exec(await summary.textContent())?.[1] ?? 0), { timeout: 20_000 }).toBeGreaterThan(2);
  await expect.poll(async () => Number((await page.getByTestId('clock').textContent()).slice(3, 5)), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toContainText('Play');
  await page.screenshot({ path: test.info().outputPath('eks-charts.png'), fullPage: true });
});

test('a Kubernetes example edits its manifest: checked as YAML with line:col, applied by Deploy', async ({ page }) => {
  test.setTimeout(60_000);
  await openExample(page, 'k8s-deployment.json');
  // The Services tab of a Kubernetes-only scenario is its workloads, with kubectl.
  await expect(page.getByTestId('tab-services')).toHaveText('Workloads');
  await page.getByTestId('tab-services').click();
  await expect(page.getByTestId('service-panel-heading')).toHaveText('Workloads');
  await expect(page.getByTestId('kubectl-args')).toHaveAttribute('placeholder', 'e.g. scale deployment/web --replicas=5');
  await page.getByTestId('tab-editor').click();
  const editor = page.getByTestId('taskdef-editor');
  await expect(page.locator('section.editor h2')).toHaveText('Kubernetes manifest (kubectl apply YAML)');
  await expect(editor).toHaveAttribute('data-language', 'yaml');
  const original = await editor.inputValue();
  expect(original).toContain('kind: Deployment');
  expect(original).toContain('replicas: 6');
  // The manifest as it opens has nothing wrong with it.
  await expect(page.getByTestId('live-check')).toHaveAttribute('data-errors', '0', { timeout: 5_000 });
  // A string where a number belongs: the API server's check, at its line and column.
  await editor.fill(original.replace('replicas: 6', 'replicas: six'));
  const error = page.getByTestId('diag-error').first();
  await expect(error).toContainText('line 6, col 13');
  await expect(page.getByTestId('gutter-ln-err')).toHaveAttribute('data-line', '6');
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('diagnostics')).toContainText('Not deployed: 1 error(s)');
  // Nine replicas, applied as kubectl apply would: three more pods.
  await editor.fill(original.replace('replicas: 6', 'replicas: 9'));
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('deployed')).toHaveText('Applied poddisruptionbudget/web, deployment/web (kubectl apply).');
  await page.getByTestId('play').click();
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(9, { timeout: 20_000 });
  // The Deployment's summary line above the cluster, as kubectl get deployments sums it up.
  await expect(page.getByTestId('deployment-summary')).toContainText('Deployment web (default) — desired 9, ready 9');
  await page.screenshot({ path: test.info().outputPath('eks-manifest-editor.png'), fullPage: true });
});

test('a node\'s details say Ready and its real price; the legend and the event filters speak Kubernetes', async ({ page }) => {
  await openExample(page, 'k8s-deployment.json');
  await page.getByTestId('play').click();
  await expect(page.locator('[data-testid=task-chip][data-status=RUNNING]')).toHaveCount(6, { timeout: 20_000 });
  await page.getByTestId('play').click();
  await page.getByRole('button', { name: 'Details of ip-10-0-1-10.ec2.internal' }).click();
  const panel = page.getByTestId('details');
  await expect(panel).toHaveAttribute('role', 'dialog');
  await expect(page.getByTestId('details-title')).toHaveText('Node ip-10-0-1-10.ec2.internal');
  // kubectl's STATUS, as the table says it, and the t3.medium's on-demand price the cost summary
  // counts for each node.
  await expect(page.getByTestId('details-status')).toHaveText('Ready');
  await expect(page.getByTestId('details-price')).toHaveText('$0.0416 per hour (on-demand)');
  await expect(panel).not.toContainText('ACTIVE');
  await page.getByTestId('details-close').click();
  // Pods take their colour from their workload, not from an ECS service.
  await expect(page.getByTestId('legend-running')).toHaveText('running (colour: its workload: Deployment, DaemonSet or Job)');
  // No ECS service: the filter offers the Deployment, and says so; its pods' events match.
  const filter = page.getByTestId('event-filter-service');
  await expect(filter).toBeVisible();
  await expect(page.locator('label', { has: filter })).toHaveText(/^Deployment /);
  await filter.selectOption({ label: 'web' });
  await expect(page.locator('[data-testid=event][data-kind=podReady]').first()).toBeVisible();
  await expect(page.locator('[data-testid=event][data-kind=kubeNodeReady]')).toHaveCount(0);
  await filter.selectOption({ label: 'all' });
  await page.getByTestId('event-filter-kind').selectOption('podReady');
  await expect(page.locator('[data-testid=event]').first()).toHaveAttribute('data-kind', 'podReady');
});

test('kubectl describe pod in the console: a Pending pod\'s FailedScheduling event, in kubectl\'s layout', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/#lessons/kubernetes/pending-pods');
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'kubernetes/pending-pods');
  await page.getByTestId('step').click();
  const chips = page.getByTestId('pending-queue').locator('[data-testid=pending-pod-chips] [data-testid=task-chip]');
  await expect(chips).toHaveCount(3, { timeout: 10_000 });
  const name = await chips.first().getAttribute('data-task');
  const marks = await page.getByTestId('learner-mark').count();
  await page.getByTestId('kubectl-args').fill(`kubectl describe pod ${name}`);
  await page.getByTestId('kubectl-run').click();
  const out = page.getByTestId('kubectl-result');
  await expect(out).toContainText(new RegExp(`^Name: +${name}\nNamespace: +default\n`));
  await expect(out).toContainText(/\nStatus: +Pending\n/);
  await expect(out).toContainText(/\nEvents:\n  Type     Reason            Age +From               Message\n  ----     ------            ---- +----               -------\n  Warning  FailedScheduling  \d+[sm] +default-scheduler  0\/3 nodes are available: 3 Insufficient cpu\. preemption: /);
  await expect(out).toHaveAttribute('role', 'status');
  // A read: no mark on the timeline, and the exercise's kubectl limits do not apply.
  await expect(page.getByTestId('learner-mark')).toHaveCount(marks);
  await out.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('kubectl-describe-pending-1366.png') });
  await page.getByTestId('kubectl-args').fill('describe pod nope');
  await page.getByTestId('kubectl-run').click();
  await expect(out).toHaveText('Error from server (NotFound): pods "nope" not found');
});

test('lesson 13.2: a Pending pod opens with its requests next to every node\'s room; the lane shows whole names', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/#lessons/kubernetes/pending-pods');
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'kubernetes/pending-pods');
  await page.getByTestId('step').click();
  const queue = page.getByTestId('pending-queue');
  await expect(queue).toBeVisible({ timeout: 10_000 });
  const chips = queue.locator('[data-testid=pending-pod-chips] [data-testid=task-chip]');
  await expect(chips).toHaveCount(3, { timeout: 10_000 });
  // The group: node and pod words, the numbers.
  await page.getByTestId('why-pending-open').click();
  await expect(page.getByTestId('details-title')).toHaveText('Pending: web');
  await expect(page.getByTestId('details-pending-count')).toHaveText('3 × web Pending: no node passes every check for them. The kube-scheduler tries again after every change in the cluster.');
  await expect(page.getByTestId('details')).not.toContainText('instance');
  await expect(page.getByTestId('room-needs')).toHaveText('Each pod needs 2000m CPU, 512Mi memory. What each node has:');
  // One pod: its own details, with Why pending? in numbers.
  const name = await chips.first().getAttribute('data-task');
  await chips.first().click();
  await expect(page.getByTestId('details-title')).toHaveText(`Pod ${name}`);
  await expect(page.getByTestId('pod-requests')).toHaveText('cpu 2, memory 512Mi');
  await expect(page.getByTestId('pod-qos-class')).toHaveText('Burstable');
  const why = page.getByTestId('why-pending');
  await expect(why).toContainText('0/3 nodes are available: 3 Insufficient cpu.');
  await expect(why.getByTestId('room-row')).toHaveCount(3);
  await expect(why.locator('[data-node="ip-10-0-1-10.ec2.internal"] [data-testid=room-cpu]')).toHaveText('1930m of 1930m');
  await expect(why.getByTestId('room-verdict').first()).toHaveText('needs 2000m CPU, only 1930m allocatable: too small for it');
  await expect(why.getByTestId('room-never')).toContainText('No node could ever take it');
  await page.screenshot({ path: test.info().outputPath('eks-pending-pod.png'), fullPage: true });
  // The chip in the lane on the picture opens the pod too (and hovering names it).
  await page.getByTestId('details-close').click();
  const canvas = page.getByTestId('cluster-canvas');
  const box = await canvas.boundingBox();
  const zoom = Number(await canvas.getAttribute('data-zoom'));
  // Lane: the first box starts at x 92; its label, then its chips (14 px, 3 apart).
  let hit = null;
  for (let x = 100; x < 320 && !hit; x += 4) {
    await page.mouse.move(box.x + x * zoom, box.y + 19 * zoom);
    const title = await canvas.getAttribute('title');
    if (title && title.startsWith('Pod ')) hit = x;
  }
  expect(hit, 'a Pending pod\'s chip under the pointer').not.toBeNull();
  // The lane's chips, left to right, are the "Pending pods" list's pods in its order.
  const listed = await chips.evaluateAll((cs) => cs.map((c) => c.dataset.task));
  const lane = [];
  for (let k = 0; k < 3; k++) {
    await page.mouse.move(box.x + (hit + k * 17) * zoom, box.y + 19 * zoom);
    lane.push(await canvas.getAttribute('title'));
  }
  expect(lane).toEqual(listed.map((n) => `Pod ${n}`));
  await page.mouse.click(box.x + hit * zoom, box.y + 19 * zoom);
  await expect(page.getByTestId('details-title')).toHaveText(`Pod ${listed[0]}`);
  await page.getByTestId('details-close').click();
  // Presenter mode: the picture at the back of the room.
  await page.goto('/#lessons/kubernetes/pending-pods&present');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await page.getByTestId('step').click();
  await expect(page.getByTestId('pending-queue')).toBeVisible({ timeout: 10_000 });
  await page.waitForTimeout(300);
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('eks-pending-presenter-canvas.png') });
});

test('presenter mode: a cordoned node\'s row keeps every button inside its zone, no zone scrolls (1366×768 and 1280×720)', async ({ page }) => {
  test.setTimeout(60_000);
  await openExample(page, 'k8s-deployment.json');
  await page.getByTestId('presenter').click();
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await page.getByRole('button', { name: 'Drain ip-10-0-1-10.ec2.internal' }).click();
  const a = page.locator('[data-testid=az][data-az="us-east-1a"]');
  await expect(a.getByTestId('instance')).toContainText('Ready,SchedulingDisabled');
  // A cordoned node can still be drained (again) or lose its Spot capacity.
  await expect(a.getByRole('button', { name: 'Drain ip-10-0-1-10.ec2.internal' })).toBeEnabled();
  await expect(a.getByRole('button', { name: 'Spot-interrupt ip-10-0-1-10.ec2.internal' })).toBeEnabled();
  for (const [width, height] of [[1366, 768], [1280, 720]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(300);
    const zone = await a.boundingBox();
    const x = await a.getByRole('button', { name: 'Terminate ip-10-0-1-10.ec2.internal' }).boundingBox();
    expect(x.x, `${width}: ✕ starts inside its zone`).toBeGreaterThanOrEqual(zone.x);
    expect(x.x + x.width, `${width}: ✕ ends inside its zone`).toBeLessThanOrEqual(zone.x + zone.width);
    for (const name of ['Drain', 'Spot-interrupt']) {
      const b = await a.getByRole('button', { name: `${name} ip-10-0-1-10.ec2.internal` }).boundingBox();
      expect(b.x + b.width, `${width}: ${name} ends inside its zone`).toBeLessThanOrEqual(zone.x + zone.width);
    }
    // No zone needs its horizontal scrollbar.
    const scrolls = await page.locator('[data-testid=az]').evaluateAll((zs) => zs.filter((z) => z.scrollWidth > z.clientWidth).map((z) => z.dataset.az));
    expect(scrolls, `${width}×${height}`).toEqual([]);
  }
  await page.screenshot({ path: test.info().outputPath('eks-presenter-table.png'), fullPage: true });
});
