// The Services tab's capacity and Kubernetes controls: an Auto Scaling group's desired
// capacity, "Create capacity provider", a capacity provider strategy / grace period / load
// balancer in "Create service", and the kubectl console. Each scenario opens as a share link
// (#s=base64url(deflate-raw(scene JSON)), see src/shell/share.rs), the chapter 11 ones with the
// exercise's own scenario read from lessons/.
import { test, expect } from '@playwright/test';
import { deflateRawSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

/** A share link for a scenario: nothing done yet, at its start. */
function link(scenario) {
  const scene = { v: 1, scenario: JSON.stringify(scenario), files: {}, seed: scenario.seed, editor: '', journal: [], time: 0, furthest: 0 };
  return '/#s=' + deflateRawSync(Buffer.from(JSON.stringify(scene))).toString('base64url');
}

const exercise = (path) => JSON.parse(readFileSync(new URL(`../lessons/${path}`, import.meta.url), 'utf8'));
const running = (page) => page.locator('[data-testid=task-chip][data-status=RUNNING]');

async function open(page, scenario) {
  await page.goto(link(scenario));
  await expect(page.getByTestId('seed')).toHaveText(`seed ${scenario.seed}`);
  await page.getByTestId('tab-services').click();
}

/** A share link opens paused at its moment; start playing. */
async function play(page) {
  const button = page.getByTestId('play');
  if ((await button.textContent()).includes('Play')) await button.click();
  await expect(button).toContainText('Pause');
}

async function pause(page) {
  const button = page.getByTestId('play');
  if ((await button.textContent()).includes('Pause')) await button.click();
  await expect(button).toContainText('Play');
}

test('an Auto Scaling group resized from the Services tab gives a stuck service room', async ({ page }) => {
  // Chapter 11, "resize the group": six 1-vCPU tasks, two m5.large.
  await open(page, exercise('11-cluster-capacity/01-resize-the-group.json').scenario);
  await play(page);
  await expect(running(page)).toHaveCount(4);
  const row = page.getByTestId('asg-asg-web');
  await expect(row).toContainText('m5.large');
  await expect(page.getByTestId('asg-sizes-asg-web')).toHaveText('1 / 2 / 6');
  await expect(page.getByTestId('asg-desired-asg-web')).toHaveValue('2');

  await page.getByTestId('asg-desired-asg-web').fill('7');
  await page.getByTestId('asg-set-asg-web').click();
  await expect(row.getByTestId('asg-result')).toHaveText("Desired capacity: 7 is outside asg-web's range 1–6 (minimum–maximum size)");

  await pause(page); // the launch is seen before it lands
  await page.getByTestId('asg-desired-asg-web').fill('3');
  await page.getByTestId('asg-set-asg-web').click();
  await expect(row.getByTestId('asg-result')).toHaveText('asg-web desired capacity set to 3.');
  await expect(page.getByTestId('asg-sizes-asg-web')).toHaveText('1 / 3 / 6');
  await expect(page.getByTestId('asg-launching-asg-web')).toHaveText('1');
  await page.getByTestId('speed').selectOption('4'); // 64×: the 90 s launch takes about 1.5 s
  await play(page);
  await expect(page.getByTestId('asg-launching-asg-web')).toHaveText('0');
  await expect(running(page)).toHaveCount(6);
  await expect(page.locator('[data-testid=event][data-kind=autoScalingGroupResized]').first()).toBeVisible();
});

test('create a capacity provider with managed scaling, then a service that uses it', async ({ page }) => {
  // Chapter 11, "target capacity": an Auto Scaling group and nothing else.
  await open(page, exercise('11-cluster-capacity/02-target-capacity.json').scenario);
  await pause(page);
  const cp = page.getByTestId('create-cp');
  await cp.locator('summary').click();
  await expect(page.getByTestId('create-cp-group')).toHaveValue('asg-web');
  await page.getByTestId('create-cp-name').fill('ecs-web');
  await page.getByTestId('create-cp-submit').click();
  await expect(page.getByTestId('create-cp-result')).toHaveText('Capacity provider name: can\'t start with "ecs" (reserved by AWS)');
  await page.getByTestId('create-cp-name').fill('cp-web');
  await page.getByTestId('create-cp-target').fill('0');
  await page.getByTestId('create-cp-submit').click();
  await expect(page.getByTestId('create-cp-result')).toHaveText('Target capacity: must be 1–100; got 0');
  await page.getByTestId('create-cp-managed').uncheck();
  await page.getByTestId('create-cp-protection').check();
  await page.getByTestId('create-cp-submit').click();
  await expect(page.getByTestId('create-cp-result')).toHaveText('Managed termination protection: needs managed scaling turned on (without it, protection does not work)');
  await page.getByTestId('create-cp-protection').uncheck();
  await page.getByTestId('create-cp-managed').check();
  await page.getByTestId('create-cp-target').fill('75');
  await page.getByTestId('create-cp-submit').click();
  await expect(page.getByTestId('create-cp-result')).toHaveText('Created capacity provider cp-web for asg-web: managed scaling keeps its reservation at 75 %.');
  await expect(page.getByTestId('cp-cp-web')).toContainText('cp-web → asg-web · managed scaling, target 75 %');

  // Create service: with a strategy row the launch type is omitted.
  await expect(page.getByTestId('create-service-launch')).toHaveCount(1);
  await page.getByTestId('create-service-name').fill('web');
  await page.getByTestId('create-service-desired').fill('6');
  await page.getByTestId('create-service-strategy').selectOption('binpack-memory');
  await page.getByTestId('create-service-cps-add').click();
  await expect(page.getByTestId('create-service-cps-provider-0')).toHaveValue('cp-web');
  await expect(page.getByTestId('create-service-cps-weight-0')).toHaveValue('1');
  await expect(page.getByTestId('create-service-launch')).toHaveCount(0);
  await expect(page.getByTestId('create-service-launch-note')).toContainText('A service uses a launch type or a capacity provider strategy, not both');
  // A second row of the same provider is refused with the ECS rule.
  await page.getByTestId('create-service-cps-add').click();
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText('Capacity provider strategy: capacity provider "cp-web" appears twice in the strategy');
  await page.getByTestId('create-service-cps-remove-1').click();
  await expect(page.getByTestId('create-service-cps-provider-1')).toHaveCount(0);
  await page.getByTestId('create-service-cps-weight-0').fill('1001');
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText('Capacity provider strategy: row 1: weight must be 0–1000; got 1001');
  await page.getByTestId('create-service-cps-weight-0').fill('1');
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText('Created service web: the scheduler is placing 6 task(s).');
  await page.screenshot({ path: test.info().outputPath('capacity-controls.png'), fullPage: true });

  // Managed scaling launches the instances the waiting tasks need.
  await page.getByTestId('speed').selectOption('5');
  await play(page);
  await expect(running(page)).toHaveCount(6, { timeout: 20_000 });
  await expect(page.locator('[data-testid=event][data-kind=autoScalingGroupResized]').first()).toBeVisible();
  // A task's details name the capacity provider that launched it.
  await running(page).first().click();
  await expect(page.getByTestId('details-capacity-provider')).toHaveText('cp-web');
});

test('create service: grace period and a load balancer with default settings', async ({ page }) => {
  await page.goto('/');
  await expect(running(page)).toHaveCount(6);
  await page.getByTestId('tab-services').click();
  // The sample cluster has no capacity providers (and no Fargate): nothing to add.
  await page.getByTestId('create-service').locator('summary').click();
  await expect(page.getByTestId('create-service-cps-add')).toHaveCount(0);
  await page.getByTestId('create-service-name').fill('api');
  await page.getByTestId('create-service-desired').fill('2');
  await page.getByTestId('create-service-grace').fill('3000000000');
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText('Health check grace period: 3000000000 is more than the 2147483647 Berth allows');
  await page.getByTestId('create-service-grace').fill('60');
  await page.getByTestId('create-service-lb').check();
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText('Created service api: the scheduler is placing 2 task(s).');
  await expect(running(page)).toHaveCount(8);
  await expect(page.locator('[data-testid=event][data-kind=targetRegistered]').first()).toBeVisible();
});

test('create a blue/green canary service: a deploy moves 10 % of traffic to green, then the rest after 5 minutes', async ({ page }) => {
  await page.goto('/');
  await expect(running(page)).toHaveCount(6);
  await pause(page);
  await page.getByTestId('tab-services').click();
  await page.getByTestId('create-service').locator('summary').click();
  await page.getByTestId('create-service-name').fill('api');
  await page.getByTestId('create-service-desired').fill('2');
  await page.getByTestId('create-service-lb').check();
  await expect(page.getByTestId('create-service-deployment')).toHaveValue('ECS');
  await page.getByTestId('create-service-deployment').selectOption('CodeDeployDefault.ECSCanary10Percent5Minutes');
  await expect(page.getByTestId('create-service-deployment-note')).toContainText('Blue/green (CodeDeploy)');
  await page.getByTestId('create-service').screenshot({ path: test.info().outputPath('create-service-blue-green.png') });
  await page.getByTestId('create-service-submit').click();
  await expect(page.getByTestId('create-service-result')).toHaveText('Created service api: the scheduler is placing 2 task(s).');
  await page.getByTestId('speed').selectOption('5');
  await play(page);
  await expect(running(page)).toHaveCount(8, { timeout: 20_000 });
  // Deploy web:2 from the editor: it goes to api, the first service running the family.
  await page.getByTestId('tab-editor').click();
  const editor = page.getByTestId('taskdef-editor');
  await editor.fill((await editor.inputValue()).replace('"cpu": 256,', '"cpu": 128,'));
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('deployed')).toContainText('Registered web:2; service api now runs it.');
  const shifted = page.locator('[data-testid=event][data-kind=trafficShifted]');
  const canary = shifted.filter({ hasText: 'service api: 10 % of traffic now goes to the green task set' });
  const all = shifted.filter({ hasText: 'service api: 100 % of traffic now goes to the green task set' });
  await expect(canary).toHaveCount(1, { timeout: 20_000 });
  await expect(all).toHaveCount(1, { timeout: 30_000 });
  // Five virtual minutes apart (the log's data-t is virtual milliseconds).
  const at = async (l) => Number(await l.getAttribute('data-t'));
  expect((await at(all)) - (await at(canary))).toBe(300_000);
});

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
`;

test('the kubectl console scales, applies manifests and shows kubectl errors', async ({ page }) => {
  await open(page, {
    berth: 1, name: 'kubectl console', seed: 3,
    cluster: { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
    kubernetes: { nodeGroups: [{ name: 'ng-1', instanceType: 't3.medium', desiredSize: 3, minSize: 1, maxSize: 5 }], manifests: [WEB] },
  });
  await play(page);
  const objects = page.getByTestId('kubectl-objects');
  await expect(objects).toContainText('web 3/3');
  await expect(page.getByTestId('kubectl-manifest')).toHaveAttribute('placeholder', /kind: Deployment/);
  // No task definitions and no services: the ECS forms stay out of the way.
  await expect(page.getByTestId('create-service')).toHaveCount(0);

  await page.getByTestId('kubectl-args').fill('kubectl scale deployment/web --replicas=5');
  await page.getByTestId('kubectl-args').press('Enter');
  await expect(page.getByTestId('kubectl-result')).toHaveText('deployment.apps/web scaled');
  await expect(objects).toContainText('web 5/5');

  // A refused command changes nothing, so it leaves no mark on the timeline; the accepted
  // scale's mark says what it was.
  const marked = page.getByTestId('learner-mark');
  await expect(marked).toHaveCount(1);
  await expect(marked).toHaveAttribute('title', /^you at 00:00:\d\d(\.\d+)?: kubectl scale deployment\/web --replicas=5$/);
  await page.getByTestId('kubectl-args').fill('scale deployment/nope --replicas=2');
  await page.getByTestId('kubectl-run').click();
  await expect(page.getByTestId('kubectl-result')).toHaveText('Error from server (NotFound): deployments.apps "nope" not found');
  await expect(page.getByTestId('kubectl-result')).toHaveAttribute('role', 'alert');
  await expect(marked).toHaveCount(1);

  await page.getByTestId('kubectl-args').fill('apply -f -');
  await page.getByTestId('kubectl-run').click();
  await expect(page.getByTestId('kubectl-result')).toHaveText('Manifest: is empty: `kubectl apply -f -` reads the YAML from the manifest box');
  await page.getByTestId('kubectl-manifest').fill(WEB.replaceAll('web', 'api').replace('replicas: 3', 'replicas: 2'));
  await page.getByTestId('kubectl-run').click();
  await expect(page.getByTestId('kubectl-result')).toHaveText('deployment.apps/api created');
  await expect(objects).toContainText('api 2/2');

  // Reads are answered from what is shown, in kubectl's layout, and leave no mark on the timeline.
  const marks = await page.getByTestId('learner-mark').count();
  await page.getByTestId('kubectl-args').fill('get deployments');
  await page.getByTestId('kubectl-run').click();
  const out = page.getByTestId('kubectl-result');
  await expect(out).toHaveText(/^NAME {3}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE\napi {4}2\/2 {5}2 {12}2 {11}\d+s\nweb {4}5\/5 {5}5 {12}5 {11}\d+s$/);
  await expect(out).toHaveAttribute('role', 'status');
  await page.getByTestId('kubectl-args').fill('kubectl rollout status deployment/api');
  await page.getByTestId('kubectl-run').click();
  await expect(out).toHaveText('deployment "api" successfully rolled out');
  await page.getByTestId('kubectl-args').fill('get secrets');
  await page.getByTestId('kubectl-run').click();
  await expect(out).toContainText('Berth\'s console lists pods, deployments');
  await expect(out).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('learner-mark')).toHaveCount(marks);
  await page.getByTestId('kubectl-args').fill('get pods -l app=web');
  await page.getByTestId('kubectl-run').click();
  await expect(out).toContainText(/^NAME +READY +STATUS +RESTARTS +AGE\nweb-/);
  // A wide table scrolls inside the panel; the page itself never scrolls sideways.
  await page.getByTestId('kubectl-args').fill('get pods -A -o wide');
  await page.getByTestId('kubectl-run').click();
  await expect(out).toContainText('NOMINATED NODE');
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  expect(await out.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await page.screenshot({ path: test.info().outputPath('kubectl-console.png'), fullPage: true });
  // A mark is a way back: clicking the scale's mark shows the cluster at that moment.
  await marked.first().click();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-live', 'false');
  await expect(page.getByTestId('timeline-status')).toContainText(/^Viewing the past: 00:00:\d\d/);
});
