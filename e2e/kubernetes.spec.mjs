// Kubernetes in the page: an EKS exercise draws its nodes as cards (pods become chips, Pending
// pods wait in the pending lane).
import { test, expect } from '@playwright/test';

test('an EKS exercise shows its three nodes, one per zone', async ({ page }) => {
  await page.goto('/#lessons/kubernetes/first-deployment');
  await expect(page.getByTestId('exercise')).toHaveAttribute('data-exercise', 'kubernetes/first-deployment');
  await expect(page.getByTestId('instance')).toHaveCount(3);
  for (const az of ['us-east-1a', 'us-east-1b', 'us-east-1c']) {
    await expect(page.locator(`[data-testid=az][data-az="${az}"] [data-testid=instance]`)).toHaveCount(1);
  }
  await expect(page.getByTestId('task-chip')).toHaveCount(0);
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('eks-nodes.png') });
});
